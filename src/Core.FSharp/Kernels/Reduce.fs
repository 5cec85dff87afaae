/// PyTorch 1.13 CPU (AVX2) summation order: ATen's cascade_sum (SumKernel.cpp), reproduced bit for bit.
module Fluxion.Kernels.Reduce

#nowarn "9"

open System
open Microsoft.FSharp.NativeInterop
open System.Runtime.Intrinsics

// ATen's multi_row_sum uses 4 accumulator levels; the level step is 2^max(4, ceilLog2(rows)/4).
let inline private ceilLog2 (x: int) = if x <= 2 then 1 else 32 - Numerics.BitOperations.LeadingZeroCount(uint32 (x - 1))

let inline private levelPower (rows: int) = max 4 (ceilLog2 rows / 4)

/// ATen row_sum over vectors: `rows` groups of 4 vectors of W lanes starting at `start`, 4 interleaved slots,
/// each slot a 4-level cascade; leftover vectors go into slot 0; slots folded 0+1+2+3.
let inline private vectorRowSum
    (x: ReadOnlySpan< ^T>) (nv: int) : Vector256< ^T> =
    let w = Vector256< ^T>.Count
    let rows = nv / 4
    let lp = levelPower rows
    let step = 1 <<< lp
    let mask = step - 1
    let mutable a0 = Vector256< ^T>.Zero
    let mutable a1 = Vector256< ^T>.Zero
    let mutable a2 = Vector256< ^T>.Zero
    let mutable a3 = Vector256< ^T>.Zero
    let mutable b0 = Vector256< ^T>.Zero
    let mutable b1 = Vector256< ^T>.Zero
    let mutable b2 = Vector256< ^T>.Zero
    let mutable b3 = Vector256< ^T>.Zero
    let mutable c0 = Vector256< ^T>.Zero
    let mutable c1 = Vector256< ^T>.Zero
    let mutable c2 = Vector256< ^T>.Zero
    let mutable c3 = Vector256< ^T>.Zero
    let mutable d0 = Vector256< ^T>.Zero
    let mutable d1 = Vector256< ^T>.Zero
    let mutable d2 = Vector256< ^T>.Zero
    let mutable d3 = Vector256< ^T>.Zero
    // Slot k of level L is named (a|b|c|d)[k]: a = level 0, b = 1, c = 2, d = 3.
    let mutable i = 0
    while i + step <= rows do
        for _ in 1 .. step do
            let o = i * 4 * w
            a0 <- a0 + Vector256.Create<'T>(x.Slice(o, w))
            a1 <- a1 + Vector256.Create<'T>(x.Slice(o + w, w))
            a2 <- a2 + Vector256.Create<'T>(x.Slice(o + 2 * w, w))
            a3 <- a3 + Vector256.Create<'T>(x.Slice(o + 3 * w, w))
            i <- i + 1
        b0 <- b0 + a0; b1 <- b1 + a1; b2 <- b2 + a2; b3 <- b3 + a3
        a0 <- Vector256< ^T>.Zero; a1 <- Vector256< ^T>.Zero; a2 <- Vector256< ^T>.Zero; a3 <- Vector256< ^T>.Zero
        if i &&& (mask <<< lp) = 0 then
            c0 <- c0 + b0; c1 <- c1 + b1; c2 <- c2 + b2; c3 <- c3 + b3
            b0 <- Vector256< ^T>.Zero; b1 <- Vector256< ^T>.Zero; b2 <- Vector256< ^T>.Zero; b3 <- Vector256< ^T>.Zero
            if i &&& (mask <<< (2 * lp)) = 0 then
                d0 <- d0 + c0; d1 <- d1 + c1; d2 <- d2 + c2; d3 <- d3 + c3
                c0 <- Vector256< ^T>.Zero; c1 <- Vector256< ^T>.Zero; c2 <- Vector256< ^T>.Zero; c3 <- Vector256< ^T>.Zero
    while i < rows do
        let o = i * 4 * w
        a0 <- a0 + Vector256.Create<'T>(x.Slice(o, w))
        a1 <- a1 + Vector256.Create<'T>(x.Slice(o + w, w))
        a2 <- a2 + Vector256.Create<'T>(x.Slice(o + 2 * w, w))
        a3 <- a3 + Vector256.Create<'T>(x.Slice(o + 3 * w, w))
        i <- i + 1
    a0 <- a0 + b0; a1 <- a1 + b1; a2 <- a2 + b2; a3 <- a3 + b3
    a0 <- a0 + c0; a1 <- a1 + c1; a2 <- a2 + c2; a3 <- a3 + c3
    a0 <- a0 + d0; a1 <- a1 + d1; a2 <- a2 + d2; a3 <- a3 + d3
    for k in rows * 4 .. nv - 1 do
        a0 <- a0 + Vector256.Create<'T>(x.Slice(k * w, w))
    ((a0 + a1) + a2) + a3

