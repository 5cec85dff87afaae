#!/usr/bin/env bash
# Runs every benchmark workload in Fluxion and in its PyTorch twin, interleaved, and writes
# benchmarks/RESULTS.md and benchmarks/results.json (quick mode: benchmarks/.quick/ only).
# Usage: bash benchmarks/run.sh [--quick] [--short] [--rounds N] [--only "W1 W2 ..."]
#   --quick   1 iteration of each workload at tiny sizes (CI: keeps the harness working, times mean nothing)
#   --short   W5/W6 run 10/5 training iterations instead of 200/100 (per-iteration times stay comparable)
#   --rounds  alternations per workload (each round: one Fluxion and one PyTorch process, 1 warm-up + 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0; short=0; rounds=2; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --short) short=1 ;;
    --rounds) rounds="$2"; shift ;;
    --only) only="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

dotnet build benchmarks/Fluxion.Bench/Fluxion.Bench.fsproj -c Release -nologo -clp:ErrorsOnly >/dev/null
bench=(dotnet benchmarks/Fluxion.Bench/bin/Release/net10.0/Fluxion.Bench.dll)
py=/usr/bin/python3
torch=0
if [ -x "$py" ] && "$py" -c "import torch" 2>/dev/null; then torch=1; fi

out=benchmarks; [ $quick = 1 ] && out=benchmarks/.quick
mkdir -p "$out"
raw=$(mktemp)
trap 'rm -f "$raw" "$raw.time" "$raw.err"' EXIT

# The load average goes into the report (start and end): the ratios move with what else runs.
printf 'meta\t{"loadavg": "%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
# The float32 FMA ceiling of this machine (one and all cores), reported beside K1 (full mode only).
if [ $quick = 0 ] && [ -z "$only" ]; then
  dotnet build benchmarks/MatMulBench/MatMulBench.fsproj -c Release -nologo -clp:ErrorsOnly >/dev/null
  echo "== FMA ceiling" >&2
  dotnet benchmarks/MatMulBench/bin/Release/net10.0/MatMulBench.dll --fma |
    awk '/^fma ceiling/ { for (i = 1; i <= NF; i++) { if ($i == "thread") one = $(i + 1); if ($i == "threads") all = $(i + 1) }
                          printf "meta\t{\"fma\": {\"one\": %s, \"all\": %s}}\n", one, all }' >>"$raw"
fi

workloads="W1 W2 W3 W4 W1C W2C W3C W4C W7C W5 W6 W7 W8 K1_512 K1_1024"
[ -n "$only" ] && workloads="${only//W9/}"
# Workloads where a multi-threaded kernel could matter: also run Fluxion pinned to one CPU.
pinned="W5 W6 K1_512 K1_1024"

run_args() {  # per-workload extra arguments
  local w=$1
  if [ $quick = 1 ]; then echo "--quick"; return; fi
  local a="--warmup 1 --runs 3"
  if [ $short = 1 ]; then
    case $w in W5) a="$a --iters 10" ;; W6) a="$a --iters 5" ;; esac
  fi
  echo "$a"
}

for w in $workloads; do
  args=$(run_args "$w")
  r=$rounds; [ $quick = 1 ] && r=1
  for ((i = 1; i <= r; i++)); do
    echo "== $w round $i: fluxion" >&2
    printf 'fluxion\t%s\n' "$("${bench[@]}" "$w" $args)" >>"$raw"
    # A captured variant (W1C...) has no twin of its own: the report compares it with the base workload's PyTorch runs.
    if [ $torch = 1 ] && [[ $w != *C ]]; then
      echo "== $w round $i: pytorch" >&2
      printf 'pytorch\t%s\n' "$("$py" benchmarks/pytorch_twins.py "$w" $args)" >>"$raw"
    fi
  done
  if [ $quick = 0 ] && [[ " $pinned " == *" $w "* ]]; then
    echo "== $w: fluxion pinned to 1 CPU" >&2
    printf 'fluxion_1cpu\t%s\n' "$(DOTNET_PROCESSOR_COUNT=1 taskset -c 0 "${bench[@]}" "$w" ${args/--runs 3/--runs 5})" >>"$raw"
  fi
done

# W9: the course unit as a whole process, start to exit, with peak RSS: the C# unit program against its PyTorch
# twin benchmarks/unit05_pytorch.py; 1 warm-up + N timed runs per side, interleaved. The program is the shipped
# build of the unit: published with its assemblies precompiled into one composite ReadyToRun image (see
# examples/Unit05.CSharp/Unit05.CSharp.csproj), so the process does not spend its first half in the JIT; the same
# code as `dotnet run`, which prints the same lines. The unit has no tiny mode, so --quick only cuts the number of runs.
w9runs=5; [ $quick = 1 ] && w9runs=1
if [ -z "$only" ] || [[ " $only " == *" W9 "* ]]; then
  if [ $quick = 1 ]; then
    # --quick (the harness test in CI) checks the harness, not the speed: the solution's own build serves, and
    # no publish rewrites the unit's restore state while other tests run.
    unit=examples/Unit05.CSharp/bin/Release/net10.0/Unit05.dll
    if [ ! -f "$unit" ]; then
      dotnet build examples/Unit05.CSharp/Unit05.CSharp.csproj -c Release -nologo -clp:ErrorsOnly >/dev/null
    fi
  else
    rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)
    unit=examples/Unit05.CSharp/bin/Release/net10.0/$rid/publish/Unit05.dll
    echo "== W9: publishing the unit program (ReadyToRun)" >&2
    dotnet publish examples/Unit05.CSharp/Unit05.CSharp.csproj -c Release -p:Unit05ReadyToRun=true -nologo -clp:ErrorsOnly >/dev/null
  fi
  for ((i = 0; i <= w9runs; i++)); do
    sides="fluxion"; [ $torch = 1 ] && sides="fluxion pytorch"
    for side in $sides; do
      echo "== W9 process run $i: $side" >&2
      if [ $side = fluxion ]; then cmd=(dotnet "$unit" --no-report)
      else cmd=("$py" benchmarks/unit05_pytorch.py); fi
      # Standard error goes to a file: on a terminal the unit program would draw its progress bars, which is
      # neither the work measured nor what a redirected run does.
      if ! /usr/bin/time -f '%e %M' -o "$raw.time" "${cmd[@]}" >/dev/null 2>"$raw.err"; then
        cat "$raw.err" >&2; echo "W9: the $side process failed" >&2; exit 1
      fi
      read -r secs rss <"$raw.time"
      [ $i -gt 0 ] && printf 'process\t{"side": "%s", "workload": "W9", "wall_s": %s, "max_rss_kb": %s}\n' "$side" "$secs" "$rss" >>"$raw"
    done
  done
fi

printf 'meta\t{"loadavg": "%s"}\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
python3 benchmarks/report.py "$raw" "$out" $([ $quick = 1 ] && echo --quick) $([ $short = 1 ] && echo --short) $([ $torch = 0 ] && echo --no-torch)
