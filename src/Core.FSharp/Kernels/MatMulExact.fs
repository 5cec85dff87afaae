namespace Fluxion.Kernels

open System
open System.Numerics
open System.Runtime.CompilerServices
open System.Runtime.Intrinsics

/// Per-thread scratch of the vector kernel (packed B rows, the partial-store buffer), one per element type.
type internal ExactMatMulScratch<'T> =
    [<ThreadStatic; DefaultValue>] static val mutable private buffer: 'T[]
    static member Buffer with get () = ExactMatMulScratch<'T>.buffer and set (v: 'T[]) = ExactMatMulScratch<'T>.buffer <- v

/// Small matrix products in the order of the reference BLAS behind Debian's PyTorch: every output element is an
/// in-order, unfused dot product, so tiny networks train to PyTorch's bits. A is (ar x ac) and B (br x bc), row-major,
/// per batch entry; `transA`/`transB` read them transposed; the result is (batch x m x n).
module internal ExactMatMul =
    /// Small products on vectors: a 4-row by 8-column (float32) tile per step, each lane an in-order, unfused
    /// dot product (multiply, then add; p ascending), exactly the scalar loop's arithmetic. B is repacked with
    /// rows padded to whole vectors when it is transposed or its width is not a multiple of the vector width.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let vectorised<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], batch: int, m: int, n: int, k: int, ar: int, ac: int, br: int, bc: int, transA: bool, transB: bool) : 'T[] =
        let vw = Vector256<'T>.Count
        let r : 'T[] = Fluxion.Backend.SweepBuffers.Take<'T> (batch * m * n)
        let aRow = if transA then 1 else k
        let aP = if transA then m else 1
        let nPad = (n + vw - 1) / vw * vw
        let direct = not transB && n = nPad
        // Packed B and the partial-store buffer live in a per-thread scratch array (stale pad lanes only
        // feed lanes that are never stored).
        let need = (if direct then 0 else k * nPad) + vw
        let mutable scratch = ExactMatMulScratch<'T>.Buffer
        if isNull scratch || scratch.Length < need then
            scratch <- Array.zeroCreate (max need 256)
            ExactMatMulScratch<'T>.Buffer <- scratch
        let packed = scratch
        let tmpAt = need - vw
        for bi in 0 .. batch - 1 do
            let ao = bi * ar * ac
            let bo = bi * br * bc
            let ro = bi * m * n
            if not direct then
                for p in 0 .. k - 1 do
                    for j in 0 .. n - 1 do
                        packed.[p * nPad + j] <- (if transB then b.[bo + j * k + p] else b.[bo + p * n + j])
            let vb = if direct then b else packed
            let vbo = if direct then bo else 0
            let vs = if direct then n else nPad
            let mutable i = 0
            while i < m do
                let rows = min 4 (m - i)
                let a0 = ao + i * aRow
                let a1 = a0 + (if rows > 1 then aRow else 0)
                let a2 = a0 + (if rows > 2 then 2 * aRow else 0)
                let a3 = a0 + (if rows > 3 then 3 * aRow else 0)
                let mutable j = 0
                while j < n do
                  if n - j <= Vector128<'T>.Count then
                    // A narrow last column block (n = 3, or 10 = 8 + 2) takes half-width vectors; lanes stay
                    // in-order unfused sums, and the packed rows are padded to vw so the loads stay in bounds.
                    let hw = Vector128<'T>.Count
                    let mutable c0 = Vector128<'T>.Zero
                    let mutable c1 = Vector128<'T>.Zero
                    let mutable c2 = Vector128<'T>.Zero
                    let mutable c3 = Vector128<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector128.Create<'T>(ReadOnlySpan<'T>(vb, pb, hw))
                        c0 <- Vector128.Add(c0, Vector128.Multiply(Vector128.Create<'T>(a.[a0 + pa]), bv))
                        c1 <- Vector128.Add(c1, Vector128.Multiply(Vector128.Create<'T>(a.[a1 + pa]), bv))
                        c2 <- Vector128.Add(c2, Vector128.Multiply(Vector128.Create<'T>(a.[a2 + pa]), bv))
                        c3 <- Vector128.Add(c3, Vector128.Multiply(Vector128.Create<'T>(a.[a3 + pa]), bv))
                        pa <- pa + aP
                        pb <- pb + vs
                    let cnt = n - j
                    let rb = ro + i * n + j
                    for row in 0 .. rows - 1 do
                        let c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | _ -> c3
                        c.CopyTo(Span<'T>(scratch, tmpAt, hw))
                        let dst = rb + row * n
                        for q in 0 .. cnt - 1 do r.[dst + q] <- scratch.[tmpAt + q]
                    j <- n
                  else
                    let mutable c0 = Vector256<'T>.Zero
                    let mutable c1 = Vector256<'T>.Zero
                    let mutable c2 = Vector256<'T>.Zero
                    let mutable c3 = Vector256<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector256.Create<'T>(ReadOnlySpan<'T>(vb, pb, vw))
                        c0 <- Vector256.Add(c0, Vector256.Multiply(Vector256.Create<'T>(a.[a0 + pa]), bv))
                        c1 <- Vector256.Add(c1, Vector256.Multiply(Vector256.Create<'T>(a.[a1 + pa]), bv))
                        c2 <- Vector256.Add(c2, Vector256.Multiply(Vector256.Create<'T>(a.[a2 + pa]), bv))
                        c3 <- Vector256.Add(c3, Vector256.Multiply(Vector256.Create<'T>(a.[a3 + pa]), bv))
                        pa <- pa + aP
                        pb <- pb + vs
                    let cnt = min vw (n - j)
                    let rb = ro + i * n + j
                    for row in 0 .. rows - 1 do
                        let c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | _ -> c3
                        if cnt = vw then c.CopyTo(Span<'T>(r, rb + row * n, vw))
                        else
                            // A plain loop: Array.Copy's call overhead dominated narrow products (n < 8).
                            c.CopyTo(Span<'T>(scratch, tmpAt, vw))
                            let dst = rb + row * n
                            for q in 0 .. cnt - 1 do r.[dst + q] <- scratch.[tmpAt + q]
                    j <- j + vw
                i <- i + 4
        r

    /// The same products without vectors. Four outputs of a row run side by side so independent sums overlap in
    /// the pipeline.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let scalar<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (data: 'T[], b: 'T[], batch: int, m: int, n: int, k: int, ar: int, ac: int, br: int, bc: int, transA: bool, transB: bool) : 'T[] =
        let r : 'T[] = Fluxion.Backend.SweepBuffers.Take<'T> (batch * m * n)
        let aRow = if transA then 1 else k
        let aP = if transA then m else 1
        let bP = if transB then 1 else n
        let bCol = if transB then k else 1
        for bi in 0 .. batch - 1 do
            let ao = bi * ar * ac
            let bo = bi * br * bc
            let ro = bi * m * n
            for i in 0 .. m - 1 do
                let aBase = ao + i * aRow
                let rBase = ro + i * n
                let mutable j = 0
                while j + 3 < n do
                    let mutable s0 : 'T = 'T.Zero
                    let mutable s1 : 'T = 'T.Zero
                    let mutable s2 : 'T = 'T.Zero
                    let mutable s3 : 'T = 'T.Zero
                    let mutable pa = aBase
                    let mutable pb = bo + j * bCol
                    for _ in 0 .. k - 1 do
                        let av = data.[pa]
                        s0 <- s0 + av * b.[pb]
                        s1 <- s1 + av * b.[pb + bCol]
                        s2 <- s2 + av * b.[pb + 2 * bCol]
                        s3 <- s3 + av * b.[pb + 3 * bCol]
                        pa <- pa + aP
                        pb <- pb + bP
                    r.[rBase + j] <- s0
                    r.[rBase + j + 1] <- s1
                    r.[rBase + j + 2] <- s2
                    r.[rBase + j + 3] <- s3
                    j <- j + 4
                while j < n do
                    let mutable s : 'T = 'T.Zero
                    let mutable pa = aBase
                    let mutable pb = bo + j * bCol
                    for _ in 0 .. k - 1 do
                        s <- s + data.[pa] * b.[pb]
                        pa <- pa + aP
                        pb <- pb + bP
                    r.[rBase + j] <- s
                    j <- j + 1
        r
