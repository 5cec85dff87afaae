/// Single-core FMA throughput probes: the attainable float32 FLOP rate (the ceiling beside the gemm numbers).
module FmaCeiling

open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86

/// 4 independent Vector512 FMA chains for iters steps (register-only).
let fma512x4 (iters: int) =
    let m = Vector512.Create 0.999999f
    let a = Vector512.Create 1e-7f
    let mutable x0 = Vector512.Create(1.0f + float32 0 * 1e-3f)
    let mutable x1 = Vector512.Create(1.0f + float32 1 * 1e-3f)
    let mutable x2 = Vector512.Create(1.0f + float32 2 * 1e-3f)
    let mutable x3 = Vector512.Create(1.0f + float32 3 * 1e-3f)
    for _ in 1 .. iters do
        x0 <- Avx512F.FusedMultiplyAdd(x0, m, a)
        x1 <- Avx512F.FusedMultiplyAdd(x1, m, a)
        x2 <- Avx512F.FusedMultiplyAdd(x2, m, a)
        x3 <- Avx512F.FusedMultiplyAdd(x3, m, a)
    Vector512.ToScalar(x0 + x1 + x2 + x3)

/// 12 independent Vector512 FMA chains for iters steps (register-only).
let fma512x12 (iters: int) =
    let m = Vector512.Create 0.999999f
    let a = Vector512.Create 1e-7f
    let mutable x0 = Vector512.Create(1.0f + float32 0 * 1e-3f)
    let mutable x1 = Vector512.Create(1.0f + float32 1 * 1e-3f)
    let mutable x2 = Vector512.Create(1.0f + float32 2 * 1e-3f)
    let mutable x3 = Vector512.Create(1.0f + float32 3 * 1e-3f)
    let mutable x4 = Vector512.Create(1.0f + float32 4 * 1e-3f)
    let mutable x5 = Vector512.Create(1.0f + float32 5 * 1e-3f)
    let mutable x6 = Vector512.Create(1.0f + float32 6 * 1e-3f)
    let mutable x7 = Vector512.Create(1.0f + float32 7 * 1e-3f)
    let mutable x8 = Vector512.Create(1.0f + float32 8 * 1e-3f)
    let mutable x9 = Vector512.Create(1.0f + float32 9 * 1e-3f)
    let mutable x10 = Vector512.Create(1.0f + float32 10 * 1e-3f)
    let mutable x11 = Vector512.Create(1.0f + float32 11 * 1e-3f)
    for _ in 1 .. iters do
        x0 <- Avx512F.FusedMultiplyAdd(x0, m, a)
        x1 <- Avx512F.FusedMultiplyAdd(x1, m, a)
        x2 <- Avx512F.FusedMultiplyAdd(x2, m, a)
        x3 <- Avx512F.FusedMultiplyAdd(x3, m, a)
        x4 <- Avx512F.FusedMultiplyAdd(x4, m, a)
        x5 <- Avx512F.FusedMultiplyAdd(x5, m, a)
        x6 <- Avx512F.FusedMultiplyAdd(x6, m, a)
        x7 <- Avx512F.FusedMultiplyAdd(x7, m, a)
        x8 <- Avx512F.FusedMultiplyAdd(x8, m, a)
        x9 <- Avx512F.FusedMultiplyAdd(x9, m, a)
        x10 <- Avx512F.FusedMultiplyAdd(x10, m, a)
        x11 <- Avx512F.FusedMultiplyAdd(x11, m, a)
    Vector512.ToScalar(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11)

/// 12 independent Vector256 FMA chains for iters steps (register-only).
let fma256x12 (iters: int) =
    let m = Vector256.Create 0.999999f
    let a = Vector256.Create 1e-7f
    let mutable x0 = Vector256.Create(1.0f + float32 0 * 1e-3f)
    let mutable x1 = Vector256.Create(1.0f + float32 1 * 1e-3f)
    let mutable x2 = Vector256.Create(1.0f + float32 2 * 1e-3f)
    let mutable x3 = Vector256.Create(1.0f + float32 3 * 1e-3f)
    let mutable x4 = Vector256.Create(1.0f + float32 4 * 1e-3f)
    let mutable x5 = Vector256.Create(1.0f + float32 5 * 1e-3f)
    let mutable x6 = Vector256.Create(1.0f + float32 6 * 1e-3f)
    let mutable x7 = Vector256.Create(1.0f + float32 7 * 1e-3f)
    let mutable x8 = Vector256.Create(1.0f + float32 8 * 1e-3f)
    let mutable x9 = Vector256.Create(1.0f + float32 9 * 1e-3f)
    let mutable x10 = Vector256.Create(1.0f + float32 10 * 1e-3f)
    let mutable x11 = Vector256.Create(1.0f + float32 11 * 1e-3f)
    for _ in 1 .. iters do
        x0 <- Fma.MultiplyAdd(x0, m, a)
        x1 <- Fma.MultiplyAdd(x1, m, a)
        x2 <- Fma.MultiplyAdd(x2, m, a)
        x3 <- Fma.MultiplyAdd(x3, m, a)
        x4 <- Fma.MultiplyAdd(x4, m, a)
        x5 <- Fma.MultiplyAdd(x5, m, a)
        x6 <- Fma.MultiplyAdd(x6, m, a)
        x7 <- Fma.MultiplyAdd(x7, m, a)
        x8 <- Fma.MultiplyAdd(x8, m, a)
        x9 <- Fma.MultiplyAdd(x9, m, a)
        x10 <- Fma.MultiplyAdd(x10, m, a)
        x11 <- Fma.MultiplyAdd(x11, m, a)
    Vector256.ToScalar(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11)

/// The probes as (name, FMA lanes per step, run): width and chain count.
let probes : (string * int * (int -> float32)) list =
    [ if Avx512F.IsSupported then
        // Four chains cannot hide the FMA latency (half the rate here); 12 reach the throughput (16 measured the same).
        yield "Vector512 x 4 chains", 64, fma512x4
        yield "Vector512 x 12 chains", 192, fma512x12
      if Fma.IsSupported then
        yield "Vector256 x 12 chains", 96, fma256x12 ]