/// ATen row_sum over scalars `count` elements apart by `stride` (4 interleaved slots, 4-level cascade each).
let inline private scalarRowSum
    (x: ReadOnlySpan< ^T>) (offset: int) (count: int) (stride: int) : ^T =
    let zero = LanguagePrimitives.GenericZero< ^T>
    let rows = count / 4
    let lp = levelPower rows
    let step = 1 <<< lp
    let mask = step - 1
    let mutable a0 = zero
    let mutable a1 = zero
    let mutable a2 = zero
    let mutable a3 = zero
    let mutable b0 = zero
    let mutable b1 = zero
    let mutable b2 = zero
    let mutable b3 = zero
    let mutable c0 = zero
    let mutable c1 = zero
    let mutable c2 = zero
    let mutable c3 = zero
    let mutable d0 = zero
    let mutable d1 = zero
    let mutable d2 = zero
    let mutable d3 = zero
    let s4 = 4 * stride
    let mutable i = 0
    while i + step <= rows do
        for _ in 1 .. step do
            let o = offset + i * s4
            a0 <- a0 + x[o]
            a1 <- a1 + x[o + stride]
            a2 <- a2 + x[o + 2 * stride]
            a3 <- a3 + x[o + 3 * stride]
            i <- i + 1
        b0 <- b0 + a0; b1 <- b1 + a1; b2 <- b2 + a2; b3 <- b3 + a3
        a0 <- zero; a1 <- zero; a2 <- zero; a3 <- zero
        if i &&& (mask <<< lp) = 0 then
            c0 <- c0 + b0; c1 <- c1 + b1; c2 <- c2 + b2; c3 <- c3 + b3
            b0 <- zero; b1 <- zero; b2 <- zero; b3 <- zero
            if i &&& (mask <<< (2 * lp)) = 0 then
                d0 <- d0 + c0; d1 <- d1 + c1; d2 <- d2 + c2; d3 <- d3 + c3
                c0 <- zero; c1 <- zero; c2 <- zero; c3 <- zero
    while i < rows do
        let o = offset + i * s4
        a0 <- a0 + x[o]
        a1 <- a1 + x[o + stride]
        a2 <- a2 + x[o + 2 * stride]
        a3 <- a3 + x[o + 3 * stride]
        i <- i + 1
    a0 <- a0 + b0; a1 <- a1 + b1; a2 <- a2 + b2; a3 <- a3 + b3
    a0 <- a0 + c0; a1 <- a1 + c1; a2 <- a2 + c2; a3 <- a3 + c3
    a0 <- a0 + d0; a1 <- a1 + d1; a2 <- a2 + d2; a3 <- a3 + d3
    for k in rows * 4 .. count - 1 do
        a0 <- a0 + x[offset + k * stride]
    ((a0 + a1) + a2) + a3

/// ATen multi_row_sum for one column: a single accumulator, 4-level cascade, no interleaving.
let inline private scalarColumnSum
    (x: ReadOnlySpan< ^T>) (offset: int) (count: int) (stride: int) : ^T =
    let zero = LanguagePrimitives.GenericZero< ^T>
    let lp = levelPower count
    let step = 1 <<< lp
    let mask = step - 1
    let mutable a = zero
    let mutable b = zero
    let mutable c = zero
    let mutable d = zero
    let mutable i = 0
    while i + step <= count do
        for _ in 1 .. step do
            a <- a + x[offset + i * stride]
            i <- i + 1
        b <- b + a
        a <- zero
        if i &&& (mask <<< lp) = 0 then
            c <- c + b
            b <- zero
            if i &&& (mask <<< (2 * lp)) = 0 then
                d <- d + c
                c <- zero
    while i < count do
        a <- a + x[offset + i * stride]
        i <- i + 1
    ((a + b) + c) + d

