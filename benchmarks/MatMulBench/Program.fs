/// Timing program for Fluxion.Kernels.MatMul: GFLOP/s on square products and ns per call on the course's tiny shapes.
module Program

open System
open System.Diagnostics
open Fluxion.Kernels

let private rng = Random(1234)
let private randArr (len: int) = Array.init len (fun _ -> float32 (rng.NextDouble() * 2.0 - 1.0))
let private randArr64 (len: int) = Array.init len (fun _ -> rng.NextDouble() * 2.0 - 1.0)

/// Runs f repeatedly for at least minMs and returns the best seconds per call over several rounds.
let private bestSeconds (minMs: float) (f: unit -> unit) =
    f ()
    let mutable best = Double.MaxValue
    for _ in 1 .. 5 do
        let sw = Stopwatch.StartNew()
        let mutable calls = 0
        while sw.Elapsed.TotalMilliseconds < minMs do
            f ()
            calls <- calls + 1
        best <- min best (sw.Elapsed.TotalSeconds / float calls)
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

[<EntryPoint>]
let main argv =
    let quick = argv |> Array.contains "--quick"
    let ms = if quick then 100.0 else 300.0
    printfn "cores=%d avx512=%b fma=%b simdLevel=%d" Environment.ProcessorCount
        Runtime.Intrinsics.X86.Avx512F.IsSupported Runtime.Intrinsics.X86.Fma.IsSupported MatMul.simdLevel
    for threads in [ 1; 2 ] do
        MatMul.maxThreads <- threads
        for s in [ 64; 256; 512; 1024 ] do
            let t = bestSeconds ms (square32 s)
            printfn "f32 %4d^3 threads=%d  %8.2f GFLOP/s  (%.3f ms)" s threads (2.0 * float s ** 3.0 / t / 1e9) (t * 1e3)
        for s in [ 256; 1024 ] do
            let t = bestSeconds ms (square64 s)
            printfn "f64 %4d^3 threads=%d  %8.2f GFLOP/s  (%.3f ms)" s threads (2.0 * float s ** 3.0 / t / 1e9) (t * 1e3)
    MatMul.maxThreads <- Environment.ProcessorCount
    for (m, k, n) in [ (100, 2, 1); (100, 10, 10); (100, 1, 10); (100, 10, 1) ] do
        let a = randArr (m * k)
        let b = randArr (k * n)
        let c = Array.zeroCreate<float32> (m * n)
        let f () = MatMul.gemm32 false false m n k 1.0f a 0 k b 0 n 0.0f c 0 n
        let f2 () = MatMul.gemm32 false true m n k 1.0f a 0 k b 0 k 0.0f c 0 n
        let before = GC.GetAllocatedBytesForCurrentThread()
        for _ in 1 .. 1000 do f ()
        let alloc = GC.GetAllocatedBytesForCurrentThread() - before
        printfn "tiny %dx%d * %dx%d  %8.1f ns/call  (B^T: %8.1f ns/call; %d bytes allocated per 1000 calls)" m k k n
            (bestSeconds ms f * 1e9) (bestSeconds ms f2 * 1e9) alloc
    0
