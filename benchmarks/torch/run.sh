#!/usr/bin/env bash
# Benchmarks inside the Debian 13 root: Fluxion (managed and on the Torch backend) and TorchSharp's own
# torch.nn/torch.optim, then PyTorch (Debian's python3-torch, on the host) for the same workloads; writes the
# "Torch backend (Debian 13 root)" section of benchmarks/RESULTS.md and benchmarks/torch/results.json.
# The root, its mounts and their cleanup are .ci/torch-root.sh's (--exec). Needs root (chroot).
# Usage: bash benchmarks/torch/run.sh [--quick] [--short] [--rounds N] [--only "W1 W2 ..."] [--threads "1 2"] [--pytorch2]
# --pytorch2 installs the root's own python3-torch (2.x, apt inside the root; once) so PyTorch of libtorch's
# generation runs beside TorchSharp; once installed it is always included. --only re-runs some workloads and
# keeps the others' measurements (benchmarks/torch/raw.jsonl holds every process's JSON line).
set -euo pipefail
cd "$(dirname "$0")/../.."
quick=0; short=0; rounds=1; only=""; threads="1 2"; pytorch2=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --short) short=1 ;;
    --rounds) rounds="$2"; shift ;;
    --only) only="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --pytorch2) pytorch2=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for p in benchmarks/Fluxion.Bench/Fluxion.Bench.fsproj benchmarks/torch/TorchSharpBench/TorchSharpBench.fsproj; do
  dotnet build "$p" -c Release -nologo -clp:ErrorsOnly >/dev/null
done
bash .ci/torch-root.sh --provision
if [ $pytorch2 = 1 ]; then
  cp /etc/resolv.conf .cache/trixie-root/etc/resolv.conf 2>/dev/null || true
  bash .ci/torch-root.sh --exec sh -c 'python3 -c "import torch" 2>/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-torch; }' >&2
fi
workloads="W1 W2 W3 W4 W5 W6 W7 W8 K1_512 K1_1024"
[ -n "$only" ] && workloads="$only"
args="--warmup 1 --runs 3"; w5=""; w6=""
[ $quick = 1 ] && { args="--quick"; rounds=1; }
[ $short = 1 ] && { w5="--iters 10"; w6="--iters 10"; }
out=benchmarks/torch; [ $quick = 1 ] && out=benchmarks/torch/.quick
mkdir -p "$out"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
# Every process's JSON line is kept in $out/raw.jsonl; a run with --only replaces just its workloads' lines.
keep="$out/raw.jsonl"
if [ -n "$only" ] && [ -f "$keep" ]; then
  python3 - "$keep" "$only" >"$raw" <<'PY'
import json, sys
drop = set(sys.argv[2].split())
for line in open(sys.argv[1]):
    if line.strip() and json.loads(line)["workload"] not in drop:
        sys.stdout.write(line)
PY
fi
bash .ci/torch-root.sh --exec sh benchmarks/torch/inside.sh "$workloads" "$threads" "$rounds" "$args" "$w5" "$w6" >>"$raw"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import torch" 2>/dev/null; then
  for w in $workloads; do
    a=$args
    case $w in W5) a="$a $w5" ;; W6) a="$a $w6" ;; esac
    echo "== $w: pytorch (host, Debian python3-torch)" >&2
    printf '%s\n' "$(/usr/bin/python3 benchmarks/pytorch_twins.py "$w" $a)" >>"$raw"
  done
fi
grep '^{' "$raw" >"$keep"
python3 benchmarks/torch/report.py "$keep" "$out" $([ $quick = 1 ] && echo --quick) $([ $short = 1 ] && echo --short)