/// scalarColumnSum for the 4·W adjacent columns from j0 at once, lane by lane: each lane is one column's single
/// accumulator and cascade, so every column gets exactly its scalar sum (rows are read contiguously).
let inline private columnBlockSums
    (x: ReadOnlySpan< ^T>) (j0: int) (rows: int) (cols: int) (dst: Span< ^T>) =
    let w = Vector256< ^T>.Count
    let z = Vector256< ^T>.Zero
    let lp = levelPower rows
    let step = 1 <<< lp
    let mask = step - 1
    let mutable a0 = z
    let mutable a1 = z
    let mutable a2 = z
    let mutable a3 = z
    let mutable b0 = z
    let mutable b1 = z
    let mutable b2 = z
    let mutable b3 = z
    let mutable c0 = z
    let mutable c1 = z
    let mutable c2 = z
    let mutable c3 = z
    let mutable d0 = z
    let mutable d1 = z
    let mutable d2 = z
    let mutable d3 = z
    let mutable i = 0
    while i + step <= rows do
        for _ in 1 .. step do
            let o = i * cols + j0
            a0 <- a0 + Vector256.Create<'T>(x.Slice(o, w))
            a1 <- a1 + Vector256.Create<'T>(x.Slice(o + w, w))
            a2 <- a2 + Vector256.Create<'T>(x.Slice(o + 2 * w, w))
            a3 <- a3 + Vector256.Create<'T>(x.Slice(o + 3 * w, w))
            i <- i + 1
        b0 <- b0 + a0; b1 <- b1 + a1; b2 <- b2 + a2; b3 <- b3 + a3
        a0 <- z; a1 <- z; a2 <- z; a3 <- z
        if i &&& (mask <<< lp) = 0 then
            c0 <- c0 + b0; c1 <- c1 + b1; c2 <- c2 + b2; c3 <- c3 + b3
            b0 <- z; b1 <- z; b2 <- z; b3 <- z
            if i &&& (mask <<< (2 * lp)) = 0 then
                d0 <- d0 + c0; d1 <- d1 + c1; d2 <- d2 + c2; d3 <- d3 + c3
                c0 <- z; c1 <- z; c2 <- z; c3 <- z
    while i < rows do
        let o = i * cols + j0
        a0 <- a0 + Vector256.Create<'T>(x.Slice(o, w))
        a1 <- a1 + Vector256.Create<'T>(x.Slice(o + w, w))
        a2 <- a2 + Vector256.Create<'T>(x.Slice(o + 2 * w, w))
        a3 <- a3 + Vector256.Create<'T>(x.Slice(o + 3 * w, w))
        i <- i + 1
    // ((a + b) + c) + d, then 0 + s (which turns -0 into +0), as the scalar path.
    (z + (((a0 + b0) + c0) + d0)).CopyTo(dst.Slice(j0, w))
    (z + (((a1 + b1) + c1) + d1)).CopyTo(dst.Slice(j0 + w, w))
    (z + (((a2 + b2) + c2) + d2)).CopyTo(dst.Slice(j0 + 2 * w, w))
    (z + (((a3 + b3) + c3) + d3)).CopyTo(dst.Slice(j0 + 3 * w, w))

let inline private contiguousSum
    (x: ReadOnlySpan< ^T>) : ^T =
    let zero = LanguagePrimitives.GenericZero< ^T>
    let w = Vector256< ^T>.Count
    let n = x.Length
    if n < w then zero + scalarRowSum x 0 n 1
    else
        let nv = n / w
        let v = vectorRowSum x nv
        let mutable total = zero
        for k in nv * w .. n - 1 do
            total <- total + x[k]
        for k in 0 .. w - 1 do
            total <- total + v.GetElement k
        zero + total

/// torch.sum of a contiguous float32 vector (AVX2 cascade: 8 lanes, 4 slots, 4 levels, tail, lanes in order).
let sum32 (x: ReadOnlySpan<float32>) : float32 = contiguousSum x

/// torch.sum of a contiguous float64 vector (the same cascade with the 4 lanes of an AVX2 double vector).
let sum64 (x: ReadOnlySpan<float>) : float = contiguousSum x

/// torch.mean of a contiguous float32 vector: f32(sum / f32 n); NaN for an empty vector like PyTorch.
let mean32 (x: ReadOnlySpan<float32>) : float32 = sum32 x / float32 x.Length

/// torch.mean of a contiguous float64 vector: sum / n.
let mean64 (x: ReadOnlySpan<float>) : float = sum64 x / float x.Length

let private checkStrided (fn: string) (len: int) (offset: int) (count: int) (stride: int) =
    if offset < 0 || count < 0 || stride < 1 || (count > 0 && offset + (count - 1) * stride >= len) then
        invalidArg "x" (sprintf "%s: offset=%d count=%d stride=%d must stay inside an array of length %d (offset >= 0, count >= 0, stride >= 1)" fn offset count stride len)

