/// Prototype gemm variants (float32, row-major, no transposes, beta = 0) for same-process A/B of register tiles
/// and cache blocking against Fluxion.Kernels.MatMul.
module Proto

#nowarn "9"

open System
open System.Buffers
open System.Runtime.CompilerServices
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open Microsoft.FSharp.NativeInterop

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let k6x32
        (kc: int) (pa: nativeptr<float32>) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c4_0 = Vector512<float32>.Zero
        let mutable c4_1 = Vector512<float32>.Zero
        let mutable c5_0 = Vector512<float32>.Zero
        let mutable c5_1 = Vector512<float32>.Zero
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            let a1 = Vector512.Create(NativePtr.get a 1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            let a2 = Vector512.Create(NativePtr.get a 2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            let a3 = Vector512.Create(NativePtr.get a 3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            let a4 = Vector512.Create(NativePtr.get a 4)
            c4_0 <- Avx512F.FusedMultiplyAdd(a4, b0, c4_0)
            c4_1 <- Avx512F.FusedMultiplyAdd(a4, b1, c4_1)
            let a5 = Vector512.Create(NativePtr.get a 5)
            c5_0 <- Avx512F.FusedMultiplyAdd(a5, b0, c5_0)
            c5_1 <- Avx512F.FusedMultiplyAdd(a5, b1, c5_1)
            a <- NativePtr.add a 6
            b <- NativePtr.add b 32
            p <- p + 1
        if mr = 6 && nr = 32 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            let q4 = NativePtr.add pc (4 * ldc)
            Avx512F.Store(NativePtr.add q4 0, Avx512F.FusedMultiplyAdd(va, c4_0, Avx512F.LoadVector512(NativePtr.add q4 0)))
            Avx512F.Store(NativePtr.add q4 16, Avx512F.FusedMultiplyAdd(va, c4_1, Avx512F.LoadVector512(NativePtr.add q4 16)))
            let q5 = NativePtr.add pc (5 * ldc)
            Avx512F.Store(NativePtr.add q5 0, Avx512F.FusedMultiplyAdd(va, c5_0, Avx512F.LoadVector512(NativePtr.add q5 0)))
            Avx512F.Store(NativePtr.add q5 16, Avx512F.FusedMultiplyAdd(va, c5_1, Avx512F.LoadVector512(NativePtr.add q5 16)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c1_0)
            Avx512F.Store(NativePtr.add tmp (48), c1_1)
            Avx512F.Store(NativePtr.add tmp (64), c2_0)
            Avx512F.Store(NativePtr.add tmp (80), c2_1)
            Avx512F.Store(NativePtr.add tmp (96), c3_0)
            Avx512F.Store(NativePtr.add tmp (112), c3_1)
            Avx512F.Store(NativePtr.add tmp (128), c4_0)
            Avx512F.Store(NativePtr.add tmp (144), c4_1)
            Avx512F.Store(NativePtr.add tmp (160), c5_0)
            Avx512F.Store(NativePtr.add tmp (176), c5_1)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 32 + j), NativePtr.read q))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let k12x32
        (kc: int) (pa: nativeptr<float32>) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c4_0 = Vector512<float32>.Zero
        let mutable c4_1 = Vector512<float32>.Zero
        let mutable c5_0 = Vector512<float32>.Zero
        let mutable c5_1 = Vector512<float32>.Zero
        let mutable c6_0 = Vector512<float32>.Zero
        let mutable c6_1 = Vector512<float32>.Zero
        let mutable c7_0 = Vector512<float32>.Zero
        let mutable c7_1 = Vector512<float32>.Zero
        let mutable c8_0 = Vector512<float32>.Zero
        let mutable c8_1 = Vector512<float32>.Zero
        let mutable c9_0 = Vector512<float32>.Zero
        let mutable c9_1 = Vector512<float32>.Zero
        let mutable c10_0 = Vector512<float32>.Zero
        let mutable c10_1 = Vector512<float32>.Zero
        let mutable c11_0 = Vector512<float32>.Zero
        let mutable c11_1 = Vector512<float32>.Zero
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            let a1 = Vector512.Create(NativePtr.get a 1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            let a2 = Vector512.Create(NativePtr.get a 2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            let a3 = Vector512.Create(NativePtr.get a 3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            let a4 = Vector512.Create(NativePtr.get a 4)
            c4_0 <- Avx512F.FusedMultiplyAdd(a4, b0, c4_0)
            c4_1 <- Avx512F.FusedMultiplyAdd(a4, b1, c4_1)
            let a5 = Vector512.Create(NativePtr.get a 5)
            c5_0 <- Avx512F.FusedMultiplyAdd(a5, b0, c5_0)
            c5_1 <- Avx512F.FusedMultiplyAdd(a5, b1, c5_1)
            let a6 = Vector512.Create(NativePtr.get a 6)
            c6_0 <- Avx512F.FusedMultiplyAdd(a6, b0, c6_0)
            c6_1 <- Avx512F.FusedMultiplyAdd(a6, b1, c6_1)
            let a7 = Vector512.Create(NativePtr.get a 7)
            c7_0 <- Avx512F.FusedMultiplyAdd(a7, b0, c7_0)
            c7_1 <- Avx512F.FusedMultiplyAdd(a7, b1, c7_1)
            let a8 = Vector512.Create(NativePtr.get a 8)
            c8_0 <- Avx512F.FusedMultiplyAdd(a8, b0, c8_0)
            c8_1 <- Avx512F.FusedMultiplyAdd(a8, b1, c8_1)
            let a9 = Vector512.Create(NativePtr.get a 9)
            c9_0 <- Avx512F.FusedMultiplyAdd(a9, b0, c9_0)
            c9_1 <- Avx512F.FusedMultiplyAdd(a9, b1, c9_1)
            let a10 = Vector512.Create(NativePtr.get a 10)
            c10_0 <- Avx512F.FusedMultiplyAdd(a10, b0, c10_0)
            c10_1 <- Avx512F.FusedMultiplyAdd(a10, b1, c10_1)
            let a11 = Vector512.Create(NativePtr.get a 11)
            c11_0 <- Avx512F.FusedMultiplyAdd(a11, b0, c11_0)
            c11_1 <- Avx512F.FusedMultiplyAdd(a11, b1, c11_1)
            a <- NativePtr.add a 12
            b <- NativePtr.add b 32
            p <- p + 1
        if mr = 12 && nr = 32 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            let q4 = NativePtr.add pc (4 * ldc)
            Avx512F.Store(NativePtr.add q4 0, Avx512F.FusedMultiplyAdd(va, c4_0, Avx512F.LoadVector512(NativePtr.add q4 0)))
            Avx512F.Store(NativePtr.add q4 16, Avx512F.FusedMultiplyAdd(va, c4_1, Avx512F.LoadVector512(NativePtr.add q4 16)))
            let q5 = NativePtr.add pc (5 * ldc)
            Avx512F.Store(NativePtr.add q5 0, Avx512F.FusedMultiplyAdd(va, c5_0, Avx512F.LoadVector512(NativePtr.add q5 0)))
            Avx512F.Store(NativePtr.add q5 16, Avx512F.FusedMultiplyAdd(va, c5_1, Avx512F.LoadVector512(NativePtr.add q5 16)))
            let q6 = NativePtr.add pc (6 * ldc)
            Avx512F.Store(NativePtr.add q6 0, Avx512F.FusedMultiplyAdd(va, c6_0, Avx512F.LoadVector512(NativePtr.add q6 0)))
            Avx512F.Store(NativePtr.add q6 16, Avx512F.FusedMultiplyAdd(va, c6_1, Avx512F.LoadVector512(NativePtr.add q6 16)))
            let q7 = NativePtr.add pc (7 * ldc)
            Avx512F.Store(NativePtr.add q7 0, Avx512F.FusedMultiplyAdd(va, c7_0, Avx512F.LoadVector512(NativePtr.add q7 0)))
            Avx512F.Store(NativePtr.add q7 16, Avx512F.FusedMultiplyAdd(va, c7_1, Avx512F.LoadVector512(NativePtr.add q7 16)))
            let q8 = NativePtr.add pc (8 * ldc)
            Avx512F.Store(NativePtr.add q8 0, Avx512F.FusedMultiplyAdd(va, c8_0, Avx512F.LoadVector512(NativePtr.add q8 0)))
            Avx512F.Store(NativePtr.add q8 16, Avx512F.FusedMultiplyAdd(va, c8_1, Avx512F.LoadVector512(NativePtr.add q8 16)))
            let q9 = NativePtr.add pc (9 * ldc)
            Avx512F.Store(NativePtr.add q9 0, Avx512F.FusedMultiplyAdd(va, c9_0, Avx512F.LoadVector512(NativePtr.add q9 0)))
            Avx512F.Store(NativePtr.add q9 16, Avx512F.FusedMultiplyAdd(va, c9_1, Avx512F.LoadVector512(NativePtr.add q9 16)))
            let q10 = NativePtr.add pc (10 * ldc)
            Avx512F.Store(NativePtr.add q10 0, Avx512F.FusedMultiplyAdd(va, c10_0, Avx512F.LoadVector512(NativePtr.add q10 0)))
            Avx512F.Store(NativePtr.add q10 16, Avx512F.FusedMultiplyAdd(va, c10_1, Avx512F.LoadVector512(NativePtr.add q10 16)))
            let q11 = NativePtr.add pc (11 * ldc)
            Avx512F.Store(NativePtr.add q11 0, Avx512F.FusedMultiplyAdd(va, c11_0, Avx512F.LoadVector512(NativePtr.add q11 0)))
            Avx512F.Store(NativePtr.add q11 16, Avx512F.FusedMultiplyAdd(va, c11_1, Avx512F.LoadVector512(NativePtr.add q11 16)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c1_0)
            Avx512F.Store(NativePtr.add tmp (48), c1_1)
            Avx512F.Store(NativePtr.add tmp (64), c2_0)
            Avx512F.Store(NativePtr.add tmp (80), c2_1)
            Avx512F.Store(NativePtr.add tmp (96), c3_0)
            Avx512F.Store(NativePtr.add tmp (112), c3_1)
            Avx512F.Store(NativePtr.add tmp (128), c4_0)
            Avx512F.Store(NativePtr.add tmp (144), c4_1)
            Avx512F.Store(NativePtr.add tmp (160), c5_0)
            Avx512F.Store(NativePtr.add tmp (176), c5_1)
            Avx512F.Store(NativePtr.add tmp (192), c6_0)
            Avx512F.Store(NativePtr.add tmp (208), c6_1)
            Avx512F.Store(NativePtr.add tmp (224), c7_0)
            Avx512F.Store(NativePtr.add tmp (240), c7_1)
            Avx512F.Store(NativePtr.add tmp (256), c8_0)
            Avx512F.Store(NativePtr.add tmp (272), c8_1)
            Avx512F.Store(NativePtr.add tmp (288), c9_0)
            Avx512F.Store(NativePtr.add tmp (304), c9_1)
            Avx512F.Store(NativePtr.add tmp (320), c10_0)
            Avx512F.Store(NativePtr.add tmp (336), c10_1)
            Avx512F.Store(NativePtr.add tmp (352), c11_0)
            Avx512F.Store(NativePtr.add tmp (368), c11_1)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 32 + j), NativePtr.read q))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let k8x48
        (kc: int) (pa: nativeptr<float32>) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c0_2 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c1_2 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c2_2 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c3_2 = Vector512<float32>.Zero
        let mutable c4_0 = Vector512<float32>.Zero
        let mutable c4_1 = Vector512<float32>.Zero
        let mutable c4_2 = Vector512<float32>.Zero
        let mutable c5_0 = Vector512<float32>.Zero
        let mutable c5_1 = Vector512<float32>.Zero
        let mutable c5_2 = Vector512<float32>.Zero
        let mutable c6_0 = Vector512<float32>.Zero
        let mutable c6_1 = Vector512<float32>.Zero
        let mutable c6_2 = Vector512<float32>.Zero
        let mutable c7_0 = Vector512<float32>.Zero
        let mutable c7_1 = Vector512<float32>.Zero
        let mutable c7_2 = Vector512<float32>.Zero
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let b2 = Avx512F.LoadVector512(NativePtr.add b 32)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            c0_2 <- Avx512F.FusedMultiplyAdd(a0, b2, c0_2)
            let a1 = Vector512.Create(NativePtr.get a 1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            c1_2 <- Avx512F.FusedMultiplyAdd(a1, b2, c1_2)
            let a2 = Vector512.Create(NativePtr.get a 2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            c2_2 <- Avx512F.FusedMultiplyAdd(a2, b2, c2_2)
            let a3 = Vector512.Create(NativePtr.get a 3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            c3_2 <- Avx512F.FusedMultiplyAdd(a3, b2, c3_2)
            let a4 = Vector512.Create(NativePtr.get a 4)
            c4_0 <- Avx512F.FusedMultiplyAdd(a4, b0, c4_0)
            c4_1 <- Avx512F.FusedMultiplyAdd(a4, b1, c4_1)
            c4_2 <- Avx512F.FusedMultiplyAdd(a4, b2, c4_2)
            let a5 = Vector512.Create(NativePtr.get a 5)
            c5_0 <- Avx512F.FusedMultiplyAdd(a5, b0, c5_0)
            c5_1 <- Avx512F.FusedMultiplyAdd(a5, b1, c5_1)
            c5_2 <- Avx512F.FusedMultiplyAdd(a5, b2, c5_2)
            let a6 = Vector512.Create(NativePtr.get a 6)
            c6_0 <- Avx512F.FusedMultiplyAdd(a6, b0, c6_0)
            c6_1 <- Avx512F.FusedMultiplyAdd(a6, b1, c6_1)
            c6_2 <- Avx512F.FusedMultiplyAdd(a6, b2, c6_2)
            let a7 = Vector512.Create(NativePtr.get a 7)
            c7_0 <- Avx512F.FusedMultiplyAdd(a7, b0, c7_0)
            c7_1 <- Avx512F.FusedMultiplyAdd(a7, b1, c7_1)
            c7_2 <- Avx512F.FusedMultiplyAdd(a7, b2, c7_2)
            a <- NativePtr.add a 8
            b <- NativePtr.add b 48
            p <- p + 1
        if mr = 8 && nr = 48 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            Avx512F.Store(NativePtr.add q0 32, Avx512F.FusedMultiplyAdd(va, c0_2, Avx512F.LoadVector512(NativePtr.add q0 32)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            Avx512F.Store(NativePtr.add q1 32, Avx512F.FusedMultiplyAdd(va, c1_2, Avx512F.LoadVector512(NativePtr.add q1 32)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            Avx512F.Store(NativePtr.add q2 32, Avx512F.FusedMultiplyAdd(va, c2_2, Avx512F.LoadVector512(NativePtr.add q2 32)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            Avx512F.Store(NativePtr.add q3 32, Avx512F.FusedMultiplyAdd(va, c3_2, Avx512F.LoadVector512(NativePtr.add q3 32)))
            let q4 = NativePtr.add pc (4 * ldc)
            Avx512F.Store(NativePtr.add q4 0, Avx512F.FusedMultiplyAdd(va, c4_0, Avx512F.LoadVector512(NativePtr.add q4 0)))
            Avx512F.Store(NativePtr.add q4 16, Avx512F.FusedMultiplyAdd(va, c4_1, Avx512F.LoadVector512(NativePtr.add q4 16)))
            Avx512F.Store(NativePtr.add q4 32, Avx512F.FusedMultiplyAdd(va, c4_2, Avx512F.LoadVector512(NativePtr.add q4 32)))
            let q5 = NativePtr.add pc (5 * ldc)
            Avx512F.Store(NativePtr.add q5 0, Avx512F.FusedMultiplyAdd(va, c5_0, Avx512F.LoadVector512(NativePtr.add q5 0)))
            Avx512F.Store(NativePtr.add q5 16, Avx512F.FusedMultiplyAdd(va, c5_1, Avx512F.LoadVector512(NativePtr.add q5 16)))
            Avx512F.Store(NativePtr.add q5 32, Avx512F.FusedMultiplyAdd(va, c5_2, Avx512F.LoadVector512(NativePtr.add q5 32)))
            let q6 = NativePtr.add pc (6 * ldc)
            Avx512F.Store(NativePtr.add q6 0, Avx512F.FusedMultiplyAdd(va, c6_0, Avx512F.LoadVector512(NativePtr.add q6 0)))
            Avx512F.Store(NativePtr.add q6 16, Avx512F.FusedMultiplyAdd(va, c6_1, Avx512F.LoadVector512(NativePtr.add q6 16)))
            Avx512F.Store(NativePtr.add q6 32, Avx512F.FusedMultiplyAdd(va, c6_2, Avx512F.LoadVector512(NativePtr.add q6 32)))
            let q7 = NativePtr.add pc (7 * ldc)
            Avx512F.Store(NativePtr.add q7 0, Avx512F.FusedMultiplyAdd(va, c7_0, Avx512F.LoadVector512(NativePtr.add q7 0)))
            Avx512F.Store(NativePtr.add q7 16, Avx512F.FusedMultiplyAdd(va, c7_1, Avx512F.LoadVector512(NativePtr.add q7 16)))
            Avx512F.Store(NativePtr.add q7 32, Avx512F.FusedMultiplyAdd(va, c7_2, Avx512F.LoadVector512(NativePtr.add q7 32)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c0_2)
            Avx512F.Store(NativePtr.add tmp (48), c1_0)
            Avx512F.Store(NativePtr.add tmp (64), c1_1)
            Avx512F.Store(NativePtr.add tmp (80), c1_2)
            Avx512F.Store(NativePtr.add tmp (96), c2_0)
            Avx512F.Store(NativePtr.add tmp (112), c2_1)
            Avx512F.Store(NativePtr.add tmp (128), c2_2)
            Avx512F.Store(NativePtr.add tmp (144), c3_0)
            Avx512F.Store(NativePtr.add tmp (160), c3_1)
            Avx512F.Store(NativePtr.add tmp (176), c3_2)
            Avx512F.Store(NativePtr.add tmp (192), c4_0)
            Avx512F.Store(NativePtr.add tmp (208), c4_1)
            Avx512F.Store(NativePtr.add tmp (224), c4_2)
            Avx512F.Store(NativePtr.add tmp (240), c5_0)
            Avx512F.Store(NativePtr.add tmp (256), c5_1)
            Avx512F.Store(NativePtr.add tmp (272), c5_2)
            Avx512F.Store(NativePtr.add tmp (288), c6_0)
            Avx512F.Store(NativePtr.add tmp (304), c6_1)
            Avx512F.Store(NativePtr.add tmp (320), c6_2)
            Avx512F.Store(NativePtr.add tmp (336), c7_0)
            Avx512F.Store(NativePtr.add tmp (352), c7_1)
            Avx512F.Store(NativePtr.add tmp (368), c7_2)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 48 + j), NativePtr.read q))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let k14x32
        (kc: int) (pa: nativeptr<float32>) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c4_0 = Vector512<float32>.Zero
        let mutable c4_1 = Vector512<float32>.Zero
        let mutable c5_0 = Vector512<float32>.Zero
        let mutable c5_1 = Vector512<float32>.Zero
        let mutable c6_0 = Vector512<float32>.Zero
        let mutable c6_1 = Vector512<float32>.Zero
        let mutable c7_0 = Vector512<float32>.Zero
        let mutable c7_1 = Vector512<float32>.Zero
        let mutable c8_0 = Vector512<float32>.Zero
        let mutable c8_1 = Vector512<float32>.Zero
        let mutable c9_0 = Vector512<float32>.Zero
        let mutable c9_1 = Vector512<float32>.Zero
        let mutable c10_0 = Vector512<float32>.Zero
        let mutable c10_1 = Vector512<float32>.Zero
        let mutable c11_0 = Vector512<float32>.Zero
        let mutable c11_1 = Vector512<float32>.Zero
        let mutable c12_0 = Vector512<float32>.Zero
        let mutable c12_1 = Vector512<float32>.Zero
        let mutable c13_0 = Vector512<float32>.Zero
        let mutable c13_1 = Vector512<float32>.Zero
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            let a1 = Vector512.Create(NativePtr.get a 1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            let a2 = Vector512.Create(NativePtr.get a 2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            let a3 = Vector512.Create(NativePtr.get a 3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            let a4 = Vector512.Create(NativePtr.get a 4)
            c4_0 <- Avx512F.FusedMultiplyAdd(a4, b0, c4_0)
            c4_1 <- Avx512F.FusedMultiplyAdd(a4, b1, c4_1)
            let a5 = Vector512.Create(NativePtr.get a 5)
            c5_0 <- Avx512F.FusedMultiplyAdd(a5, b0, c5_0)
            c5_1 <- Avx512F.FusedMultiplyAdd(a5, b1, c5_1)
            let a6 = Vector512.Create(NativePtr.get a 6)
            c6_0 <- Avx512F.FusedMultiplyAdd(a6, b0, c6_0)
            c6_1 <- Avx512F.FusedMultiplyAdd(a6, b1, c6_1)
            let a7 = Vector512.Create(NativePtr.get a 7)
            c7_0 <- Avx512F.FusedMultiplyAdd(a7, b0, c7_0)
            c7_1 <- Avx512F.FusedMultiplyAdd(a7, b1, c7_1)
            let a8 = Vector512.Create(NativePtr.get a 8)
            c8_0 <- Avx512F.FusedMultiplyAdd(a8, b0, c8_0)
            c8_1 <- Avx512F.FusedMultiplyAdd(a8, b1, c8_1)
            let a9 = Vector512.Create(NativePtr.get a 9)
            c9_0 <- Avx512F.FusedMultiplyAdd(a9, b0, c9_0)
            c9_1 <- Avx512F.FusedMultiplyAdd(a9, b1, c9_1)
            let a10 = Vector512.Create(NativePtr.get a 10)
            c10_0 <- Avx512F.FusedMultiplyAdd(a10, b0, c10_0)
            c10_1 <- Avx512F.FusedMultiplyAdd(a10, b1, c10_1)
            let a11 = Vector512.Create(NativePtr.get a 11)
            c11_0 <- Avx512F.FusedMultiplyAdd(a11, b0, c11_0)
            c11_1 <- Avx512F.FusedMultiplyAdd(a11, b1, c11_1)
            let a12 = Vector512.Create(NativePtr.get a 12)
            c12_0 <- Avx512F.FusedMultiplyAdd(a12, b0, c12_0)
            c12_1 <- Avx512F.FusedMultiplyAdd(a12, b1, c12_1)
            let a13 = Vector512.Create(NativePtr.get a 13)
            c13_0 <- Avx512F.FusedMultiplyAdd(a13, b0, c13_0)
            c13_1 <- Avx512F.FusedMultiplyAdd(a13, b1, c13_1)
            a <- NativePtr.add a 14
            b <- NativePtr.add b 32
            p <- p + 1
        if mr = 14 && nr = 32 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            let q4 = NativePtr.add pc (4 * ldc)
            Avx512F.Store(NativePtr.add q4 0, Avx512F.FusedMultiplyAdd(va, c4_0, Avx512F.LoadVector512(NativePtr.add q4 0)))
            Avx512F.Store(NativePtr.add q4 16, Avx512F.FusedMultiplyAdd(va, c4_1, Avx512F.LoadVector512(NativePtr.add q4 16)))
            let q5 = NativePtr.add pc (5 * ldc)
            Avx512F.Store(NativePtr.add q5 0, Avx512F.FusedMultiplyAdd(va, c5_0, Avx512F.LoadVector512(NativePtr.add q5 0)))
            Avx512F.Store(NativePtr.add q5 16, Avx512F.FusedMultiplyAdd(va, c5_1, Avx512F.LoadVector512(NativePtr.add q5 16)))
            let q6 = NativePtr.add pc (6 * ldc)
            Avx512F.Store(NativePtr.add q6 0, Avx512F.FusedMultiplyAdd(va, c6_0, Avx512F.LoadVector512(NativePtr.add q6 0)))
            Avx512F.Store(NativePtr.add q6 16, Avx512F.FusedMultiplyAdd(va, c6_1, Avx512F.LoadVector512(NativePtr.add q6 16)))
            let q7 = NativePtr.add pc (7 * ldc)
            Avx512F.Store(NativePtr.add q7 0, Avx512F.FusedMultiplyAdd(va, c7_0, Avx512F.LoadVector512(NativePtr.add q7 0)))
            Avx512F.Store(NativePtr.add q7 16, Avx512F.FusedMultiplyAdd(va, c7_1, Avx512F.LoadVector512(NativePtr.add q7 16)))
            let q8 = NativePtr.add pc (8 * ldc)
            Avx512F.Store(NativePtr.add q8 0, Avx512F.FusedMultiplyAdd(va, c8_0, Avx512F.LoadVector512(NativePtr.add q8 0)))
            Avx512F.Store(NativePtr.add q8 16, Avx512F.FusedMultiplyAdd(va, c8_1, Avx512F.LoadVector512(NativePtr.add q8 16)))
            let q9 = NativePtr.add pc (9 * ldc)
            Avx512F.Store(NativePtr.add q9 0, Avx512F.FusedMultiplyAdd(va, c9_0, Avx512F.LoadVector512(NativePtr.add q9 0)))
            Avx512F.Store(NativePtr.add q9 16, Avx512F.FusedMultiplyAdd(va, c9_1, Avx512F.LoadVector512(NativePtr.add q9 16)))
            let q10 = NativePtr.add pc (10 * ldc)
            Avx512F.Store(NativePtr.add q10 0, Avx512F.FusedMultiplyAdd(va, c10_0, Avx512F.LoadVector512(NativePtr.add q10 0)))
            Avx512F.Store(NativePtr.add q10 16, Avx512F.FusedMultiplyAdd(va, c10_1, Avx512F.LoadVector512(NativePtr.add q10 16)))
            let q11 = NativePtr.add pc (11 * ldc)
            Avx512F.Store(NativePtr.add q11 0, Avx512F.FusedMultiplyAdd(va, c11_0, Avx512F.LoadVector512(NativePtr.add q11 0)))
            Avx512F.Store(NativePtr.add q11 16, Avx512F.FusedMultiplyAdd(va, c11_1, Avx512F.LoadVector512(NativePtr.add q11 16)))
            let q12 = NativePtr.add pc (12 * ldc)
            Avx512F.Store(NativePtr.add q12 0, Avx512F.FusedMultiplyAdd(va, c12_0, Avx512F.LoadVector512(NativePtr.add q12 0)))
            Avx512F.Store(NativePtr.add q12 16, Avx512F.FusedMultiplyAdd(va, c12_1, Avx512F.LoadVector512(NativePtr.add q12 16)))
            let q13 = NativePtr.add pc (13 * ldc)
            Avx512F.Store(NativePtr.add q13 0, Avx512F.FusedMultiplyAdd(va, c13_0, Avx512F.LoadVector512(NativePtr.add q13 0)))
            Avx512F.Store(NativePtr.add q13 16, Avx512F.FusedMultiplyAdd(va, c13_1, Avx512F.LoadVector512(NativePtr.add q13 16)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c1_0)
            Avx512F.Store(NativePtr.add tmp (48), c1_1)
            Avx512F.Store(NativePtr.add tmp (64), c2_0)
            Avx512F.Store(NativePtr.add tmp (80), c2_1)
            Avx512F.Store(NativePtr.add tmp (96), c3_0)
            Avx512F.Store(NativePtr.add tmp (112), c3_1)
            Avx512F.Store(NativePtr.add tmp (128), c4_0)
            Avx512F.Store(NativePtr.add tmp (144), c4_1)
            Avx512F.Store(NativePtr.add tmp (160), c5_0)
            Avx512F.Store(NativePtr.add tmp (176), c5_1)
            Avx512F.Store(NativePtr.add tmp (192), c6_0)
            Avx512F.Store(NativePtr.add tmp (208), c6_1)
            Avx512F.Store(NativePtr.add tmp (224), c7_0)
            Avx512F.Store(NativePtr.add tmp (240), c7_1)
            Avx512F.Store(NativePtr.add tmp (256), c8_0)
            Avx512F.Store(NativePtr.add tmp (272), c8_1)
            Avx512F.Store(NativePtr.add tmp (288), c9_0)
            Avx512F.Store(NativePtr.add tmp (304), c9_1)
            Avx512F.Store(NativePtr.add tmp (320), c10_0)
            Avx512F.Store(NativePtr.add tmp (336), c10_1)
            Avx512F.Store(NativePtr.add tmp (352), c11_0)
            Avx512F.Store(NativePtr.add tmp (368), c11_1)
            Avx512F.Store(NativePtr.add tmp (384), c12_0)
            Avx512F.Store(NativePtr.add tmp (400), c12_1)
            Avx512F.Store(NativePtr.add tmp (416), c13_0)
            Avx512F.Store(NativePtr.add tmp (432), c13_1)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 32 + j), NativePtr.read q))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let k4x64
        (kc: int) (pa: nativeptr<float32>) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c0_2 = Vector512<float32>.Zero
        let mutable c0_3 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c1_2 = Vector512<float32>.Zero
        let mutable c1_3 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c2_2 = Vector512<float32>.Zero
        let mutable c2_3 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c3_2 = Vector512<float32>.Zero
        let mutable c3_3 = Vector512<float32>.Zero
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let b2 = Avx512F.LoadVector512(NativePtr.add b 32)
            let b3 = Avx512F.LoadVector512(NativePtr.add b 48)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            c0_2 <- Avx512F.FusedMultiplyAdd(a0, b2, c0_2)
            c0_3 <- Avx512F.FusedMultiplyAdd(a0, b3, c0_3)
            let a1 = Vector512.Create(NativePtr.get a 1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            c1_2 <- Avx512F.FusedMultiplyAdd(a1, b2, c1_2)
            c1_3 <- Avx512F.FusedMultiplyAdd(a1, b3, c1_3)
            let a2 = Vector512.Create(NativePtr.get a 2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            c2_2 <- Avx512F.FusedMultiplyAdd(a2, b2, c2_2)
            c2_3 <- Avx512F.FusedMultiplyAdd(a2, b3, c2_3)
            let a3 = Vector512.Create(NativePtr.get a 3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            c3_2 <- Avx512F.FusedMultiplyAdd(a3, b2, c3_2)
            c3_3 <- Avx512F.FusedMultiplyAdd(a3, b3, c3_3)
            a <- NativePtr.add a 4
            b <- NativePtr.add b 64
            p <- p + 1
        if mr = 4 && nr = 64 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            Avx512F.Store(NativePtr.add q0 32, Avx512F.FusedMultiplyAdd(va, c0_2, Avx512F.LoadVector512(NativePtr.add q0 32)))
            Avx512F.Store(NativePtr.add q0 48, Avx512F.FusedMultiplyAdd(va, c0_3, Avx512F.LoadVector512(NativePtr.add q0 48)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            Avx512F.Store(NativePtr.add q1 32, Avx512F.FusedMultiplyAdd(va, c1_2, Avx512F.LoadVector512(NativePtr.add q1 32)))
            Avx512F.Store(NativePtr.add q1 48, Avx512F.FusedMultiplyAdd(va, c1_3, Avx512F.LoadVector512(NativePtr.add q1 48)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            Avx512F.Store(NativePtr.add q2 32, Avx512F.FusedMultiplyAdd(va, c2_2, Avx512F.LoadVector512(NativePtr.add q2 32)))
            Avx512F.Store(NativePtr.add q2 48, Avx512F.FusedMultiplyAdd(va, c2_3, Avx512F.LoadVector512(NativePtr.add q2 48)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            Avx512F.Store(NativePtr.add q3 32, Avx512F.FusedMultiplyAdd(va, c3_2, Avx512F.LoadVector512(NativePtr.add q3 32)))
            Avx512F.Store(NativePtr.add q3 48, Avx512F.FusedMultiplyAdd(va, c3_3, Avx512F.LoadVector512(NativePtr.add q3 48)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c0_2)
            Avx512F.Store(NativePtr.add tmp (48), c0_3)
            Avx512F.Store(NativePtr.add tmp (64), c1_0)
            Avx512F.Store(NativePtr.add tmp (80), c1_1)
            Avx512F.Store(NativePtr.add tmp (96), c1_2)
            Avx512F.Store(NativePtr.add tmp (112), c1_3)
            Avx512F.Store(NativePtr.add tmp (128), c2_0)
            Avx512F.Store(NativePtr.add tmp (144), c2_1)
            Avx512F.Store(NativePtr.add tmp (160), c2_2)
            Avx512F.Store(NativePtr.add tmp (176), c2_3)
            Avx512F.Store(NativePtr.add tmp (192), c3_0)
            Avx512F.Store(NativePtr.add tmp (208), c3_1)
            Avx512F.Store(NativePtr.add tmp (224), c3_2)
            Avx512F.Store(NativePtr.add tmp (240), c3_3)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 64 + j), NativePtr.read q))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let d6x32
        (kc: int) (pa: nativeptr<float32>) (ars: int) (acs: int) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c4_0 = Vector512<float32>.Zero
        let mutable c4_1 = Vector512<float32>.Zero
        let mutable c5_0 = Vector512<float32>.Zero
        let mutable c5_1 = Vector512<float32>.Zero
        let o1 = (if mr > 1 then 1 else mr - 1) * ars
        let o2 = (if mr > 2 then 2 else mr - 1) * ars
        let o3 = (if mr > 3 then 3 else mr - 1) * ars
        let o4 = (if mr > 4 then 4 else mr - 1) * ars
        let o5 = (if mr > 5 then 5 else mr - 1) * ars
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            let a1 = Vector512.Create(NativePtr.get a o1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            let a2 = Vector512.Create(NativePtr.get a o2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            let a3 = Vector512.Create(NativePtr.get a o3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            let a4 = Vector512.Create(NativePtr.get a o4)
            c4_0 <- Avx512F.FusedMultiplyAdd(a4, b0, c4_0)
            c4_1 <- Avx512F.FusedMultiplyAdd(a4, b1, c4_1)
            let a5 = Vector512.Create(NativePtr.get a o5)
            c5_0 <- Avx512F.FusedMultiplyAdd(a5, b0, c5_0)
            c5_1 <- Avx512F.FusedMultiplyAdd(a5, b1, c5_1)
            a <- NativePtr.add a acs
            b <- NativePtr.add b 32
            p <- p + 1
        if mr = 6 && nr = 32 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            let q4 = NativePtr.add pc (4 * ldc)
            Avx512F.Store(NativePtr.add q4 0, Avx512F.FusedMultiplyAdd(va, c4_0, Avx512F.LoadVector512(NativePtr.add q4 0)))
            Avx512F.Store(NativePtr.add q4 16, Avx512F.FusedMultiplyAdd(va, c4_1, Avx512F.LoadVector512(NativePtr.add q4 16)))
            let q5 = NativePtr.add pc (5 * ldc)
            Avx512F.Store(NativePtr.add q5 0, Avx512F.FusedMultiplyAdd(va, c5_0, Avx512F.LoadVector512(NativePtr.add q5 0)))
            Avx512F.Store(NativePtr.add q5 16, Avx512F.FusedMultiplyAdd(va, c5_1, Avx512F.LoadVector512(NativePtr.add q5 16)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c1_0)
            Avx512F.Store(NativePtr.add tmp (48), c1_1)
            Avx512F.Store(NativePtr.add tmp (64), c2_0)
            Avx512F.Store(NativePtr.add tmp (80), c2_1)
            Avx512F.Store(NativePtr.add tmp (96), c3_0)
            Avx512F.Store(NativePtr.add tmp (112), c3_1)
            Avx512F.Store(NativePtr.add tmp (128), c4_0)
            Avx512F.Store(NativePtr.add tmp (144), c4_1)
            Avx512F.Store(NativePtr.add tmp (160), c5_0)
            Avx512F.Store(NativePtr.add tmp (176), c5_1)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 32 + j), NativePtr.read q))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let d12x32
        (kc: int) (pa: nativeptr<float32>) (ars: int) (acs: int) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (tmp: nativeptr<float32>) : unit =
        let mutable c0_0 = Vector512<float32>.Zero
        let mutable c0_1 = Vector512<float32>.Zero
        let mutable c1_0 = Vector512<float32>.Zero
        let mutable c1_1 = Vector512<float32>.Zero
        let mutable c2_0 = Vector512<float32>.Zero
        let mutable c2_1 = Vector512<float32>.Zero
        let mutable c3_0 = Vector512<float32>.Zero
        let mutable c3_1 = Vector512<float32>.Zero
        let mutable c4_0 = Vector512<float32>.Zero
        let mutable c4_1 = Vector512<float32>.Zero
        let mutable c5_0 = Vector512<float32>.Zero
        let mutable c5_1 = Vector512<float32>.Zero
        let mutable c6_0 = Vector512<float32>.Zero
        let mutable c6_1 = Vector512<float32>.Zero
        let mutable c7_0 = Vector512<float32>.Zero
        let mutable c7_1 = Vector512<float32>.Zero
        let mutable c8_0 = Vector512<float32>.Zero
        let mutable c8_1 = Vector512<float32>.Zero
        let mutable c9_0 = Vector512<float32>.Zero
        let mutable c9_1 = Vector512<float32>.Zero
        let mutable c10_0 = Vector512<float32>.Zero
        let mutable c10_1 = Vector512<float32>.Zero
        let mutable c11_0 = Vector512<float32>.Zero
        let mutable c11_1 = Vector512<float32>.Zero
        let o1 = (if mr > 1 then 1 else mr - 1) * ars
        let o2 = (if mr > 2 then 2 else mr - 1) * ars
        let o3 = (if mr > 3 then 3 else mr - 1) * ars
        let o4 = (if mr > 4 then 4 else mr - 1) * ars
        let o5 = (if mr > 5 then 5 else mr - 1) * ars
        let o6 = (if mr > 6 then 6 else mr - 1) * ars
        let o7 = (if mr > 7 then 7 else mr - 1) * ars
        let o8 = (if mr > 8 then 8 else mr - 1) * ars
        let o9 = (if mr > 9 then 9 else mr - 1) * ars
        let o10 = (if mr > 10 then 10 else mr - 1) * ars
        let o11 = (if mr > 11 then 11 else mr - 1) * ars
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512(NativePtr.add b 0)
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let a0 = Vector512.Create(NativePtr.get a 0)
            c0_0 <- Avx512F.FusedMultiplyAdd(a0, b0, c0_0)
            c0_1 <- Avx512F.FusedMultiplyAdd(a0, b1, c0_1)
            let a1 = Vector512.Create(NativePtr.get a o1)
            c1_0 <- Avx512F.FusedMultiplyAdd(a1, b0, c1_0)
            c1_1 <- Avx512F.FusedMultiplyAdd(a1, b1, c1_1)
            let a2 = Vector512.Create(NativePtr.get a o2)
            c2_0 <- Avx512F.FusedMultiplyAdd(a2, b0, c2_0)
            c2_1 <- Avx512F.FusedMultiplyAdd(a2, b1, c2_1)
            let a3 = Vector512.Create(NativePtr.get a o3)
            c3_0 <- Avx512F.FusedMultiplyAdd(a3, b0, c3_0)
            c3_1 <- Avx512F.FusedMultiplyAdd(a3, b1, c3_1)
            let a4 = Vector512.Create(NativePtr.get a o4)
            c4_0 <- Avx512F.FusedMultiplyAdd(a4, b0, c4_0)
            c4_1 <- Avx512F.FusedMultiplyAdd(a4, b1, c4_1)
            let a5 = Vector512.Create(NativePtr.get a o5)
            c5_0 <- Avx512F.FusedMultiplyAdd(a5, b0, c5_0)
            c5_1 <- Avx512F.FusedMultiplyAdd(a5, b1, c5_1)
            let a6 = Vector512.Create(NativePtr.get a o6)
            c6_0 <- Avx512F.FusedMultiplyAdd(a6, b0, c6_0)
            c6_1 <- Avx512F.FusedMultiplyAdd(a6, b1, c6_1)
            let a7 = Vector512.Create(NativePtr.get a o7)
            c7_0 <- Avx512F.FusedMultiplyAdd(a7, b0, c7_0)
            c7_1 <- Avx512F.FusedMultiplyAdd(a7, b1, c7_1)
            let a8 = Vector512.Create(NativePtr.get a o8)
            c8_0 <- Avx512F.FusedMultiplyAdd(a8, b0, c8_0)
            c8_1 <- Avx512F.FusedMultiplyAdd(a8, b1, c8_1)
            let a9 = Vector512.Create(NativePtr.get a o9)
            c9_0 <- Avx512F.FusedMultiplyAdd(a9, b0, c9_0)
            c9_1 <- Avx512F.FusedMultiplyAdd(a9, b1, c9_1)
            let a10 = Vector512.Create(NativePtr.get a o10)
            c10_0 <- Avx512F.FusedMultiplyAdd(a10, b0, c10_0)
            c10_1 <- Avx512F.FusedMultiplyAdd(a10, b1, c10_1)
            let a11 = Vector512.Create(NativePtr.get a o11)
            c11_0 <- Avx512F.FusedMultiplyAdd(a11, b0, c11_0)
            c11_1 <- Avx512F.FusedMultiplyAdd(a11, b1, c11_1)
            a <- NativePtr.add a acs
            b <- NativePtr.add b 32
            p <- p + 1
        if mr = 12 && nr = 32 then
            let va = Vector512.Create alpha
            let q0 = NativePtr.add pc (0 * ldc)
            Avx512F.Store(NativePtr.add q0 0, Avx512F.FusedMultiplyAdd(va, c0_0, Avx512F.LoadVector512(NativePtr.add q0 0)))
            Avx512F.Store(NativePtr.add q0 16, Avx512F.FusedMultiplyAdd(va, c0_1, Avx512F.LoadVector512(NativePtr.add q0 16)))
            let q1 = NativePtr.add pc (1 * ldc)
            Avx512F.Store(NativePtr.add q1 0, Avx512F.FusedMultiplyAdd(va, c1_0, Avx512F.LoadVector512(NativePtr.add q1 0)))
            Avx512F.Store(NativePtr.add q1 16, Avx512F.FusedMultiplyAdd(va, c1_1, Avx512F.LoadVector512(NativePtr.add q1 16)))
            let q2 = NativePtr.add pc (2 * ldc)
            Avx512F.Store(NativePtr.add q2 0, Avx512F.FusedMultiplyAdd(va, c2_0, Avx512F.LoadVector512(NativePtr.add q2 0)))
            Avx512F.Store(NativePtr.add q2 16, Avx512F.FusedMultiplyAdd(va, c2_1, Avx512F.LoadVector512(NativePtr.add q2 16)))
            let q3 = NativePtr.add pc (3 * ldc)
            Avx512F.Store(NativePtr.add q3 0, Avx512F.FusedMultiplyAdd(va, c3_0, Avx512F.LoadVector512(NativePtr.add q3 0)))
            Avx512F.Store(NativePtr.add q3 16, Avx512F.FusedMultiplyAdd(va, c3_1, Avx512F.LoadVector512(NativePtr.add q3 16)))
            let q4 = NativePtr.add pc (4 * ldc)
            Avx512F.Store(NativePtr.add q4 0, Avx512F.FusedMultiplyAdd(va, c4_0, Avx512F.LoadVector512(NativePtr.add q4 0)))
            Avx512F.Store(NativePtr.add q4 16, Avx512F.FusedMultiplyAdd(va, c4_1, Avx512F.LoadVector512(NativePtr.add q4 16)))
            let q5 = NativePtr.add pc (5 * ldc)
            Avx512F.Store(NativePtr.add q5 0, Avx512F.FusedMultiplyAdd(va, c5_0, Avx512F.LoadVector512(NativePtr.add q5 0)))
            Avx512F.Store(NativePtr.add q5 16, Avx512F.FusedMultiplyAdd(va, c5_1, Avx512F.LoadVector512(NativePtr.add q5 16)))
            let q6 = NativePtr.add pc (6 * ldc)
            Avx512F.Store(NativePtr.add q6 0, Avx512F.FusedMultiplyAdd(va, c6_0, Avx512F.LoadVector512(NativePtr.add q6 0)))
            Avx512F.Store(NativePtr.add q6 16, Avx512F.FusedMultiplyAdd(va, c6_1, Avx512F.LoadVector512(NativePtr.add q6 16)))
            let q7 = NativePtr.add pc (7 * ldc)
            Avx512F.Store(NativePtr.add q7 0, Avx512F.FusedMultiplyAdd(va, c7_0, Avx512F.LoadVector512(NativePtr.add q7 0)))
            Avx512F.Store(NativePtr.add q7 16, Avx512F.FusedMultiplyAdd(va, c7_1, Avx512F.LoadVector512(NativePtr.add q7 16)))
            let q8 = NativePtr.add pc (8 * ldc)
            Avx512F.Store(NativePtr.add q8 0, Avx512F.FusedMultiplyAdd(va, c8_0, Avx512F.LoadVector512(NativePtr.add q8 0)))
            Avx512F.Store(NativePtr.add q8 16, Avx512F.FusedMultiplyAdd(va, c8_1, Avx512F.LoadVector512(NativePtr.add q8 16)))
            let q9 = NativePtr.add pc (9 * ldc)
            Avx512F.Store(NativePtr.add q9 0, Avx512F.FusedMultiplyAdd(va, c9_0, Avx512F.LoadVector512(NativePtr.add q9 0)))
            Avx512F.Store(NativePtr.add q9 16, Avx512F.FusedMultiplyAdd(va, c9_1, Avx512F.LoadVector512(NativePtr.add q9 16)))
            let q10 = NativePtr.add pc (10 * ldc)
            Avx512F.Store(NativePtr.add q10 0, Avx512F.FusedMultiplyAdd(va, c10_0, Avx512F.LoadVector512(NativePtr.add q10 0)))
            Avx512F.Store(NativePtr.add q10 16, Avx512F.FusedMultiplyAdd(va, c10_1, Avx512F.LoadVector512(NativePtr.add q10 16)))
            let q11 = NativePtr.add pc (11 * ldc)
            Avx512F.Store(NativePtr.add q11 0, Avx512F.FusedMultiplyAdd(va, c11_0, Avx512F.LoadVector512(NativePtr.add q11 0)))
            Avx512F.Store(NativePtr.add q11 16, Avx512F.FusedMultiplyAdd(va, c11_1, Avx512F.LoadVector512(NativePtr.add q11 16)))
        else
            Avx512F.Store(NativePtr.add tmp (0), c0_0)
            Avx512F.Store(NativePtr.add tmp (16), c0_1)
            Avx512F.Store(NativePtr.add tmp (32), c1_0)
            Avx512F.Store(NativePtr.add tmp (48), c1_1)
            Avx512F.Store(NativePtr.add tmp (64), c2_0)
            Avx512F.Store(NativePtr.add tmp (80), c2_1)
            Avx512F.Store(NativePtr.add tmp (96), c3_0)
            Avx512F.Store(NativePtr.add tmp (112), c3_1)
            Avx512F.Store(NativePtr.add tmp (128), c4_0)
            Avx512F.Store(NativePtr.add tmp (144), c4_1)
            Avx512F.Store(NativePtr.add tmp (160), c5_0)
            Avx512F.Store(NativePtr.add tmp (176), c5_1)
            Avx512F.Store(NativePtr.add tmp (192), c6_0)
            Avx512F.Store(NativePtr.add tmp (208), c6_1)
            Avx512F.Store(NativePtr.add tmp (224), c7_0)
            Avx512F.Store(NativePtr.add tmp (240), c7_1)
            Avx512F.Store(NativePtr.add tmp (256), c8_0)
            Avx512F.Store(NativePtr.add tmp (272), c8_1)
            Avx512F.Store(NativePtr.add tmp (288), c9_0)
            Avx512F.Store(NativePtr.add tmp (304), c9_1)
            Avx512F.Store(NativePtr.add tmp (320), c10_0)
            Avx512F.Store(NativePtr.add tmp (336), c10_1)
            Avx512F.Store(NativePtr.add tmp (352), c11_0)
            Avx512F.Store(NativePtr.add tmp (368), c11_1)
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 32 + j), NativePtr.read q))


/// A variant: register tile MR x NR and blocks KC, MC, NC.
type Variant = { Name: string; MR: int; NR: int; KC: int; MC: int; NC: int; Skip: int; Direct: bool }

let inline private run (v: Variant) kc pa pb pc ldc mr nr tmp =
    match v.MR, v.NR with
    | 6, 32 -> k6x32 kc pa pb pc ldc mr nr 1.0f tmp
    | 12, 32 -> k12x32 kc pa pb pc ldc mr nr 1.0f tmp
    | 8, 48 -> k8x48 kc pa pb pc ldc mr nr 1.0f tmp
    | 14, 32 -> k14x32 kc pa pb pc ldc mr nr 1.0f tmp
    | 4, 64 -> k4x64 kc pa pb pc ldc mr nr 1.0f tmp
    | _ -> failwith "no such tile"

let inline private runD (v: Variant) kc pa ars pb pc ldc mr nr tmp =
    match v.MR with
    | 6 -> d6x32 kc pa ars 1 pb pc ldc mr nr 1.0f tmp
    | _ -> d12x32 kc pa ars 1 pb pc ldc mr nr 1.0f tmp

/// C = A B for s x s matrices with the variant's blocking (single thread).
[<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
let gemm (v: Variant) m n k (a: float32[]) (b: float32[]) (c: float32[]) =
    Span<float32>(c, 0, m * n).Clear()
    let mr, nr = v.MR, v.NR
    let ap = ArrayPool<float32>.Shared.Rent(v.MC * v.KC + 64)
    let bp = ArrayPool<float32>.Shared.Rent(v.KC * v.NC + 64)
    let tmp = ArrayPool<float32>.Shared.Rent(mr * nr + 64)
    use pap = fixed ap
    use pbp = fixed bp
    use ptmp = fixed tmp
    use pc0 = fixed c
    use pa0 = fixed a
    let mutable jc = 0
    while jc < n do
        let nc = min v.NC (n - jc)
        let mutable pc = 0
        while pc < k do
            let kc = min v.KC (k - pc)
            // pack B panels of nr columns
            let mutable jr = if v.Skip >= 2 && jc + pc > 0 then nc else 0
            while jr < nc do
                let cols = min nr (nc - jr)
                for p in 0 .. kc - 1 do
                    Span<float32>(b, (pc + p) * n + jc + jr, cols).CopyTo(Span<float32>(bp, jr * kc + p * nr, cols))
                    if cols < nr then Span<float32>(bp, jr * kc + p * nr + cols, nr - cols).Clear()
                jr <- jr + nr
            let mutable ic = 0
            while ic < m do
                let mc = min v.MC (m - ic)
                let mutable ir = if v.Direct || (v.Skip >= 1 && ic + jc + pc > 0) then mc else 0
                while ir < mc do
                    let rows = min mr (mc - ir)
                    for r in 0 .. mr - 1 do
                        let src = (ic + ir + (min r (rows - 1))) * k + pc
                        let d = ir * kc + r
                        for p in 0 .. kc - 1 do
                            ap[d + p * mr] <- a[src + p]
                    ir <- ir + mr
                let mutable jr = 0
                while jr < nc do
                    let pb = NativePtr.add pbp (jr * kc)
                    let nrr = min nr (nc - jr)
                    let mutable ir = 0
                    while ir < mc do
                        if v.Direct then
                            runD v kc (NativePtr.add pa0 ((ic + ir) * k + pc)) k pb (NativePtr.add pc0 ((ic + ir) * n + jc + jr)) n (min mr (mc - ir)) nrr ptmp
                        else
                          run v kc (NativePtr.add pap (ir * kc)) pb (NativePtr.add pc0 ((ic + ir) * n + jc + jr)) n (min mr (mc - ir)) nrr ptmp
                        ir <- ir + mr
                    jr <- jr + nr
                ic <- ic + v.MC
            pc <- pc + v.KC
        jc <- jc + v.NC
    ArrayPool<float32>.Shared.Return tmp
    ArrayPool<float32>.Shared.Return bp
    ArrayPool<float32>.Shared.Return ap
