#!/bin/sh
# Runs inside the Debian 13 root (via run.sh): each workload on Fluxion managed, Fluxion on the Torch backend and
# TorchSharp (and the root's PyTorch 2.x when installed), alternating processes, at each thread count (libtorch's
# intra-op threads; the managed gemm's workers);
# one JSON line per process on stdout.
# Usage: sh benchmarks/torch/inside.sh "<workloads>" "<thread counts>" ROUNDS "<extra args>" "<W5 args>" "<W6 args>"
set -eu
workloads=$1 threads=$2 rounds=$3 args=$4 w5=$5 w6=$6
flux=benchmarks/Fluxion.Bench/bin/Release/net10.0/Fluxion.Bench.dll
tsb=benchmarks/torch/TorchSharpBench/bin/Release/net10.0/TorchSharpBench.dll
# PyTorch 2.x of the root (run.sh --pytorch2 installs it): the Python peer of libtorch's own generation.
pytorch2=0
command -v python3 >/dev/null 2>&1 && python3 -c "import torch" 2>/dev/null && pytorch2=1
for w in $workloads; do
  a=$args
  case $w in W5) a="$a $w5" ;; W6) a="$a $w6" ;; esac
  r=1
  while [ $r -le "$rounds" ]; do
    for t in $threads; do
      echo "== $w round $r: fluxion managed, $t thread(s)" >&2
      FLUXION_BACKEND=managed FLUXION_THREADS=$t dotnet $flux $w $a
      echo "== $w round $r: fluxion torch, $t thread(s)" >&2
      FLUXION_BACKEND=torch FLUXION_TORCH_THREADS=$t dotnet $flux $w $a
      echo "== $w round $r: torchsharp, $t thread(s)" >&2
      FLUXION_TORCH_THREADS=$t dotnet $tsb $w $a
      if [ "$pytorch2" = 1 ]; then
        echo "== $w round $r: pytorch in the root, $t thread(s)" >&2
        FLUXION_TORCH_THREADS=$t python3 benchmarks/pytorch_twins.py $w $a
      fi
    done
    r=$((r + 1))
  done
done