/// Sum of x[offset + k*stride], k < count, in ATen's scalar row_sum order (4 interleaved slots); with stride 1 it
/// is exactly sum32 of the slice. Exact for the columns ATen reduces by row_sum (see sumRows32).
let sumStrided32 (x: float32[]) (offset: int) (count: int) (stride: int) : float32 =
    checkStrided "Reduce.sumStrided32" x.Length offset count stride
    if stride = 1 then sum32 (ReadOnlySpan(x, offset, count))
    else 0.0f + scalarRowSum (ReadOnlySpan x) offset count stride

/// Float64 twin of sumStrided32 (stride 1 = sum64 of the slice).
let sumStrided64 (x: float[]) (offset: int) (count: int) (stride: int) : float =
    checkStrided "Reduce.sumStrided64" x.Length offset count stride
    if stride = 1 then sum64 (ReadOnlySpan(x, offset, count))
    else 0.0 + scalarRowSum (ReadOnlySpan x) offset count stride

let private checkMatrix (fn: string) (len: int) (rows: int) (cols: int) (dstLen: int) (need: int) =
    if rows < 0 || cols < 0 || int64 rows * int64 cols <> int64 len || dstLen <> need then
        invalidArg "x" (sprintf "%s: rows=%d cols=%d need x of length rows*cols (got %d) and dst of length %d (got %d)" fn rows cols len need dstLen)

// Verified against torch 1.13 (kernels_torch_extra.json): sum(dim=0) is NOT a lane-wise loop over rows. ATen moves
// the reduced dim innermost and, per column, uses either multi_row_sum (one accumulator, 4-level cascade) or
// row_sum (4 interleaved slots); which one depends on the column's position:
// ATen (dim-0 reduction of a contiguous (rows, cols) block, cols > 1): with cols >= W the first 32*(cols/32)
// columns (4 vectors at a time) use multi_row_sum, the rest row_sum; with cols < W the first 4*(cols/4) use
// multi_row_sum (scalar, 4 columns at a time), the rest row_sum. Lane-wise vector math equals per-column math.
// Fills the columns summed by multi_row_sum and returns the first column left to row_sum (cols when none is).
let inline private sumRowsImpl
    (x: ReadOnlySpan< ^T>) (rows: int) (cols: int) (dst: Span< ^T>) : int =
    let zero = LanguagePrimitives.GenericZero< ^T>
    let w = Vector256< ^T>.Count
    if cols = 1 || rows = 1 then
        // Size-1 dimensions vanish: a (rows,1) block is a contiguous vector, a (1,cols) block is a copy.
        if cols = 1 then dst[0] <- contiguousSum x
        else for j in 0 .. cols - 1 do dst[j] <- zero + x[j]
        cols
    else
        let multi = if cols >= w then (cols / (4 * w)) * (4 * w) else (cols / 4) * 4
        if cols >= w && Vector256.IsHardwareAccelerated then
            let mutable j = 0
            while j < multi do
                columnBlockSums x j rows cols dst
                j <- j + 4 * w
        else
            for j in 0 .. multi - 1 do
                dst[j] <- zero + scalarColumnSum x j rows cols
        multi

/// Row r's eight values from column j0: from x while they fit, else from the padded copy of the last rows.
let inline private loadRow (x: ReadOnlySpan<float32>) (pad: ReadOnlySpan<float32>) (safeRows: int) (cols: int) (j0: int) (r: int) =
    if r < safeRows then Vector256.Create<float32>(x.Slice(r * cols + j0, 8))
    else Vector256.Create<float32>(pad.Slice(8 * (r - safeRows), 8))

