namespace Fluxion.Kernels

// Inner loops address pinned arrays through native pointers; MatMul's entry points checked every extent.
#nowarn "9"

open System
open System.Buffers
open System.Runtime.CompilerServices
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open Microsoft.FSharp.NativeInterop

/// Direct GEMM for small products (no blocking, no threads). Each C element is acc = fma(A(i,p), B(p,j), acc) for
/// p = 0..k-1 from 0, then fma(alpha, acc, beta*C) — the same operations as the packed path, so the same bits.
/// Vectors (or interleaved scalar chains) run across independent elements, never across p.
module internal GemmSmall =

    /// Copies op(B) (k x n, element (p,j) at bOff + p*brs + j*bcs) into dst as k rows of nPad, zero-padded.
    let private packRows (b: 'T[]) bOff brs bcs k n (dst: 'T[]) nPad =
        for p in 0 .. k - 1 do
            let d = p * nPad
            let s = bOff + p * brs
            if bcs = 1 then Span<'T>(b, s, n).CopyTo(Span<'T>(dst, d, n))
            else
                for j in 0 .. n - 1 do
                    dst[d + j] <- b[s + j * bcs]
            Span<'T>(dst, d + n, nPad - n).Clear()

    // ------------------------------------------------------------------ float32

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private scalar32 m n k (alpha: float32) (pa: nativeptr<float32>) ars acs (pb: nativeptr<float32>) brs bcs (beta: float32) (pc: nativeptr<float32>) ldc =
        for i in 0 .. m - 1 do
            let arow = NativePtr.add pa (i * ars)
            let crow = NativePtr.add pc (i * ldc)
            for j in 0 .. n - 1 do
                let mutable acc = 0.0f
                let bcol = NativePtr.add pb (j * bcs)
                for p in 0 .. k - 1 do
                    acc <- MathF.FusedMultiplyAdd(NativePtr.get arow (p * acs), NativePtr.get bcol (p * brs), acc)
                let q = NativePtr.add crow j
                let cv = if beta = 0.0f then 0.0f elif beta = 1.0f then NativePtr.read q else beta * NativePtr.read q
                NativePtr.write q (MathF.FusedMultiplyAdd(alpha, acc, cv))

    /// Scalar chains for narrow C with row-major A: four rows at a time so their FMA chains overlap.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private fourRows32 m n k (alpha: float32) (pa: nativeptr<float32>) ars acs (pb: nativeptr<float32>) brs bcs (beta: float32) (pc: nativeptr<float32>) ldc =
        let inline finish (q: nativeptr<float32>) (acc: float32) =
            let cv = if beta = 0.0f then 0.0f elif beta = 1.0f then NativePtr.read q else beta * NativePtr.read q
            NativePtr.write q (MathF.FusedMultiplyAdd(alpha, acc, cv))
        let m4 = m - m % 4
        let mutable i = 0
        while i < m4 do
            let a0 = NativePtr.add pa (i * ars)
            let a1 = NativePtr.add a0 ars
            let a2 = NativePtr.add a1 ars
            let a3 = NativePtr.add a2 ars
            for j in 0 .. n - 1 do
                let bcol = NativePtr.add pb (j * bcs)
                let mutable c0 = 0.0f
                let mutable c1 = 0.0f
                let mutable c2 = 0.0f
                let mutable c3 = 0.0f
                for p in 0 .. k - 1 do
                    let bv = NativePtr.get bcol (p * brs)
                    let o = p * acs
                    c0 <- MathF.FusedMultiplyAdd(NativePtr.get a0 o, bv, c0)
                    c1 <- MathF.FusedMultiplyAdd(NativePtr.get a1 o, bv, c1)
                    c2 <- MathF.FusedMultiplyAdd(NativePtr.get a2 o, bv, c2)
                    c3 <- MathF.FusedMultiplyAdd(NativePtr.get a3 o, bv, c3)
                let q = NativePtr.add pc (i * ldc + j)
                finish q c0
                finish (NativePtr.add q ldc) c1
                finish (NativePtr.add q (2 * ldc)) c2
                finish (NativePtr.add q (3 * ldc)) c3
            i <- i + 4
        if m4 < m then
            scalar32 (m - m4) n k alpha (NativePtr.add pa (m4 * ars)) ars acs pb brs bcs beta (NativePtr.add pc (m4 * ldc)) ldc

    /// 8 consecutive columns per vector, four rows at a time so four FMA chains overlap; packed B rows are nPad long.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private acrossColumns32 m n k (alpha: float32) (pa: nativeptr<float32>) ars acs (bp: nativeptr<float32>) nPad (beta: float32) (pc: nativeptr<float32>) ldc (tmp: nativeptr<float32>) =
        let va = Vector256.Create alpha
        let vb = Vector256.Create beta
        let inline finish (crow: nativeptr<float32>) jb (acc: Vector256<float32>) =
            let q = NativePtr.add crow jb
            if jb + 8 <= n then
                let cv =
                    if beta = 0.0f then Vector256<float32>.Zero
                    elif beta = 1.0f then Avx.LoadVector256 q
                    else Avx.Multiply(vb, Avx.LoadVector256 q)
                Avx.Store(q, Fma.MultiplyAdd(va, acc, cv))
            else
                Avx.Store(tmp, acc)
                for j in 0 .. n - jb - 1 do
                    let qj = NativePtr.add q j
                    let cv = if beta = 0.0f then 0.0f elif beta = 1.0f then NativePtr.read qj else beta * NativePtr.read qj
                    NativePtr.write qj (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp j, cv))
        let mutable i = 0
        while i + 4 <= m do
            let a0 = NativePtr.add pa (i * ars)
            let a1 = NativePtr.add a0 ars
            let a2 = NativePtr.add a1 ars
            let a3 = NativePtr.add a2 ars
            let mutable jb = 0
            while jb < n do
                let mutable c0 = Vector256<float32>.Zero
                let mutable c1 = Vector256<float32>.Zero
                let mutable c2 = Vector256<float32>.Zero
                let mutable c3 = Vector256<float32>.Zero
                let mutable bq = NativePtr.add bp jb
                for p in 0 .. k - 1 do
                    let bv = Avx.LoadVector256 bq
                    let o = p * acs
                    c0 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a0 o), bv, c0)
                    c1 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a1 o), bv, c1)
                    c2 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a2 o), bv, c2)
                    c3 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a3 o), bv, c3)
                    bq <- NativePtr.add bq nPad
                let crow = NativePtr.add pc (i * ldc)
                finish crow jb c0
                finish (NativePtr.add crow ldc) jb c1
                finish (NativePtr.add crow (2 * ldc)) jb c2
                finish (NativePtr.add crow (3 * ldc)) jb c3
                jb <- jb + 8
            i <- i + 4
        while i < m do
            let arow = NativePtr.add pa (i * ars)
            let mutable jb = 0
            while jb < n do
                let mutable acc = Vector256<float32>.Zero
                let mutable bq = NativePtr.add bp jb
                for p in 0 .. k - 1 do
                    acc <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get arow (p * acs)), Avx.LoadVector256 bq, acc)
                    bq <- NativePtr.add bq nPad
                finish (NativePtr.add pc (i * ldc)) jb acc
                jb <- jb + 8
            i <- i + 1

    /// 8 consecutive rows per vector (for narrow C), four columns at a time; packed op(A)^T rows are mPad long.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private acrossRows32 m n k (alpha: float32) (ap: nativeptr<float32>) mPad (pb: nativeptr<float32>) brs bcs (beta: float32) (pc: nativeptr<float32>) ldc (tmp: nativeptr<float32>) =
        let inline finish j ib (acc: Vector256<float32>) =
            Avx.Store(tmp, acc)
            for r in 0 .. min 8 (m - ib) - 1 do
                let q = NativePtr.add pc ((ib + r) * ldc + j)
                let cv = if beta = 0.0f then 0.0f elif beta = 1.0f then NativePtr.read q else beta * NativePtr.read q
                NativePtr.write q (MathF.FusedMultiplyAdd(alpha, NativePtr.get tmp r, cv))
        let mutable j = 0
        while j + 4 <= n do
            let b0 = NativePtr.add pb (j * bcs)
            let b1 = NativePtr.add b0 bcs
            let b2 = NativePtr.add b1 bcs
            let b3 = NativePtr.add b2 bcs
            let mutable ib = 0
            while ib < m do
                let mutable c0 = Vector256<float32>.Zero
                let mutable c1 = Vector256<float32>.Zero
                let mutable c2 = Vector256<float32>.Zero
                let mutable c3 = Vector256<float32>.Zero
                let mutable aq = NativePtr.add ap ib
                for p in 0 .. k - 1 do
                    let av = Avx.LoadVector256 aq
                    let o = p * brs
                    c0 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b0 o), c0)
                    c1 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b1 o), c1)
                    c2 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b2 o), c2)
                    c3 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b3 o), c3)
                    aq <- NativePtr.add aq mPad
                finish j ib c0
                finish (j + 1) ib c1
                finish (j + 2) ib c2
                finish (j + 3) ib c3
                ib <- ib + 8
            j <- j + 4
        while j < n do
            let bcol = NativePtr.add pb (j * bcs)
            let mutable ib = 0
            while ib < m do
                let mutable acc = Vector256<float32>.Zero
                let mutable aq = NativePtr.add ap ib
                for p in 0 .. k - 1 do
                    acc <- Fma.MultiplyAdd(Avx.LoadVector256 aq, Vector256.Create(NativePtr.get bcol (p * brs)), acc)
                    aq <- NativePtr.add aq mPad
                finish j ib acc
                ib <- ib + 8
            j <- j + 1

    /// C = alpha*op(A)*op(B) + beta*C by direct loops; arguments as in MatMul with element strides (rs, cs).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let gemm32 simd m n k (alpha: float32) (a: float32[]) aOff ars acs (b: float32[]) bOff brs bcs (beta: float32) (c: float32[]) cOff ldc =
        use pa0 = fixed a
        use pb0 = fixed b
        use pc0 = fixed c
        let pa = NativePtr.add pa0 aOff
        let pb = NativePtr.add pb0 bOff
        let pc = NativePtr.add pc0 cOff
        if not (simd && Fma.IsSupported) then
            scalar32 m n k alpha pa ars acs pb brs bcs beta pc ldc
        else
            let tmp = NativePtr.stackalloc<float32> 8
            let pool = ArrayPool<float32>.Shared
            if n >= 8 || m < 8 then
                let nPad = (n + 7) / 8 * 8
                let bp = pool.Rent(k * nPad)
                packRows b bOff brs bcs k n bp nPad
                use pbp = fixed bp
                acrossColumns32 m n k alpha pa ars acs pbp nPad beta pc ldc tmp
                pool.Return bp
            elif ars = 1 then
                // Stored A^T already has op(A) columns contiguous: vectors over full row groups, scalar for the rest.
                let mVec = m - m % 8
                acrossRows32 mVec n k alpha pa acs pb brs bcs beta pc ldc tmp
                if mVec < m then
                    scalar32 (m - mVec) n k alpha (NativePtr.add pa mVec) ars acs pb brs bcs beta (NativePtr.add pc (mVec * ldc)) ldc
            else
                fourRows32 m n k alpha pa ars acs pb brs bcs beta pc ldc

    // ------------------------------------------------------------------ float64

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private scalar64 m n k (alpha: float) (pa: nativeptr<float>) ars acs (pb: nativeptr<float>) brs bcs (beta: float) (pc: nativeptr<float>) ldc =
        for i in 0 .. m - 1 do
            let arow = NativePtr.add pa (i * ars)
            let crow = NativePtr.add pc (i * ldc)
            for j in 0 .. n - 1 do
                let mutable acc = 0.0
                let bcol = NativePtr.add pb (j * bcs)
                for p in 0 .. k - 1 do
                    acc <- Math.FusedMultiplyAdd(NativePtr.get arow (p * acs), NativePtr.get bcol (p * brs), acc)
                let q = NativePtr.add crow j
                let cv = if beta = 0.0 then 0.0 elif beta = 1.0 then NativePtr.read q else beta * NativePtr.read q
                NativePtr.write q (Math.FusedMultiplyAdd(alpha, acc, cv))

    /// Scalar chains for narrow C with row-major A: four rows at a time so their FMA chains overlap.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private fourRows64 m n k (alpha: float) (pa: nativeptr<float>) ars acs (pb: nativeptr<float>) brs bcs (beta: float) (pc: nativeptr<float>) ldc =
        let inline finish (q: nativeptr<float>) (acc: float) =
            let cv = if beta = 0.0 then 0.0 elif beta = 1.0 then NativePtr.read q else beta * NativePtr.read q
            NativePtr.write q (Math.FusedMultiplyAdd(alpha, acc, cv))
        let m4 = m - m % 4
        let mutable i = 0
        while i < m4 do
            let a0 = NativePtr.add pa (i * ars)
            let a1 = NativePtr.add a0 ars
            let a2 = NativePtr.add a1 ars
            let a3 = NativePtr.add a2 ars
            for j in 0 .. n - 1 do
                let bcol = NativePtr.add pb (j * bcs)
                let mutable c0 = 0.0
                let mutable c1 = 0.0
                let mutable c2 = 0.0
                let mutable c3 = 0.0
                for p in 0 .. k - 1 do
                    let bv = NativePtr.get bcol (p * brs)
                    let o = p * acs
                    c0 <- Math.FusedMultiplyAdd(NativePtr.get a0 o, bv, c0)
                    c1 <- Math.FusedMultiplyAdd(NativePtr.get a1 o, bv, c1)
                    c2 <- Math.FusedMultiplyAdd(NativePtr.get a2 o, bv, c2)
                    c3 <- Math.FusedMultiplyAdd(NativePtr.get a3 o, bv, c3)
                let q = NativePtr.add pc (i * ldc + j)
                finish q c0
                finish (NativePtr.add q ldc) c1
                finish (NativePtr.add q (2 * ldc)) c2
                finish (NativePtr.add q (3 * ldc)) c3
            i <- i + 4
        if m4 < m then
            scalar64 (m - m4) n k alpha (NativePtr.add pa (m4 * ars)) ars acs pb brs bcs beta (NativePtr.add pc (m4 * ldc)) ldc

    /// 4 consecutive columns per vector, four rows at a time so four FMA chains overlap; packed B rows are nPad long.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private acrossColumns64 m n k (alpha: float) (pa: nativeptr<float>) ars acs (bp: nativeptr<float>) nPad (beta: float) (pc: nativeptr<float>) ldc (tmp: nativeptr<float>) =
        let va = Vector256.Create alpha
        let vb = Vector256.Create beta
        let inline finish (crow: nativeptr<float>) jb (acc: Vector256<float>) =
            let q = NativePtr.add crow jb
            if jb + 4 <= n then
                let cv =
                    if beta = 0.0 then Vector256<float>.Zero
                    elif beta = 1.0 then Avx.LoadVector256 q
                    else Avx.Multiply(vb, Avx.LoadVector256 q)
                Avx.Store(q, Fma.MultiplyAdd(va, acc, cv))
            else
                Avx.Store(tmp, acc)
                for j in 0 .. n - jb - 1 do
                    let qj = NativePtr.add q j
                    let cv = if beta = 0.0 then 0.0 elif beta = 1.0 then NativePtr.read qj else beta * NativePtr.read qj
                    NativePtr.write qj (Math.FusedMultiplyAdd(alpha, NativePtr.get tmp j, cv))
        let mutable i = 0
        while i + 4 <= m do
            let a0 = NativePtr.add pa (i * ars)
            let a1 = NativePtr.add a0 ars
            let a2 = NativePtr.add a1 ars
            let a3 = NativePtr.add a2 ars
            let mutable jb = 0
            while jb < n do
                let mutable c0 = Vector256<float>.Zero
                let mutable c1 = Vector256<float>.Zero
                let mutable c2 = Vector256<float>.Zero
                let mutable c3 = Vector256<float>.Zero
                let mutable bq = NativePtr.add bp jb
                for p in 0 .. k - 1 do
                    let bv = Avx.LoadVector256 bq
                    let o = p * acs
                    c0 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a0 o), bv, c0)
                    c1 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a1 o), bv, c1)
                    c2 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a2 o), bv, c2)
                    c3 <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get a3 o), bv, c3)
                    bq <- NativePtr.add bq nPad
                let crow = NativePtr.add pc (i * ldc)
                finish crow jb c0
                finish (NativePtr.add crow ldc) jb c1
                finish (NativePtr.add crow (2 * ldc)) jb c2
                finish (NativePtr.add crow (3 * ldc)) jb c3
                jb <- jb + 4
            i <- i + 4
        while i < m do
            let arow = NativePtr.add pa (i * ars)
            let mutable jb = 0
            while jb < n do
                let mutable acc = Vector256<float>.Zero
                let mutable bq = NativePtr.add bp jb
                for p in 0 .. k - 1 do
                    acc <- Fma.MultiplyAdd(Vector256.Create(NativePtr.get arow (p * acs)), Avx.LoadVector256 bq, acc)
                    bq <- NativePtr.add bq nPad
                finish (NativePtr.add pc (i * ldc)) jb acc
                jb <- jb + 4
            i <- i + 1

    /// 4 consecutive rows per vector (for narrow C), four columns at a time; packed op(A)^T rows are mPad long.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private acrossRows64 m n k (alpha: float) (ap: nativeptr<float>) mPad (pb: nativeptr<float>) brs bcs (beta: float) (pc: nativeptr<float>) ldc (tmp: nativeptr<float>) =
        let inline finish j ib (acc: Vector256<float>) =
            Avx.Store(tmp, acc)
            for r in 0 .. min 4 (m - ib) - 1 do
                let q = NativePtr.add pc ((ib + r) * ldc + j)
                let cv = if beta = 0.0 then 0.0 elif beta = 1.0 then NativePtr.read q else beta * NativePtr.read q
                NativePtr.write q (Math.FusedMultiplyAdd(alpha, NativePtr.get tmp r, cv))
        let mutable j = 0
        while j + 4 <= n do
            let b0 = NativePtr.add pb (j * bcs)
            let b1 = NativePtr.add b0 bcs
            let b2 = NativePtr.add b1 bcs
            let b3 = NativePtr.add b2 bcs
            let mutable ib = 0
            while ib < m do
                let mutable c0 = Vector256<float>.Zero
                let mutable c1 = Vector256<float>.Zero
                let mutable c2 = Vector256<float>.Zero
                let mutable c3 = Vector256<float>.Zero
                let mutable aq = NativePtr.add ap ib
                for p in 0 .. k - 1 do
                    let av = Avx.LoadVector256 aq
                    let o = p * brs
                    c0 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b0 o), c0)
                    c1 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b1 o), c1)
                    c2 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b2 o), c2)
                    c3 <- Fma.MultiplyAdd(av, Vector256.Create(NativePtr.get b3 o), c3)
                    aq <- NativePtr.add aq mPad
                finish j ib c0
                finish (j + 1) ib c1
                finish (j + 2) ib c2
                finish (j + 3) ib c3
                ib <- ib + 4
            j <- j + 4
        while j < n do
            let bcol = NativePtr.add pb (j * bcs)
            let mutable ib = 0
            while ib < m do
                let mutable acc = Vector256<float>.Zero
                let mutable aq = NativePtr.add ap ib
                for p in 0 .. k - 1 do
                    acc <- Fma.MultiplyAdd(Avx.LoadVector256 aq, Vector256.Create(NativePtr.get bcol (p * brs)), acc)
                    aq <- NativePtr.add aq mPad
                finish j ib acc
                ib <- ib + 4
            j <- j + 1

    /// float64 counterpart of gemm32 (4-lane vectors).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let gemm64 simd m n k (alpha: float) (a: float[]) aOff ars acs (b: float[]) bOff brs bcs (beta: float) (c: float[]) cOff ldc =
        use pa0 = fixed a
        use pb0 = fixed b
        use pc0 = fixed c
        let pa = NativePtr.add pa0 aOff
        let pb = NativePtr.add pb0 bOff
        let pc = NativePtr.add pc0 cOff
        if not (simd && Fma.IsSupported) then
            scalar64 m n k alpha pa ars acs pb brs bcs beta pc ldc
        else
            let tmp = NativePtr.stackalloc<float> 4
            let pool = ArrayPool<float>.Shared
            if n >= 4 || m < 4 then
                let nPad = (n + 3) / 4 * 4
                let bp = pool.Rent(k * nPad)
                packRows b bOff brs bcs k n bp nPad
                use pbp = fixed bp
                acrossColumns64 m n k alpha pa ars acs pbp nPad beta pc ldc tmp
                pool.Return bp
            elif ars = 1 then
                // Stored A^T already has op(A) columns contiguous: vectors over full row groups, scalar for the rest.
                let mVec = m - m % 4
                acrossRows64 mVec n k alpha pa acs pb brs bcs beta pc ldc tmp
                if mVec < m then
                    scalar64 (m - mVec) n k alpha (NativePtr.add pa mVec) ars acs pb brs bcs beta (NativePtr.add pc (mVec * ldc)) ldc
            else
                fourRows64 m n k alpha pa ars acs pb brs bcs beta pc ldc
