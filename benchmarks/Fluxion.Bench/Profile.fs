/// Phase profile of the tiny training workloads: wall time and allocated bytes per iteration for
/// forward (graph building + kernels), backward, loss read-out and the optimizer step.
module Fluxion.Bench.Profile

open System
open System.Diagnostics
open Fluxion.Bench.Workloads

/// Runs the trainer `iters` times after a warm-up and prints one JSON object of per-phase costs.
let phases (name: string) (t: Trainer) =
    let n = t.Iters
    let ticks = Array.zeroCreate<int64> 4
    let bytes = Array.zeroCreate<int64> 4
    let inline mark (i: int) (t0: int64) (a0: int64) =
        ticks.[i] <- ticks.[i] + (Stopwatch.GetTimestamp() - t0)
        bytes.[i] <- bytes.[i] + (GC.GetAllocatedBytesForCurrentThread() - a0)
    let warm = min 200 n
    for _ in 1 .. warm do
        use _ = iterationScope ()
        let l = t.Forward()
        l.Backward()
        l.ToDouble() |> ignore
        t.Step()
    for _ in 1 .. n do
        use _ = iterationScope ()
        let mutable t0 = Stopwatch.GetTimestamp()
        let mutable a0 = GC.GetAllocatedBytesForCurrentThread()
        let loss = t.Forward()
        mark 0 t0 a0
        t0 <- Stopwatch.GetTimestamp(); a0 <- GC.GetAllocatedBytesForCurrentThread()
        loss.Backward()
        mark 1 t0 a0
        t0 <- Stopwatch.GetTimestamp(); a0 <- GC.GetAllocatedBytesForCurrentThread()
        loss.ToDouble() |> ignore
        mark 2 t0 a0
        t0 <- Stopwatch.GetTimestamp(); a0 <- GC.GetAllocatedBytesForCurrentThread()
        t.Step()
        mark 3 t0 a0
    let us i = float ticks.[i] * 1e6 / float Stopwatch.Frequency / float n
    let b i = float bytes.[i] / float n
    printfn "{\"workload\": \"%s\", \"iterations\": %d, \"us_per_iter\": {\"forward\": %.2f, \"backward\": %.2f, \"item\": %.2f, \"step\": %.2f}, \"bytes_per_iter\": {\"forward\": %.0f, \"backward\": %.0f, \"item\": %.0f, \"step\": %.0f}, \"gen0_collections\": %d}"
        name n (us 0) (us 1) (us 2) (us 3) (b 0) (b 1) (b 2) (b 3) (GC.CollectionCount 0)
