/// The elementwise ends of a linear layer on float32 arrays: the bias added to every row, relu, and relu's
/// backward mask, on 8-lane vectors with a scalar tail. Every element takes the scalar path's operations (one add,
/// one compare), so the vectors give PyTorch's bits.
module Fluxion.Kernels.BiasRelu

// The loops read pinned arrays through native pointers; every index stays below the checked length.
#nowarn "9"

open System
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open Microsoft.FSharp.NativeInterop

let private vectors = Avx.IsSupported

/// relu's keep test: x > 0 or NaN (NaN passes, -0 and +0 give +0), as `not (x <= 0)`.
let inline private keep (x: float32) = not (x <= 0.0f)

let private checkRows (fn: string) (yLen: int) (n: int) =
    if n <= 0 || yLen % n <> 0 then
        invalidArg "b" (sprintf "%s: a row of %d elements does not tile an array of %d" fn n yLen)

// Rows narrower than a vector (a layer with fewer than 8 outputs): the bias repeated 8 times fills n whole vectors,
// which tile the array flat, so every element still takes one add (and one compare) but eight at a time and
// without the scalar tail's unpredictable branch per element.
let inline private narrowRows (y: float32[]) (b: float32[]) ([<InlineIfLambda>] body: nativeptr<float32> -> Vector256<float32> -> unit) ([<InlineIfLambda>] tail: float32 -> float32) =
    let n = b.Length
    let span = 8 * n
    let ext = NativePtr.stackalloc<float32> span
    // A running column, not q % n: an integer division per element cost more than the add.
    let mutable col = 0
    for q in 0 .. span - 1 do
        NativePtr.set ext q b.[col]
        col <- if col + 1 = n then 0 else col + 1
    use yp = fixed y
    let mutable o = 0
    while o + span <= y.Length do
        for v in 0 .. n - 1 do
            body (NativePtr.add yp (o + 8 * v)) (Avx.LoadVector256(NativePtr.add ext (8 * v)))
        o <- o + span
    // Whole rows remain (y tiles by n), so the tail starts at column 0.
    col <- 0
    while o < y.Length do
        NativePtr.set yp o (tail (NativePtr.get yp o + b.[col]))
        col <- if col + 1 = n then 0 else col + 1
        o <- o + 1

/// y[r, j] <- y[r, j] + b[j] for the row-major (rows, b.Length) matrix in y, in place.
let addRows (y: float32[]) (b: float32[]) : unit =
    let n = b.Length
    if y.Length > 0 then
        checkRows "BiasRelu.addRows" y.Length n
        if vectors && n < 8 then
            narrowRows y b (fun p bv -> Avx.Store(p, Avx.Add(Avx.LoadVector256 p, bv))) id
        else
        let nv = if vectors then n - n % 8 else 0
        use yp = fixed y
        use bp = fixed b
        let mutable o = 0
        while o < y.Length do
            let row = NativePtr.add yp o
            let mutable j = 0
            while j < nv do
                Avx.Store(NativePtr.add row j, Avx.Add(Avx.LoadVector256(NativePtr.add row j), Avx.LoadVector256(NativePtr.add bp j)))
                j <- j + 8
            while j < n do
                NativePtr.set row j (NativePtr.get row j + NativePtr.get bp j)
                j <- j + 1
            o <- o + n

/// y[r, j] <- relu(y[r, j] + b[j]) in place (the add rounds, then relu keeps it or gives +0).
let addRowsRelu (y: float32[]) (b: float32[]) : unit =
    let n = b.Length
    if y.Length > 0 then
        checkRows "BiasRelu.addRowsRelu" y.Length n
        let zero = Vector256<float32>.Zero
        if vectors && n < 8 then
            narrowRows y b (fun p bv ->
                let t = Avx.Add(Avx.LoadVector256 p, bv)
                let m = Avx.Compare(t, zero, FloatComparisonMode.UnorderedNotLessThanOrEqualNonSignaling)
                Avx.Store(p, Avx.And(m, t))) (fun t -> if keep t then t else 0.0f)
        else
        let nv = if vectors then n - n % 8 else 0
        use yp = fixed y
        use bp = fixed b
        let mutable o = 0
        while o < y.Length do
            let row = NativePtr.add yp o
            let mutable j = 0
            while j < nv do
                let t = Avx.Add(Avx.LoadVector256(NativePtr.add row j), Avx.LoadVector256(NativePtr.add bp j))
                let m = Avx.Compare(t, zero, FloatComparisonMode.UnorderedNotLessThanOrEqualNonSignaling)
                Avx.Store(NativePtr.add row j, Avx.And(m, t))
                j <- j + 8
            while j < n do
                let t = NativePtr.get row j + NativePtr.get bp j
                NativePtr.set row j (if keep t then t else 0.0f)
                j <- j + 1
            o <- o + n

/// y <- relu(y) in place.
let reluInPlace (y: float32[]) : unit =
    let n = y.Length
    let nv = if vectors then n - n % 8 else 0
    let zero = Vector256<float32>.Zero
    use yp = fixed y
    let mutable i = 0
    while i < nv do
        let t = Avx.LoadVector256(NativePtr.add yp i)
        let m = Avx.Compare(t, zero, FloatComparisonMode.UnorderedNotLessThanOrEqualNonSignaling)
        Avx.Store(NativePtr.add yp i, Avx.And(m, t))
        i <- i + 8
    while i < n do
        let t = NativePtr.get yp i
        if not (keep t) then NativePtr.set yp i 0.0f
        i <- i + 1

/// dst[i] <- g[i] where y[i] > 0 or is NaN, else +0 (threshold_backward on relu's output); every element written.
let reluMask (y: float32[]) (g: float32[]) (dst: float32[]) : unit =
    let n = y.Length
    if g.Length <> n || dst.Length <> n then
        invalidArg "g" (sprintf "BiasRelu.reluMask: y, g and dst need one length, got %d, %d and %d" n g.Length dst.Length)
    let nv = if vectors then n - n % 8 else 0
    let zero = Vector256<float32>.Zero
    use yp = fixed y
    use gp = fixed g
    use dp = fixed dst
    let mutable i = 0
    while i < nv do
        let m = Avx.Compare(Avx.LoadVector256(NativePtr.add yp i), zero, FloatComparisonMode.UnorderedNotLessThanOrEqualNonSignaling)
        Avx.Store(NativePtr.add dp i, Avx.And(m, Avx.LoadVector256(NativePtr.add gp i)))
        i <- i + 8
    while i < n do
        NativePtr.set dp i (if keep (NativePtr.get yp i) then NativePtr.get gp i else 0.0f)
        i <- i + 1
