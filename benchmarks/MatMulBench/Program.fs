/// Timing program for Fluxion.Kernels.MatMul: GFLOP/s on square products and ns per call on the course's tiny shapes.
module Program

open System
open System.Diagnostics
open Fluxion.Kernels

let private rng = Random(1234)
let private randArr (len: int) = Array.init len (fun _ -> float32 (rng.NextDouble() * 2.0 - 1.0))
let private randArr64 (len: int) = Array.init len (fun _ -> rng.NextDouble() * 2.0 - 1.0)

/// CPU seconds of the whole process (all threads); on a busy machine this is what our threads actually got.
let private cpuNow () = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds

/// Process CPU seconds per call of the last bestSeconds measurement (over all threads).
let mutable private lastCpu = 0.0

/// Runs f repeatedly for at least minMs and returns the best wall seconds per call over several rounds.
let private bestSeconds (minMs: float) (f: unit -> unit) =
    f ()
    let mutable best = Double.MaxValue
    lastCpu <- Double.MaxValue
    for _ in 1 .. 5 do
        let cpu0 = cpuNow ()
        let sw = Stopwatch.StartNew()
        let mutable calls = 0
        // Read the clock only every `batch` calls: clock reads cost far more than a tiny product in a VM.
        let mutable batch = 1
        while sw.Elapsed.TotalMilliseconds < minMs do
            for _ in 1 .. batch do
                f ()
            calls <- calls + batch
            if sw.Elapsed.TotalMilliseconds < minMs / 100.0 then batch <- batch * 2
        best <- min best (sw.Elapsed.TotalSeconds / float calls)
        lastCpu <- min lastCpu ((cpuNow () - cpu0) / float calls)
    best

let private square32 (s: int) =
    let a = randArr (s * s)
    let b = randArr (s * s)
    let c = Array.zeroCreate<float32> (s * s)
    fun () -> MatMul.gemm32 false false s s s 1.0f a 0 s b 0 s 0.0f c 0 s

let private square64 (s: int) =
    let a = randArr64 (s * s)
    let b = randArr64 (s * s)
    let c = Array.zeroCreate<float> (s * s)
    fun () -> MatMul.gemm64 false false s s s 1.0 a 0 s b 0 s 0.0 c 0 s

/// Fastest single call of f over about ms milliseconds: on a shared machine the minimum is the run nobody preempted.
let private minCall (ms: float) (f: unit -> unit) =
    f ()
    let total = Stopwatch.StartNew()
    let mutable best = Double.MaxValue
    while total.Elapsed.TotalMilliseconds < ms do
        let t0 = Stopwatch.GetTimestamp()
        f ()
        best <- min best (Stopwatch.GetElapsedTime(t0).TotalSeconds)
    best

/// Prints the FMA ceiling: each probe's GFLOP/s on one thread and on every core at once.
let private fmaCeiling () =
    let iters = 20_000_000
    for (name, lanes, f) in FmaCeiling.probes do
        let t1 = bestSeconds 50.0 (fun () -> f iters |> ignore)
        let tAll = bestSeconds 50.0 (fun () -> Threading.Tasks.Parallel.For(0, Environment.ProcessorCount, fun _ -> f iters |> ignore) |> ignore)
        printfn "fma ceiling %-22s 1 thread %7.1f GFLOP/s   %d threads %7.1f GFLOP/s" name
            (2.0 * float iters * float lanes / t1 / 1e9) Environment.ProcessorCount
            (float Environment.ProcessorCount * 2.0 * float iters * float lanes / tAll / 1e9)

