namespace Fluxion.Kernels

#nowarn "9"

open System
open System.Numerics
open System.Runtime.CompilerServices
open System.Runtime.InteropServices
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open Microsoft.FSharp.NativeInterop

/// Per-thread scratch of the vector kernels (packed B rows, the partial-store buffer), one per element type.
type internal ExactMatMulScratch<'T> =
    [<ThreadStatic; DefaultValue>] static val mutable private buffer: 'T[]
    static member Buffer with get () = ExactMatMulScratch<'T>.buffer and set (v: 'T[]) = ExactMatMulScratch<'T>.buffer <- v

/// The same scratch for float32 and float64 in plain fields: a thread static of a generic class is read through
/// a runtime helper on every call (measured as 1.5% of a captured W3 step), these are read inline.
type internal ExactScratch =
    [<ThreadStatic; DefaultValue>] static val mutable private f32: float32[]
    [<ThreadStatic; DefaultValue>] static val mutable private f64: float[]
    /// This thread's scratch of at least `need` elements.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    static member Get<'T>(need: int) : 'T[] =
        // Type.op_Equality, not F#'s structural (=): the JIT folds it per instantiation.
        if Type.op_Equality(typeof<'T>, typeof<float32>) then
            let mutable a = ExactScratch.f32
            if isNull a || a.Length < need then
                a <- Array.zeroCreate (max need 256)
                ExactScratch.f32 <- a
            box a :?> 'T[]
        elif Type.op_Equality(typeof<'T>, typeof<float>) then
            let mutable a = ExactScratch.f64
            if isNull a || a.Length < need then
                a <- Array.zeroCreate (max need 256)
                ExactScratch.f64 <- a
            box a :?> 'T[]
        else
            let mutable a = ExactMatMulScratch<'T>.Buffer
            if isNull a || a.Length < need then
                a <- Array.zeroCreate (max need 256)
                ExactMatMulScratch<'T>.Buffer <- a
            a

/// Matrix products in the order of the reference BLAS behind Debian's PyTorch (netlib sgemm, which PyTorch 1.13 calls
/// for every float32 mm/addmm/bmm item whatever the transposition, and whose loops add each product to the running
/// sum in p order without fusing): every output element is an in-order, unfused dot product, so small networks
/// train to PyTorch's bits. A is (ar x ac) and B (br x bc), row-major,
/// per batch entry; `transA`/`transB` read them transposed; the result is (batch x m x n).
module internal ExactMatMul =
    /// Stages B (k x n, or n x k when transposed) for the one-pass row kernels, whose B rows are `stride` wide:
    /// a transposed B is scattered into scratch rows of `stride` (unchecked: the bounds checks cost as much as the
    /// copying; the caller checked B's length), an untransposed one has only its last row copied (the rows before
    /// it are read in place). Returns the first row read from scratch.
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    let private stageB<'T> (b: 'T[], scratch: 'T[], n: int, k: int, transB: bool, stride: int) : int =
        if transB then
            let src = &MemoryMarshal.GetArrayDataReference b
            let dst = &MemoryMarshal.GetArrayDataReference scratch
            for j in 0 .. n - 1 do
                let row = j * k
                let mutable d = j
                for p in 0 .. k - 1 do
                    Unsafe.Add(&dst, d) <- Unsafe.Add(&src, row + p)
                    d <- d + stride
            0
        else
            Array.Copy(b, (k - 1) * n, scratch, 0, n)
            k - 1

    /// Whether `wideRows` may run: 512-bit vectors accelerated and allowed by `MatMul.simdLevel` (which tests lower
    /// to cover the 256-bit kernels on an AVX-512 machine).
    let allow512 () = MatMul.simdLevel >= 2 && Vector512.IsHardwareAccelerated

    /// One matrix whose rows fit one 512-bit vector and not one 256-bit one (9 to 16 float32 columns, 5 to 8
    /// float64), 8 rows per tile: the same in-order, unfused lanes as `twoVectorRows` with half the instructions,
    /// and reads and writes without bounds checks (the sizes are checked once on entry), which were a third of
    /// the loop (16 x 10 x 10: 103 -> 63 ns; with B transposed 146 -> 102 ns; A transposed 87 -> 82 ns). B and the
    /// stores are handled as in `twoVectorRows` (rows read in place past their end, tails spilled into the next row).
    /// With a `bias` (null: none) each row gets + bias and, with `relu`, relu before its store: a linear layer's
    /// epilogue, rounded lane by lane as the separate passes round it.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let wideRowsThen<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], m: int, n: int, k: int, transA: bool, transB: bool, bias: 'T[], relu: bool) : 'T[] =
        let w = Vector512<'T>.Count
        if n < w / 2 || n > w || k < 1 || a.Length < m * k || b.Length < k * n || (not (isNull bias) && bias.Length <> n) then
            invalidArg "n" (sprintf "ExactMatMul.wideRows: %d x %d x %d does not fit (%d and %d elements given)" m n k a.Length b.Length)
        let r : 'T[] = Fluxion.Backend.SweepBuffers.TakeUninitialized<'T> (m * n)
        let aRow = if transA then 1 else k
        let aP = if transA then m else 1
        // Scratch: B transposed into rows of w (transB), else B's last row padded; then one vector for the last
        // output row's partial store, and the bias padded to a vector.
        let packedLen = if transB then k * w else w
        let tmpAt = packedLen
        let biasAt = packedLen + w
        let need = packedLen + 2 * w
        let scratch = ExactScratch.Get<'T> need
        let sref = &MemoryMarshal.GetArrayDataReference scratch
        let hasBias = not (isNull bias)
        if hasBias then Array.Copy(bias, 0, scratch, biasAt, n)
        let bv0 = if hasBias then Vector512.LoadUnsafe(&Unsafe.Add(&sref, biasAt)) else Vector512<'T>.Zero
        let bref = &MemoryMarshal.GetArrayDataReference b
        let aref = &MemoryMarshal.GetArrayDataReference a
        let rref = &MemoryMarshal.GetArrayDataReference r
        // Rows 0 .. inPlace - 1 of B are read in place (a row's load runs on into the next, n >= w/2 keeps it in
        // the array); the rest from scratch.
        let inPlace = stageB (b, scratch, n, k, transB, w)
        let mutable i = 0
        while i < m do
            let rows = min 8 (m - i)
            // Missing rows of a short last tile repeat row 0: computed, never stored.
            let a0 = i * aRow
            let a1 = a0 + (if rows > 1 then aRow else 0)
            let a2 = a0 + (if rows > 2 then 2 * aRow else 0)
            let a3 = a0 + (if rows > 3 then 3 * aRow else 0)
            let a4 = a0 + (if rows > 4 then 4 * aRow else 0)
            let a5 = a0 + (if rows > 5 then 5 * aRow else 0)
            let a6 = a0 + (if rows > 6 then 6 * aRow else 0)
            let a7 = a0 + (if rows > 7 then 7 * aRow else 0)
            let mutable c0 = Vector512<'T>.Zero
            let mutable c1 = Vector512<'T>.Zero
            let mutable c2 = Vector512<'T>.Zero
            let mutable c3 = Vector512<'T>.Zero
            let mutable c4 = Vector512<'T>.Zero
            let mutable c5 = Vector512<'T>.Zero
            let mutable c6 = Vector512<'T>.Zero
            let mutable c7 = Vector512<'T>.Zero
            let mutable pa = 0
            let mutable pb = 0
            for p in 0 .. k - 1 do
                let bv =
                    if p < inPlace then Vector512.LoadUnsafe(&Unsafe.Add(&bref, pb))
                    elif transB then Vector512.LoadUnsafe(&Unsafe.Add(&sref, p * w))
                    else Vector512.LoadUnsafe(&sref)
                c0 <- Vector512.Add(c0, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a0 + pa)), bv))
                c1 <- Vector512.Add(c1, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a1 + pa)), bv))
                c2 <- Vector512.Add(c2, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a2 + pa)), bv))
                c3 <- Vector512.Add(c3, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a3 + pa)), bv))
                c4 <- Vector512.Add(c4, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a4 + pa)), bv))
                c5 <- Vector512.Add(c5, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a5 + pa)), bv))
                c6 <- Vector512.Add(c6, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a6 + pa)), bv))
                c7 <- Vector512.Add(c7, Vector512.Multiply(Vector512.Create<'T>(Unsafe.Add(&aref, a7 + pa)), bv))
                pa <- pa + aP
                pb <- pb + n
            for row in 0 .. rows - 1 do
                let mutable c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | 3 -> c3 | 4 -> c4 | 5 -> c5 | 6 -> c6 | _ -> c7
                // The epilogue of a linear layer, lane by lane as the separate passes round it: y + b, then relu
                // (t <= 0, -0 included, gives +0; NaN passes).
                if hasBias then c <- Vector512.Add(c, bv0)
                if relu then c <- Vector512.ConditionalSelect(Vector512.LessThanOrEqual(c, Vector512<'T>.Zero), Vector512<'T>.Zero, c)
                let o = (i + row) * n
                if n = w || i + row < m - 1 then c.StoreUnsafe(&Unsafe.Add(&rref, o))
                else
                    c.StoreUnsafe(&Unsafe.Add(&sref, tmpAt))
                    for q in 0 .. n - 1 do r.[o + q] <- scratch.[tmpAt + q]
            i <- i + 8
        r

    /// `wideRowsThen` without an epilogue: the product alone.
    let wideRows<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], m: int, n: int, k: int, transA: bool, transB: bool) : 'T[] =
        wideRowsThen (a, b, m, n, k, transA, transB, null, false)

    /// One matrix whose rows are more than one vector and less than two wide (9 to 15 float32 columns: a hidden
    /// layer of 10), in one pass over k per 6-row tile, two vectors per row. Same lanes and roundings as `vectorised`
    /// (each an in-order, unfused dot product); what differs is the memory traffic, which is most of this shape's
    /// cost (measured 16 x 10 x 10: 168 -> 93 ns plain, 203 -> 127 ns with B transposed): an untransposed B is read in
    /// place, the second vector of a row running on into the next row (lanes never stored) and only the last row
    /// copied to padded scratch so no load leaves the array; a row's partial second vector is stored whole, its tail
    /// spilling into the next row's head, which that row's own stores overwrite later, so only the matrix's last row
    /// goes through scratch.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let twoVectorRows<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], m: int, n: int, k: int, transA: bool, transB: bool) : 'T[] =
        let vw = Vector256<'T>.Count
        let r : 'T[] = Fluxion.Backend.SweepBuffers.TakeUninitialized<'T> (m * n)
        let aRow = if transA then 1 else k
        let aP = if transA then m else 1
        let w2 = 2 * vw
        // Scratch: B transposed into rows of 2·vw (transB), else B's last row padded; then one vector for the last
        // output row's partial store.
        let packedLen = if transB then k * w2 else w2
        let tmpAt = packedLen
        let need = packedLen + vw
        let scratch = ExactScratch.Get<'T> need
        if b.Length < n * k then invalidArg "b" "ExactMatMul.twoVectorRows: B is shorter than n x k"
        // Rows 0 .. inPlace - 1 of B are read in place; the rest from scratch.
        let inPlace = stageB (b, scratch, n, k, transB, w2)
        let mutable i = 0
        while i < m do
            let rows = min 6 (m - i)
            // Missing rows of a short last tile repeat row 0: computed, never stored.
            let a0 = i * aRow
            let a1 = a0 + (if rows > 1 then aRow else 0)
            let a2 = a0 + (if rows > 2 then 2 * aRow else 0)
            let a3 = a0 + (if rows > 3 then 3 * aRow else 0)
            let a4 = a0 + (if rows > 4 then 4 * aRow else 0)
            let a5 = a0 + (if rows > 5 then 5 * aRow else 0)
            let mutable c0 = Vector256<'T>.Zero
            let mutable d0 = Vector256<'T>.Zero
            let mutable c1 = Vector256<'T>.Zero
            let mutable d1 = Vector256<'T>.Zero
            let mutable c2 = Vector256<'T>.Zero
            let mutable d2 = Vector256<'T>.Zero
            let mutable c3 = Vector256<'T>.Zero
            let mutable d3 = Vector256<'T>.Zero
            let mutable c4 = Vector256<'T>.Zero
            let mutable d4 = Vector256<'T>.Zero
            let mutable c5 = Vector256<'T>.Zero
            let mutable d5 = Vector256<'T>.Zero
            let mutable pa = 0
            let mutable pb = 0
            let mutable src = b
            let mutable stride = n
            for p in 0 .. k - 1 do
                if p = inPlace then
                    src <- scratch
                    pb <- 0
                    stride <- w2
                let bv = Vector256.LoadUnsafe(&src.[pb])
                let bw = Vector256.LoadUnsafe(&src.[pb + vw])
                let x0 = Vector256.Create<'T>(a.[a0 + pa])
                c0 <- Vector256.Add(c0, Vector256.Multiply(x0, bv))
                d0 <- Vector256.Add(d0, Vector256.Multiply(x0, bw))
                let x1 = Vector256.Create<'T>(a.[a1 + pa])
                c1 <- Vector256.Add(c1, Vector256.Multiply(x1, bv))
                d1 <- Vector256.Add(d1, Vector256.Multiply(x1, bw))
                let x2 = Vector256.Create<'T>(a.[a2 + pa])
                c2 <- Vector256.Add(c2, Vector256.Multiply(x2, bv))
                d2 <- Vector256.Add(d2, Vector256.Multiply(x2, bw))
                let x3 = Vector256.Create<'T>(a.[a3 + pa])
                c3 <- Vector256.Add(c3, Vector256.Multiply(x3, bv))
                d3 <- Vector256.Add(d3, Vector256.Multiply(x3, bw))
                let x4 = Vector256.Create<'T>(a.[a4 + pa])
                c4 <- Vector256.Add(c4, Vector256.Multiply(x4, bv))
                d4 <- Vector256.Add(d4, Vector256.Multiply(x4, bw))
                let x5 = Vector256.Create<'T>(a.[a5 + pa])
                c5 <- Vector256.Add(c5, Vector256.Multiply(x5, bv))
                d5 <- Vector256.Add(d5, Vector256.Multiply(x5, bw))
                pa <- pa + aP
                pb <- pb + stride
            for row in 0 .. rows - 1 do
                let struct (c, d) =
                    match row with
                    | 0 -> struct (c0, d0) | 1 -> struct (c1, d1) | 2 -> struct (c2, d2)
                    | 3 -> struct (c3, d3) | 4 -> struct (c4, d4) | _ -> struct (c5, d5)
                let o = (i + row) * n
                c.StoreUnsafe(&r.[o])
                if i + row < m - 1 then d.StoreUnsafe(&r.[o + vw])
                else
                    d.StoreUnsafe(&scratch.[tmpAt])
                    for q in 0 .. n - vw - 1 do r.[o + vw + q] <- scratch.[tmpAt + q]
            i <- i + 6
        r

    /// Whether the one-pass row kernels serve products of n columns: one 512-bit vector per row where
    /// `allow512`, else two 256-bit vectors (n between one and two of them).
    let rowPassServes<'T when 'T: struct> (n: int) =
        n > Vector256<'T>.Count && (if allow512 () then n <= Vector512<'T>.Count else n < 2 * Vector256<'T>.Count)

    /// A single product of such a shape by the row kernel the machine allows.
    let rowPass<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], m: int, n: int, k: int, transA: bool, transB: bool) : 'T[] =
        if allow512 () then wideRows (a, b, m, n, k, transA, transB) else twoVectorRows (a, b, m, n, k, transA, transB)

    /// Products on vectors: a 6-row tile per step, 2·vw columns wide (16 float32) where the width allows, then one
    /// vector (8 float32) and a half vector. Every lane is an in-order, unfused dot product (multiply, then add; p
    /// ascending), exactly the scalar loop's arithmetic; the 12 independent sums of a wide tile keep the adders busy
    /// where a single chain would wait on each add's latency. B is repacked with rows padded to whole vectors when
    /// it is transposed or its width is not a multiple of the vector width.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let vectorised<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], batch: int, m: int, n: int, k: int, ar: int, ac: int, br: int, bc: int, transA: bool, transB: bool) : 'T[] =
        let vw = Vector256<'T>.Count
        let hw = Vector128<'T>.Count
        let r : 'T[] = Fluxion.Backend.SweepBuffers.Take<'T> (batch * m * n)
        let aRow = if transA then 1 else k
        let aP = if transA then m else 1
        let nPad = (n + vw - 1) / vw * vw
        let direct = not transB && n = nPad
        // Packed B and the partial-store buffer live in a per-thread scratch array (stale pad lanes only
        // feed lanes that are never stored).
        let need = (if direct then 0 else k * nPad) + vw
        let scratch = ExactScratch.Get<'T> need
        let packed = scratch
        let tmpAt = need - vw
        for bi in 0 .. batch - 1 do
            let ao = bi * ar * ac
            let bo = bi * br * bc
            let ro = bi * m * n
            if not direct then
                if transB then
                    for j in 0 .. n - 1 do
                        let src = bo + j * k
                        let mutable d = j
                        for p in 0 .. k - 1 do
                            packed.[d] <- b.[src + p]
                            d <- d + nPad
                else
                    for p in 0 .. k - 1 do
                        Array.Copy(b, bo + p * n, packed, p * nPad, n)
            let vb = if direct then b else packed
            let vbo = if direct then bo else 0
            let vs = if direct then n else nPad
            let mutable i = 0
            while i < m do
                let rows = min 6 (m - i)
                // Missing rows of a short last tile repeat row 0: computed, never stored.
                let a0 = ao + i * aRow
                let a1 = a0 + (if rows > 1 then aRow else 0)
                let a2 = a0 + (if rows > 2 then 2 * aRow else 0)
                let a3 = a0 + (if rows > 3 then 3 * aRow else 0)
                let a4 = a0 + (if rows > 4 then 4 * aRow else 0)
                let a5 = a0 + (if rows > 5 then 5 * aRow else 0)
                let rb = ro + i * n
                let mutable j = 0
                // Two vectors per row while more than one vector's columns remain: a block of 9 to 15 (n = 10) takes
                // one pass over k with its second vector partly stored, instead of a second pass on half-width
                // vectors. Partial blocks only occur with packed B, whose rows are padded to whole vectors.
                while n - j > vw && (n - j >= 2 * vw || not direct) do
                    let mutable c0 = Vector256<'T>.Zero
                    let mutable d0 = Vector256<'T>.Zero
                    let mutable c1 = Vector256<'T>.Zero
                    let mutable d1 = Vector256<'T>.Zero
                    let mutable c2 = Vector256<'T>.Zero
                    let mutable d2 = Vector256<'T>.Zero
                    let mutable c3 = Vector256<'T>.Zero
                    let mutable d3 = Vector256<'T>.Zero
                    let mutable c4 = Vector256<'T>.Zero
                    let mutable d4 = Vector256<'T>.Zero
                    let mutable c5 = Vector256<'T>.Zero
                    let mutable d5 = Vector256<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector256.LoadUnsafe(&vb.[pb])
                        let bw = Vector256.LoadUnsafe(&vb.[pb + vw])
                        let x0 = Vector256.Create<'T>(a.[a0 + pa])
                        c0 <- Vector256.Add(c0, Vector256.Multiply(x0, bv))
                        d0 <- Vector256.Add(d0, Vector256.Multiply(x0, bw))
                        let x1 = Vector256.Create<'T>(a.[a1 + pa])
                        c1 <- Vector256.Add(c1, Vector256.Multiply(x1, bv))
                        d1 <- Vector256.Add(d1, Vector256.Multiply(x1, bw))
                        let x2 = Vector256.Create<'T>(a.[a2 + pa])
                        c2 <- Vector256.Add(c2, Vector256.Multiply(x2, bv))
                        d2 <- Vector256.Add(d2, Vector256.Multiply(x2, bw))
                        let x3 = Vector256.Create<'T>(a.[a3 + pa])
                        c3 <- Vector256.Add(c3, Vector256.Multiply(x3, bv))
                        d3 <- Vector256.Add(d3, Vector256.Multiply(x3, bw))
                        let x4 = Vector256.Create<'T>(a.[a4 + pa])
                        c4 <- Vector256.Add(c4, Vector256.Multiply(x4, bv))
                        d4 <- Vector256.Add(d4, Vector256.Multiply(x4, bw))
                        let x5 = Vector256.Create<'T>(a.[a5 + pa])
                        c5 <- Vector256.Add(c5, Vector256.Multiply(x5, bv))
                        d5 <- Vector256.Add(d5, Vector256.Multiply(x5, bw))
                        pa <- pa + aP
                        pb <- pb + vs
                    let dst = rb + j
                    if n - j >= 2 * vw then
                        c0.StoreUnsafe(&r.[dst])
                        d0.StoreUnsafe(&r.[dst + vw])
                        if rows > 1 then
                            c1.StoreUnsafe(&r.[dst + n])
                            d1.StoreUnsafe(&r.[dst + n + vw])
                        if rows > 2 then
                            c2.StoreUnsafe(&r.[dst + 2 * n])
                            d2.StoreUnsafe(&r.[dst + 2 * n + vw])
                        if rows > 3 then
                            c3.StoreUnsafe(&r.[dst + 3 * n])
                            d3.StoreUnsafe(&r.[dst + 3 * n + vw])
                        if rows > 4 then
                            c4.StoreUnsafe(&r.[dst + 4 * n])
                            d4.StoreUnsafe(&r.[dst + 4 * n + vw])
                        if rows > 5 then
                            c5.StoreUnsafe(&r.[dst + 5 * n])
                            d5.StoreUnsafe(&r.[dst + 5 * n + vw])
                        j <- j + 2 * vw
                    else
                        let cnt = n - j - vw
                        for row in 0 .. rows - 1 do
                            let struct (c, d) =
                                match row with
                                | 0 -> struct (c0, d0) | 1 -> struct (c1, d1) | 2 -> struct (c2, d2)
                                | 3 -> struct (c3, d3) | 4 -> struct (c4, d4) | _ -> struct (c5, d5)
                            let o = dst + row * n
                            c.StoreUnsafe(&r.[o])
                            d.StoreUnsafe(&scratch.[tmpAt])
                            for q in 0 .. cnt - 1 do r.[o + vw + q] <- scratch.[tmpAt + q]
                        j <- n
                while j < n do
                  if n - j <= hw then
                    // A narrow last column block (n = 3, or 10 = 8 + 2) takes half-width vectors; the packed rows
                    // are padded to vw so the loads stay in bounds.
                    let mutable c0 = Vector128<'T>.Zero
                    let mutable c1 = Vector128<'T>.Zero
                    let mutable c2 = Vector128<'T>.Zero
                    let mutable c3 = Vector128<'T>.Zero
                    let mutable c4 = Vector128<'T>.Zero
                    let mutable c5 = Vector128<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector128.LoadUnsafe(&vb.[pb])
                        c0 <- Vector128.Add(c0, Vector128.Multiply(Vector128.Create<'T>(a.[a0 + pa]), bv))
                        c1 <- Vector128.Add(c1, Vector128.Multiply(Vector128.Create<'T>(a.[a1 + pa]), bv))
                        c2 <- Vector128.Add(c2, Vector128.Multiply(Vector128.Create<'T>(a.[a2 + pa]), bv))
                        c3 <- Vector128.Add(c3, Vector128.Multiply(Vector128.Create<'T>(a.[a3 + pa]), bv))
                        c4 <- Vector128.Add(c4, Vector128.Multiply(Vector128.Create<'T>(a.[a4 + pa]), bv))
                        c5 <- Vector128.Add(c5, Vector128.Multiply(Vector128.Create<'T>(a.[a5 + pa]), bv))
                        pa <- pa + aP
                        pb <- pb + vs
                    let cnt = n - j
                    for row in 0 .. rows - 1 do
                        let c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | 3 -> c3 | 4 -> c4 | _ -> c5
                        c.StoreUnsafe(&scratch.[tmpAt])
                        let dst = rb + row * n + j
                        for q in 0 .. cnt - 1 do r.[dst + q] <- scratch.[tmpAt + q]
                    j <- n
                  else
                    let mutable c0 = Vector256<'T>.Zero
                    let mutable c1 = Vector256<'T>.Zero
                    let mutable c2 = Vector256<'T>.Zero
                    let mutable c3 = Vector256<'T>.Zero
                    let mutable c4 = Vector256<'T>.Zero
                    let mutable c5 = Vector256<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector256.LoadUnsafe(&vb.[pb])
                        c0 <- Vector256.Add(c0, Vector256.Multiply(Vector256.Create<'T>(a.[a0 + pa]), bv))
                        c1 <- Vector256.Add(c1, Vector256.Multiply(Vector256.Create<'T>(a.[a1 + pa]), bv))
                        c2 <- Vector256.Add(c2, Vector256.Multiply(Vector256.Create<'T>(a.[a2 + pa]), bv))
                        c3 <- Vector256.Add(c3, Vector256.Multiply(Vector256.Create<'T>(a.[a3 + pa]), bv))
                        c4 <- Vector256.Add(c4, Vector256.Multiply(Vector256.Create<'T>(a.[a4 + pa]), bv))
                        c5 <- Vector256.Add(c5, Vector256.Multiply(Vector256.Create<'T>(a.[a5 + pa]), bv))
                        pa <- pa + aP
                        pb <- pb + vs
                    let cnt = min vw (n - j)
                    for row in 0 .. rows - 1 do
                        let c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | 3 -> c3 | 4 -> c4 | _ -> c5
                        let dst = rb + row * n + j
                        if cnt = vw then c.StoreUnsafe(&r.[dst])
                        else
                            // A plain loop: Array.Copy's call overhead dominated narrow products (n < 8).
                            c.StoreUnsafe(&scratch.[tmpAt])
                            for q in 0 .. cnt - 1 do r.[dst + q] <- scratch.[tmpAt + q]
                    j <- j + vw
                i <- i + 6
        r

    /// At most four outputs (a small layer's weight or bias-free gradient, a dot product): their in-order sums
    /// advance side by side, one multiply-add of each per step of k, so the four dependency chains overlap instead of
    /// running one after another. The same roundings as the scalar loop.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let fewOutputs<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
            (a: 'T[], b: 'T[], m: int, n: int, k: int, transA: bool, transB: bool) : 'T[] =
        let cnt = m * n
        let r : 'T[] = Fluxion.Backend.SweepBuffers.Take<'T> cnt
        let aStart i = if transA then i else i * k
        let aP = if transA then m else 1
        let bStart j = if transB then j * k else j
        let bP = if transB then 1 else n
        // Missing outputs repeat output 0: computed, never stored.
        let a0 = aStart 0
        let b0 = bStart 0
        let a1 = if cnt > 1 then aStart (1 / n) else a0
        let b1 = if cnt > 1 then bStart (1 % n) else b0
        let a2 = if cnt > 2 then aStart (2 / n) else a0
        let b2 = if cnt > 2 then bStart (2 % n) else b0
        let a3 = if cnt > 3 then aStart (3 / n) else a0
        let b3 = if cnt > 3 then bStart (3 % n) else b0
        let mutable s0 : 'T = 'T.Zero
        let mutable s1 : 'T = 'T.Zero
        let mutable s2 : 'T = 'T.Zero
        let mutable s3 : 'T = 'T.Zero
        let mutable pa = 0
        let mutable pb = 0
        for _ in 0 .. k - 1 do
            s0 <- s0 + a.[a0 + pa] * b.[b0 + pb]
            s1 <- s1 + a.[a1 + pa] * b.[b1 + pb]
            s2 <- s2 + a.[a2 + pa] * b.[b2 + pb]
            s3 <- s3 + a.[a3 + pa] * b.[b3 + pb]
            pa <- pa + aP
            pb <- pb + bP
        r.[0] <- s0
        if cnt > 1 then r.[1] <- s1
        if cnt > 2 then r.[2] <- s2
        if cnt > 3 then r.[3] <- s3
        r

    /// A float32 row times a matrix (1 x k by k x n, n from 2 to 8, B row-major): the n in-order, unfused sums
    /// advance in the lanes of one vector, a broadcast of a[p] times B's row p per step, so a step is a few
    /// instructions instead of n scalar chains' worth (a small layer's weight gradient over 100 points,
    /// 1 x 100 x 3: the scalar loop spent about 5 cycles per step). A row's load runs on into the next row
    /// (lanes never stored); the last rows, whose loads would leave the array, come from a padded copy.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let rowTimesMatrix32 (a: float32[], b: float32[], n: int, k: int) : float32[] =
        if n < 2 || n > 8 || k < 1 || a.Length < k || b.Length < k * n then
            invalidArg "n" (sprintf "ExactMatMul.rowTimesMatrix32: 1 x %d x %d does not fit (%d and %d elements given)" n k a.Length b.Length)
        let r : float32[] = Fluxion.Backend.SweepBuffers.TakeUninitialized<float32> n
        // Rows 0 .. inPlace - 1 load eight values in place; the rest (at most four) from 8-wide padded rows.
        let inPlace = min k (max 0 ((b.Length - 8) / n + 1))
        let scratch = ExactScratch.Get<float32> (8 * (k - inPlace) + 8)
        for p in inPlace .. k - 1 do
            Array.Copy(b, p * n, scratch, 8 * (p - inPlace), n)
        let aref = &MemoryMarshal.GetArrayDataReference a
        let bref = &MemoryMarshal.GetArrayDataReference b
        let sref = &MemoryMarshal.GetArrayDataReference scratch
        let mutable acc = Vector256<float32>.Zero
        let mutable pb = 0
        for p in 0 .. inPlace - 1 do
            acc <- Vector256.Add(acc, Vector256.Multiply(Vector256.Create(Unsafe.Add(&aref, p)), Vector256.LoadUnsafe(&Unsafe.Add(&bref, pb))))
            pb <- pb + n
        for p in inPlace .. k - 1 do
            acc <- Vector256.Add(acc, Vector256.Multiply(Vector256.Create(Unsafe.Add(&aref, p)), Vector256.LoadUnsafe(&Unsafe.Add(&sref, 8 * (p - inPlace)))))
        let tmp = 8 * (k - inPlace)
        acc.StoreUnsafe(&Unsafe.Add(&sref, tmp))
        for j in 0 .. n - 1 do r.[j] <- scratch.[tmp + j]
        r

    /// A float32 product with one inner element (k = 1): every output is 0 + a_i * b_j, as the in-order sum of one
    /// term rounds it (a product of -0 becomes +0), eight columns at a time. Layer-input gradients and first-layer
    /// forwards of one-feature networks are this shape.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let outer32 (a: float32[], b: float32[], m: int, n: int) : float32[] =
        let r : float32[] = Fluxion.Backend.SweepBuffers.Take<float32> (m * n)
        let mutable i = 0
        if n < 8 && Avx2.IsSupported then
            // Fewer than 8 columns: 8 rows make 8n outputs, n whole vectors. Vector v holds outputs 8v .. 8v+7 of
            // the block: a permute repeats each row's a across its n outputs, and b repeated 8 times lines up.
            let idx = NativePtr.stackalloc<int> (8 * n)
            let bExt = NativePtr.stackalloc<float32> (8 * n)
            // Counters, not q / n and q % n: an integer division per entry cost more than the product itself.
            let mutable row = 0
            let mutable col = 0
            for q in 0 .. 8 * n - 1 do
                NativePtr.set idx q row
                NativePtr.set bExt q b.[col]
                col <- col + 1
                if col = n then
                    col <- 0
                    row <- row + 1
            while i + 8 <= m do
                let av = Vector256.LoadUnsafe(&a.[i])
                let o = i * n
                for v in 0 .. n - 1 do
                    let rep = Avx2.PermuteVar8x32(av, Vector256.Load(NativePtr.add idx (8 * v)))
                    Vector256.Add(Vector256<float32>.Zero, Vector256.Multiply(rep, Vector256.Load(NativePtr.add bExt (8 * v))))
                        .StoreUnsafe(&r.[o + 8 * v])
                i <- i + 8
        let nv = if Vector256.IsHardwareAccelerated && n >= 8 then n / 8 * 8 else 0
        while i < m do
            let ai = a.[i]
            let o = i * n
            if nv > 0 then
                let av = Vector256.Create ai
                let mutable j = 0
                while j < nv do
                    Vector256.Add(Vector256<float32>.Zero, Vector256.Multiply(av, Vector256.LoadUnsafe(&b.[j]))).StoreUnsafe(&r.[o + j])
                    j <- j + 8
            for j in nv .. n - 1 do r.[o + j] <- 0.0f + ai * b.[j]
            i <- i + 1
        r

    /// A tall, narrow float32 product (m >= 8 rows, n <= 4 columns, A not transposed, one batch): eight rows
    /// at a time in one vector, each lane the in-order, unfused dot product of its row (0 + a0*b0, then + a1*b1, ...),
    /// so the bits are the scalar loop's. A linear layer with one to four outputs over a batch is this shape; the
    /// column-vector kernel would spend seven of its eight lanes on padding.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let narrowRows32 (a: float32[], b: float32[], m: int, n: int, k: int, transB: bool) : float32[] =
        let r : float32[] = Fluxion.Backend.SweepBuffers.TakeUninitialized<float32> (m * n)
        let bP = if transB then 1 else n
        let bCol = if transB then k else 1
        let mutable i = 0
        while i + 8 <= m do
            let o0 = i * k
            for j in 0 .. n - 1 do
                let mutable acc = Vector256<float32>.Zero
                let mutable pa = o0
                let mutable pb = j * bCol
                for _ in 0 .. k - 1 do
                    let av = Vector256.Create(a.[pa], a.[pa + k], a.[pa + 2 * k], a.[pa + 3 * k], a.[pa + 4 * k], a.[pa + 5 * k], a.[pa + 6 * k], a.[pa + 7 * k])
                    acc <- Vector256.Add(acc, Vector256.Multiply(av, Vector256.Create(b.[pb])))
                    pa <- pa + 1
                    pb <- pb + bP
                if n = 1 then acc.StoreUnsafe(&r.[i])
                else
                    for q in 0 .. 7 do r.[(i + q) * n + j] <- acc.GetElement q
            i <- i + 8
        while i < m do
            for j in 0 .. n - 1 do
                let mutable s = 0.0f
                let mutable pa = i * k
                let mutable pb = j * bCol
                for _ in 0 .. k - 1 do
                    s <- s + a.[pa] * b.[pb]
                    pa <- pa + 1
                    pb <- pb + bP
                r.[i * n + j] <- s
            i <- i + 1
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
