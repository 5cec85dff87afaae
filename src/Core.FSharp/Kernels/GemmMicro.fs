namespace Fluxion.Kernels

// The micro-kernels address pinned, packed panels through native pointers; bounds are checked by the driver.
#nowarn "9"

open System
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open System.Runtime.CompilerServices
open Microsoft.FSharp.NativeInterop

/// Register-blocked GEMM micro-kernels: C[mr x nr] += alpha * A[mr x kc] * (packed B panel), with A(r, p) read at
/// pa + r*ars + p*acs: a packed panel (ars = 1, acs = MR) or op(A) in place when its rows are contiguous (acs = 1).
/// Every C element is accumulated as acc = fma(a_p, b_p, acc) for p = 0..kc-1 starting from 0, then
/// written as fma(alpha, acc, c); the AVX-512, AVX2 and scalar variants therefore give identical bits. With fresh,
/// c is taken as +0 without reading C (the first k-block of a beta = 0 product), exactly as if C had been cleared.
module internal GemmMicro =

    /// Rows of a float32 register tile (broadcast A values).
    [<Literal>]
    let MR32 = 6

    /// Columns of a float32 register tile (two 16-lane vectors).
    [<Literal>]
    let NR32 = 32

    /// Rows of a float64 register tile.
    [<Literal>]
    let MR64 = 6

    /// Columns of a float64 register tile (two 8-lane vectors).
    [<Literal>]
    let NR64 = 16

    // ---------------------------------------------------------------- float32, AVX-512: 6 x 32, 12 zmm accumulators

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let kernel32Avx512
        (kc: int) (pa: nativeptr<float32>) (ars: int) (acs: int) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (fresh: bool) (tmp: nativeptr<float32>) : unit =
        let mutable c00 = Vector512<float32>.Zero
        let mutable c01 = Vector512<float32>.Zero
        let mutable c10 = Vector512<float32>.Zero
        let mutable c11 = Vector512<float32>.Zero
        let mutable c20 = Vector512<float32>.Zero
        let mutable c21 = Vector512<float32>.Zero
        let mutable c30 = Vector512<float32>.Zero
        let mutable c31 = Vector512<float32>.Zero
        let mutable c40 = Vector512<float32>.Zero
        let mutable c41 = Vector512<float32>.Zero
        let mutable c50 = Vector512<float32>.Zero
        let mutable c51 = Vector512<float32>.Zero
        // Rows past mr repeat row mr-1 (in bounds, computed, never stored); byte offsets keep sign extensions out of the loop.
        let o1 = nativeint ((if mr > 1 then 1 else mr - 1) * ars) * nativeint sizeof<float32>
        let o2 = nativeint ((if mr > 2 then 2 else mr - 1) * ars) * nativeint sizeof<float32>
        let o3 = nativeint ((if mr > 3 then 3 else mr - 1) * ars) * nativeint sizeof<float32>
        let o4 = nativeint ((if mr > 4 then 4 else mr - 1) * ars) * nativeint sizeof<float32>
        let o5 = nativeint ((if mr > 5 then 5 else mr - 1) * ars) * nativeint sizeof<float32>
        let step = nativeint acs * nativeint sizeof<float32>
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512 b
            let b1 = Avx512F.LoadVector512(NativePtr.add b 16)
            let a0 = Vector512.Create(NativePtr.read a)
            c00 <- Avx512F.FusedMultiplyAdd(a0, b0, c00)
            c01 <- Avx512F.FusedMultiplyAdd(a0, b1, c01)
            let a1 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o1)))
            c10 <- Avx512F.FusedMultiplyAdd(a1, b0, c10)
            c11 <- Avx512F.FusedMultiplyAdd(a1, b1, c11)
            let a2 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o2)))
            c20 <- Avx512F.FusedMultiplyAdd(a2, b0, c20)
            c21 <- Avx512F.FusedMultiplyAdd(a2, b1, c21)
            let a3 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o3)))
            c30 <- Avx512F.FusedMultiplyAdd(a3, b0, c30)
            c31 <- Avx512F.FusedMultiplyAdd(a3, b1, c31)
            let a4 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o4)))
            c40 <- Avx512F.FusedMultiplyAdd(a4, b0, c40)
            c41 <- Avx512F.FusedMultiplyAdd(a4, b1, c41)
            let a5 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o5)))
            c50 <- Avx512F.FusedMultiplyAdd(a5, b0, c50)
            c51 <- Avx512F.FusedMultiplyAdd(a5, b1, c51)
            a <- NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + step)
            b <- NativePtr.add b NR32
            p <- p + 1
        if mr = MR32 && nr = NR32 then
            let va = Vector512.Create alpha
            let inline row (r: int) (x0: Vector512<float32>) (x1: Vector512<float32>) =
                let q0 = NativePtr.add pc (r * ldc)
                let q1 = NativePtr.add q0 16
                Avx512F.Store(q0, Avx512F.FusedMultiplyAdd(va, x0, (if fresh then Vector512<float32>.Zero else Avx512F.LoadVector512 q0)))
                Avx512F.Store(q1, Avx512F.FusedMultiplyAdd(va, x1, (if fresh then Vector512<float32>.Zero else Avx512F.LoadVector512 q1)))
            row 0 c00 c01
            row 1 c10 c11
            row 2 c20 c21
            row 3 c30 c31
            row 4 c40 c41
            row 5 c50 c51
        else
            let inline keep (r: int) (x0: Vector512<float32>) (x1: Vector512<float32>) =
                Avx512F.Store(NativePtr.add tmp (r * NR32), x0)
                Avx512F.Store(NativePtr.add tmp (r * NR32 + 16), x1)
            keep 0 c00 c01
            keep 1 c10 c11
            keep 2 c20 c21
            keep 3 c30 c31
            keep 4 c40 c41
            keep 5 c50 c51
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * NR32 + j), (if fresh then 0.0f else NativePtr.read q)))

    // ---------------------------------------------------------------- float32, AVX2+FMA: the 6 x 32 tile as two 6 x 16 halves

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private half32Avx2
        (kc: int) (pa: nativeptr<float32>) (ars: int) (acs: int) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (fresh: bool) (tmp: nativeptr<float32>) : unit =
        let mutable c00 = Vector256<float32>.Zero
        let mutable c01 = Vector256<float32>.Zero
        let mutable c10 = Vector256<float32>.Zero
        let mutable c11 = Vector256<float32>.Zero
        let mutable c20 = Vector256<float32>.Zero
        let mutable c21 = Vector256<float32>.Zero
        let mutable c30 = Vector256<float32>.Zero
        let mutable c31 = Vector256<float32>.Zero
        let mutable c40 = Vector256<float32>.Zero
        let mutable c41 = Vector256<float32>.Zero
        let mutable c50 = Vector256<float32>.Zero
        let mutable c51 = Vector256<float32>.Zero
        // Rows past mr repeat row mr-1 (in bounds, computed, never stored); byte offsets keep sign extensions out of the loop.
        let o1 = nativeint ((if mr > 1 then 1 else mr - 1) * ars) * nativeint sizeof<float32>
        let o2 = nativeint ((if mr > 2 then 2 else mr - 1) * ars) * nativeint sizeof<float32>
        let o3 = nativeint ((if mr > 3 then 3 else mr - 1) * ars) * nativeint sizeof<float32>
        let o4 = nativeint ((if mr > 4 then 4 else mr - 1) * ars) * nativeint sizeof<float32>
        let o5 = nativeint ((if mr > 5 then 5 else mr - 1) * ars) * nativeint sizeof<float32>
        let step = nativeint acs * nativeint sizeof<float32>
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx.LoadVector256 b
            let b1 = Avx.LoadVector256(NativePtr.add b 8)
            let a0 = Vector256.Create(NativePtr.read a)
            c00 <- Fma.MultiplyAdd(a0, b0, c00)
            c01 <- Fma.MultiplyAdd(a0, b1, c01)
            let a1 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o1)))
            c10 <- Fma.MultiplyAdd(a1, b0, c10)
            c11 <- Fma.MultiplyAdd(a1, b1, c11)
            let a2 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o2)))
            c20 <- Fma.MultiplyAdd(a2, b0, c20)
            c21 <- Fma.MultiplyAdd(a2, b1, c21)
            let a3 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o3)))
            c30 <- Fma.MultiplyAdd(a3, b0, c30)
            c31 <- Fma.MultiplyAdd(a3, b1, c31)
            let a4 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o4)))
            c40 <- Fma.MultiplyAdd(a4, b0, c40)
            c41 <- Fma.MultiplyAdd(a4, b1, c41)
            let a5 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + o5)))
            c50 <- Fma.MultiplyAdd(a5, b0, c50)
            c51 <- Fma.MultiplyAdd(a5, b1, c51)
            a <- NativePtr.ofNativeInt<float32> (NativePtr.toNativeInt a + step)
            b <- NativePtr.add b NR32
            p <- p + 1
        if mr = MR32 && nr = 16 then
            let va = Vector256.Create alpha
            let inline row (r: int) (x0: Vector256<float32>) (x1: Vector256<float32>) =
                let q0 = NativePtr.add pc (r * ldc)
                let q1 = NativePtr.add q0 8
                Avx.Store(q0, Fma.MultiplyAdd(va, x0, (if fresh then Vector256<float32>.Zero else Avx.LoadVector256 q0)))
                Avx.Store(q1, Fma.MultiplyAdd(va, x1, (if fresh then Vector256<float32>.Zero else Avx.LoadVector256 q1)))
            row 0 c00 c01
            row 1 c10 c11
            row 2 c20 c21
            row 3 c30 c31
            row 4 c40 c41
            row 5 c50 c51
        else
            let inline keep (r: int) (x0: Vector256<float32>) (x1: Vector256<float32>) =
                Avx.Store(NativePtr.add tmp (r * 16), x0)
                Avx.Store(NativePtr.add tmp (r * 16 + 8), x1)
            keep 0 c00 c01
            keep 1 c10 c11
            keep 2 c20 c21
            keep 3 c30 c31
            keep 4 c40 c41
            keep 5 c50 c51
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 16 + j), (if fresh then 0.0f else NativePtr.read q)))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let kernel32Avx2 kc pa (ars: int) (acs: int) (pb: nativeptr<float32>) (pc: nativeptr<float32>) ldc mr nr alpha fresh tmp : unit =
        half32Avx2 kc pa ars acs pb pc ldc mr (min nr 16) alpha fresh tmp
        if nr > 16 then half32Avx2 kc pa ars acs (NativePtr.add pb 16) (NativePtr.add pc 16) ldc mr (nr - 16) alpha fresh tmp

    // ---------------------------------------------------------------- float32, portable scalar (same operation order)

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let kernel32Scalar
        (kc: int) (pa: nativeptr<float32>) (ars: int) (acs: int) (pb: nativeptr<float32>) (pc: nativeptr<float32>) (ldc: int)
        (mr: int) (nr: int) (alpha: float32) (fresh: bool) : unit =
        for r in 0 .. mr - 1 do
            for j in 0 .. nr - 1 do
                let mutable acc = 0.0f
                for p in 0 .. kc - 1 do
                    acc <- MathF.FusedMultiplyAdd(NativePtr.get pa (p * acs + r * ars), NativePtr.get pb (p * NR32 + j), acc)
                let q = NativePtr.add pc (r * ldc + j)
                NativePtr.write q (MathF.FusedMultiplyAdd(alpha, acc, (if fresh then 0.0f else NativePtr.read q)))

    // ---------------------------------------------------------------- float64, AVX-512: 6 x 16, 12 zmm accumulators

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let kernel64Avx512
        (kc: int) (pa: nativeptr<float>) (ars: int) (acs: int) (pb: nativeptr<float>) (pc: nativeptr<float>) (ldc: int)
        (mr: int) (nr: int) (alpha: float) (fresh: bool) (tmp: nativeptr<float>) : unit =
        let mutable c00 = Vector512<float>.Zero
        let mutable c01 = Vector512<float>.Zero
        let mutable c10 = Vector512<float>.Zero
        let mutable c11 = Vector512<float>.Zero
        let mutable c20 = Vector512<float>.Zero
        let mutable c21 = Vector512<float>.Zero
        let mutable c30 = Vector512<float>.Zero
        let mutable c31 = Vector512<float>.Zero
        let mutable c40 = Vector512<float>.Zero
        let mutable c41 = Vector512<float>.Zero
        let mutable c50 = Vector512<float>.Zero
        let mutable c51 = Vector512<float>.Zero
        // Rows past mr repeat row mr-1 (in bounds, computed, never stored); byte offsets keep sign extensions out of the loop.
        let o1 = nativeint ((if mr > 1 then 1 else mr - 1) * ars) * nativeint sizeof<float>
        let o2 = nativeint ((if mr > 2 then 2 else mr - 1) * ars) * nativeint sizeof<float>
        let o3 = nativeint ((if mr > 3 then 3 else mr - 1) * ars) * nativeint sizeof<float>
        let o4 = nativeint ((if mr > 4 then 4 else mr - 1) * ars) * nativeint sizeof<float>
        let o5 = nativeint ((if mr > 5 then 5 else mr - 1) * ars) * nativeint sizeof<float>
        let step = nativeint acs * nativeint sizeof<float>
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx512F.LoadVector512 b
            let b1 = Avx512F.LoadVector512(NativePtr.add b 8)
            let a0 = Vector512.Create(NativePtr.read a)
            c00 <- Avx512F.FusedMultiplyAdd(a0, b0, c00)
            c01 <- Avx512F.FusedMultiplyAdd(a0, b1, c01)
            let a1 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o1)))
            c10 <- Avx512F.FusedMultiplyAdd(a1, b0, c10)
            c11 <- Avx512F.FusedMultiplyAdd(a1, b1, c11)
            let a2 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o2)))
            c20 <- Avx512F.FusedMultiplyAdd(a2, b0, c20)
            c21 <- Avx512F.FusedMultiplyAdd(a2, b1, c21)
            let a3 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o3)))
            c30 <- Avx512F.FusedMultiplyAdd(a3, b0, c30)
            c31 <- Avx512F.FusedMultiplyAdd(a3, b1, c31)
            let a4 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o4)))
            c40 <- Avx512F.FusedMultiplyAdd(a4, b0, c40)
            c41 <- Avx512F.FusedMultiplyAdd(a4, b1, c41)
            let a5 = Vector512.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o5)))
            c50 <- Avx512F.FusedMultiplyAdd(a5, b0, c50)
            c51 <- Avx512F.FusedMultiplyAdd(a5, b1, c51)
            a <- NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + step)
            b <- NativePtr.add b NR64
            p <- p + 1
        if mr = MR64 && nr = NR64 then
            let va = Vector512.Create alpha
            let inline row (r: int) (x0: Vector512<float>) (x1: Vector512<float>) =
                let q0 = NativePtr.add pc (r * ldc)
                let q1 = NativePtr.add q0 8
                Avx512F.Store(q0, Avx512F.FusedMultiplyAdd(va, x0, (if fresh then Vector512<float>.Zero else Avx512F.LoadVector512 q0)))
                Avx512F.Store(q1, Avx512F.FusedMultiplyAdd(va, x1, (if fresh then Vector512<float>.Zero else Avx512F.LoadVector512 q1)))
            row 0 c00 c01
            row 1 c10 c11
            row 2 c20 c21
            row 3 c30 c31
            row 4 c40 c41
            row 5 c50 c51
        else
            let inline keep (r: int) (x0: Vector512<float>) (x1: Vector512<float>) =
                Avx512F.Store(NativePtr.add tmp (r * NR64), x0)
                Avx512F.Store(NativePtr.add tmp (r * NR64 + 8), x1)
            keep 0 c00 c01
            keep 1 c10 c11
            keep 2 c20 c21
            keep 3 c30 c31
            keep 4 c40 c41
            keep 5 c50 c51
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (Math.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * NR64 + j), (if fresh then 0.0 else NativePtr.read q)))

    // ---------------------------------------------------------------- float64, AVX2+FMA: the 6 x 16 tile as two 6 x 8 halves

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private half64Avx2
        (kc: int) (pa: nativeptr<float>) (ars: int) (acs: int) (pb: nativeptr<float>) (pc: nativeptr<float>) (ldc: int)
        (mr: int) (nr: int) (alpha: float) (fresh: bool) (tmp: nativeptr<float>) : unit =
        let mutable c00 = Vector256<float>.Zero
        let mutable c01 = Vector256<float>.Zero
        let mutable c10 = Vector256<float>.Zero
        let mutable c11 = Vector256<float>.Zero
        let mutable c20 = Vector256<float>.Zero
        let mutable c21 = Vector256<float>.Zero
        let mutable c30 = Vector256<float>.Zero
        let mutable c31 = Vector256<float>.Zero
        let mutable c40 = Vector256<float>.Zero
        let mutable c41 = Vector256<float>.Zero
        let mutable c50 = Vector256<float>.Zero
        let mutable c51 = Vector256<float>.Zero
        // Rows past mr repeat row mr-1 (in bounds, computed, never stored); byte offsets keep sign extensions out of the loop.
        let o1 = nativeint ((if mr > 1 then 1 else mr - 1) * ars) * nativeint sizeof<float>
        let o2 = nativeint ((if mr > 2 then 2 else mr - 1) * ars) * nativeint sizeof<float>
        let o3 = nativeint ((if mr > 3 then 3 else mr - 1) * ars) * nativeint sizeof<float>
        let o4 = nativeint ((if mr > 4 then 4 else mr - 1) * ars) * nativeint sizeof<float>
        let o5 = nativeint ((if mr > 5 then 5 else mr - 1) * ars) * nativeint sizeof<float>
        let step = nativeint acs * nativeint sizeof<float>
        let mutable a = pa
        let mutable b = pb
        let mutable p = 0
        while p < kc do
            let b0 = Avx.LoadVector256 b
            let b1 = Avx.LoadVector256(NativePtr.add b 4)
            let a0 = Vector256.Create(NativePtr.read a)
            c00 <- Fma.MultiplyAdd(a0, b0, c00)
            c01 <- Fma.MultiplyAdd(a0, b1, c01)
            let a1 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o1)))
            c10 <- Fma.MultiplyAdd(a1, b0, c10)
            c11 <- Fma.MultiplyAdd(a1, b1, c11)
            let a2 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o2)))
            c20 <- Fma.MultiplyAdd(a2, b0, c20)
            c21 <- Fma.MultiplyAdd(a2, b1, c21)
            let a3 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o3)))
            c30 <- Fma.MultiplyAdd(a3, b0, c30)
            c31 <- Fma.MultiplyAdd(a3, b1, c31)
            let a4 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o4)))
            c40 <- Fma.MultiplyAdd(a4, b0, c40)
            c41 <- Fma.MultiplyAdd(a4, b1, c41)
            let a5 = Vector256.Create(NativePtr.read (NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + o5)))
            c50 <- Fma.MultiplyAdd(a5, b0, c50)
            c51 <- Fma.MultiplyAdd(a5, b1, c51)
            a <- NativePtr.ofNativeInt<float> (NativePtr.toNativeInt a + step)
            b <- NativePtr.add b NR64
            p <- p + 1
        if mr = MR64 && nr = 8 then
            let va = Vector256.Create alpha
            let inline row (r: int) (x0: Vector256<float>) (x1: Vector256<float>) =
                let q0 = NativePtr.add pc (r * ldc)
                let q1 = NativePtr.add q0 4
                Avx.Store(q0, Fma.MultiplyAdd(va, x0, (if fresh then Vector256<float>.Zero else Avx.LoadVector256 q0)))
                Avx.Store(q1, Fma.MultiplyAdd(va, x1, (if fresh then Vector256<float>.Zero else Avx.LoadVector256 q1)))
            row 0 c00 c01
            row 1 c10 c11
            row 2 c20 c21
            row 3 c30 c31
            row 4 c40 c41
            row 5 c50 c51
        else
            let inline keep (r: int) (x0: Vector256<float>) (x1: Vector256<float>) =
                Avx.Store(NativePtr.add tmp (r * 8), x0)
                Avx.Store(NativePtr.add tmp (r * 8 + 4), x1)
            keep 0 c00 c01
            keep 1 c10 c11
            keep 2 c20 c21
            keep 3 c30 c31
            keep 4 c40 c41
            keep 5 c50 c51
            for r in 0 .. mr - 1 do
                for j in 0 .. nr - 1 do
                    let q = NativePtr.add pc (r * ldc + j)
                    NativePtr.write q (Math.FusedMultiplyAdd(alpha, NativePtr.get tmp (r * 8 + j), (if fresh then 0.0 else NativePtr.read q)))

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let kernel64Avx2 kc pa (ars: int) (acs: int) (pb: nativeptr<float>) (pc: nativeptr<float>) ldc mr nr alpha fresh tmp : unit =
        half64Avx2 kc pa ars acs pb pc ldc mr (min nr 8) alpha fresh tmp
        if nr > 8 then half64Avx2 kc pa ars acs (NativePtr.add pb 8) (NativePtr.add pc 8) ldc mr (nr - 8) alpha fresh tmp

    // ---------------------------------------------------------------- float64, portable scalar

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let kernel64Scalar
        (kc: int) (pa: nativeptr<float>) (ars: int) (acs: int) (pb: nativeptr<float>) (pc: nativeptr<float>) (ldc: int)
        (mr: int) (nr: int) (alpha: float) (fresh: bool) : unit =
        for r in 0 .. mr - 1 do
            for j in 0 .. nr - 1 do
                let mutable acc = 0.0
                for p in 0 .. kc - 1 do
                    acc <- Math.FusedMultiplyAdd(NativePtr.get pa (p * acs + r * ars), NativePtr.get pb (p * NR64 + j), acc)
                let q = NativePtr.add pc (r * ldc + j)
                NativePtr.write q (Math.FusedMultiplyAdd(alpha, acc, (if fresh then 0.0 else NativePtr.read q)))