[<EntryPoint>]
let main argv =
    if argv |> Array.contains "--fma" then
        fmaCeiling ()
        exit 0
    if argv |> Array.contains "--bands" then
        // Same-process A/B of one band per thread against several (two threads, interleaved rounds).
        MatMul.maxThreads <- 2
        for s in [ 512; 1024 ] do
            let f = square32 s
            let best = Collections.Generic.Dictionary<int, float>()
            for _ in 1 .. 3 do
                for bpt in [ 1; 2; 4 ] do
                    MatMul.bandsPerThread <- bpt
                    let t = bestSeconds 300.0 f
                    let tMin = minCall 300.0 f
                    printfn "f32 %4d^3 2 threads, %d band(s) per thread: %7.1f GFLOP/s mean-of-round, fastest call %7.1f GFLOP/s" s bpt
                        (2.0 * float s ** 3.0 / t / 1e9) (2.0 * float s ** 3.0 / tMin / 1e9)
        exit 0
    let quick = argv |> Array.contains "--quick"
    let ms = if quick then 100.0 else 300.0
    let tinyOnly = argv |> Array.contains "--tiny"
    printfn "cores=%d avx512=%b fma=%b simdLevel=%d" Environment.ProcessorCount
        Runtime.Intrinsics.X86.Avx512F.IsSupported Runtime.Intrinsics.X86.Fma.IsSupported MatMul.simdLevel
    if Runtime.Intrinsics.X86.Avx512F.IsSupported then
        let iters = 20_000_000
        let tp = bestSeconds 50.0 (fun () -> FmaCeiling.fma512x12 iters |> ignore)
        printfn "peak probe (1 thread, zmm FMA only): %.2f GFLOP/s wall, %.2f GFLOP per CPU-second"
            (float iters * 12.0 * 32.0 / tp / 1e9) (float iters * 12.0 * 32.0 / lastCpu / 1e9)
        let tp2 = bestSeconds 50.0 (fun () -> Threading.Tasks.Parallel.For(0, 2, fun _ -> FmaCeiling.fma512x12 iters |> ignore) |> ignore)
        printfn "peak probe (2 threads, zmm FMA only): %.2f GFLOP/s wall" (2.0 * float iters * 12.0 * 32.0 / tp2 / 1e9)
    let only = argv |> Array.tryPick (fun a -> if a.StartsWith "--size=" then Some(int (a.Substring 7)) else None)
    for threads in (if tinyOnly then [] else [ 1; 2 ]) do
        MatMul.maxThreads <- threads
        for s in (match only with Some s -> [ s ] | None -> [ 64; 256; 512; 1024 ]) do
            let f = square32 s
            let t = bestSeconds ms f
            let tMin = minCall (if quick then 300.0 else 1000.0) f
            printfn "f32 %4d^3 threads=%d  %8.2f GFLOP/s wall  (%.3f ms; %.2f GFLOP per CPU-second); fastest call %8.2f GFLOP/s" s threads
                (2.0 * float s ** 3.0 / t / 1e9) (t * 1e3) (2.0 * float s ** 3.0 / lastCpu / 1e9) (2.0 * float s ** 3.0 / tMin / 1e9)
        if only.IsNone then
          for s in [ 256; 1024 ] do
            let t = bestSeconds ms (square64 s)
            printfn "f64 %4d^3 threads=%d  %8.2f GFLOP/s  (%.3f ms)" s threads (2.0 * float s ** 3.0 / t / 1e9) (t * 1e3)
    MatMul.maxThreads <- Environment.ProcessorCount
    for (m, k, n) in [ (1, 1, 1); (100, 2, 1); (100, 10, 10); (100, 1, 10); (100, 10, 1) ] do
        let a = randArr (m * k)
        let b = randArr (k * n)
        let c = Array.zeroCreate<float32> (m * n)
        let f () = MatMul.gemm32 false false m n k 1.0f a 0 k b 0 n 0.0f c 0 n
        let f2 () = MatMul.gemm32 false true m n k 1.0f a 0 k b 0 k 0.0f c 0 n
        let before = GC.GetAllocatedBytesForCurrentThread()
        for _ in 1 .. 1000 do f ()
        let alloc = GC.GetAllocatedBytesForCurrentThread() - before
        let t1 = bestSeconds ms f
        let c1 = lastCpu
        let t2 = bestSeconds ms f2
        printfn "tiny %dx%d * %dx%d  %8.1f ns/call wall, %8.1f ns CPU  (B^T: %8.1f ns wall, %8.1f ns CPU; %d bytes allocated per 1000 calls)" m k k n
            (t1 * 1e9) (c1 * 1e9) (t2 * 1e9) (lastCpu * 1e9) alloc
    0