/// Columns j0 .. j0+7 (fewer at the end) of a (rows, cols) float32 block by ATen's row_sum, one column per lane:
/// every lane runs scalarRowSum's slots and cascade on its own column, so each sum rounds as the scalar one does,
/// and the columns advance together instead of one after another. Rows whose eight loads would run past the
/// array are read through a zero-padded copy (those lanes are never stored).
let private rowSumLanes32 (x: ReadOnlySpan<float32>) (j0: int) (rows: int) (cols: int) (dst: Span<float32>) =
    let lanes = min 8 (cols - j0)
    // The last rows' padded copies: row r's eight values start at r * cols + j0; only rows that would overrun.
    let safeRows = if x.Length >= j0 + 8 then min rows ((x.Length - j0 - 8) / cols + 1) else 0
    // At most 8 rows overrun (each row is at least 2 columns on), so 64 floats on the stack hold them.
    let pad = Span<float32>(NativePtr.toVoidPtr (NativePtr.stackalloc<float32> 64), 64)
    pad.Clear()
    for r in safeRows .. rows - 1 do
        x.Slice(r * cols + j0, lanes).CopyTo(pad.Slice(8 * (r - safeRows), 8))
    let z = Vector256<float32>.Zero
    let count = rows
    let quads = count / 4
    let lp = levelPower quads
    let step = 1 <<< lp
    let mask = step - 1
    let mutable a0 = z
    let mutable a1 = z
    let mutable a2 = z
    let mutable a3 = z
    let mutable b0 = z
    let mutable b1 = z
    let mutable b2 = z
    let mutable b3 = z
    let mutable c0 = z
    let mutable c1 = z
    let mutable c2 = z
    let mutable c3 = z
    let mutable d0 = z
    let mutable d1 = z
    let mutable d2 = z
    let mutable d3 = z
    let mutable i = 0
    while i + step <= quads do
        for _ in 1 .. step do
            let r = 4 * i
            a0 <- a0 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 r
            a1 <- a1 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 (r + 1)
            a2 <- a2 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 (r + 2)
            a3 <- a3 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 (r + 3)
            i <- i + 1
        b0 <- b0 + a0; b1 <- b1 + a1; b2 <- b2 + a2; b3 <- b3 + a3
        a0 <- z; a1 <- z; a2 <- z; a3 <- z
        if i &&& (mask <<< lp) = 0 then
            c0 <- c0 + b0; c1 <- c1 + b1; c2 <- c2 + b2; c3 <- c3 + b3
            b0 <- z; b1 <- z; b2 <- z; b3 <- z
            if i &&& (mask <<< (2 * lp)) = 0 then
                d0 <- d0 + c0; d1 <- d1 + c1; d2 <- d2 + c2; d3 <- d3 + c3
                c0 <- z; c1 <- z; c2 <- z; c3 <- z
    while i < quads do
        let r = 4 * i
        a0 <- a0 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 r
        a1 <- a1 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 (r + 1)
        a2 <- a2 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 (r + 2)
        a3 <- a3 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 (r + 3)
        i <- i + 1
    a0 <- a0 + b0; a1 <- a1 + b1; a2 <- a2 + b2; a3 <- a3 + b3
    a0 <- a0 + c0; a1 <- a1 + c1; a2 <- a2 + c2; a3 <- a3 + c3
    a0 <- a0 + d0; a1 <- a1 + d1; a2 <- a2 + d2; a3 <- a3 + d3
    for k in quads * 4 .. count - 1 do
        a0 <- a0 + loadRow x (Span<float32>.op_Implicit pad) safeRows cols j0 k
    let s = z + (((a0 + a1) + a2) + a3)
    for q in 0 .. lanes - 1 do dst[j0 + q] <- s.GetElement q

/// torch.sum(x, dim=0) of a contiguous float32 (rows, cols) block into dst (length cols), bit-exact.
let sumRows32 (x: ReadOnlySpan<float32>) (rows: int) (cols: int) (dst: Span<float32>) : unit =
    checkMatrix "Reduce.sumRows32" x.Length rows cols dst.Length cols
    let j0 = sumRowsImpl x rows cols dst
    if Vector256.IsHardwareAccelerated then
        let mutable j = j0
        while j < cols do
            rowSumLanes32 x j rows cols dst
            j <- j + 8
    else
        for j in j0 .. cols - 1 do dst[j] <- 0.0f + scalarRowSum x j rows cols

/// torch.sum(x, dim=0) of a contiguous float64 (rows, cols) block into dst (length cols), bit-exact.
let sumRows64 (x: ReadOnlySpan<float>) (rows: int) (cols: int) (dst: Span<float>) : unit =
    checkMatrix "Reduce.sumRows64" x.Length rows cols dst.Length cols
    let j0 = sumRowsImpl x rows cols dst
    for j in j0 .. cols - 1 do dst[j] <- 0.0 + scalarRowSum x j rows cols

/// torch.sum(x, dim=-1) of a contiguous float32 (rows, cols) block into dst (length rows): sum32 per row.
let sumCols32 (x: ReadOnlySpan<float32>) (rows: int) (cols: int) (dst: Span<float32>) : unit =
    checkMatrix "Reduce.sumCols32" x.Length rows cols dst.Length rows
    for r in 0 .. rows - 1 do dst[r] <- sum32 (x.Slice(r * cols, cols))

/// torch.sum(x, dim=-1) of a contiguous float64 (rows, cols) block into dst (length rows): sum64 per row.
let sumCols64 (x: ReadOnlySpan<float>) (rows: int) (cols: int) (dst: Span<float>) : unit =
    checkMatrix "Reduce.sumCols64" x.Length rows cols dst.Length rows
    for r in 0 .. rows - 1 do dst[r] <- sum64 (x.Slice(r * cols, cols))
