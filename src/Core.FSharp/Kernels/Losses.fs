/// PyTorch 1.13 CPU loss kernels (log_softmax, NLL/cross-entropy, MSE) on row-major arrays, bit-exact in float32.
module Fluxion.Kernels.LossKernels

open System
open System.Runtime.InteropServices
open System.Runtime.Intrinsics

let private checkRows (fn: string) (len: int) (rows: int) (cols: int) =
    if rows < 0 || cols < 1 || int64 rows * int64 cols <> int64 len then
        invalidArg "x" (sprintf "%s: rows=%d cols=%d need cols >= 1 and an array of length rows*cols (got %d)" fn rows cols len)

let private checkTargets (fn: string) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) =
    if targets.Length <> rows then
        invalidArg "targets" (sprintf "%s: %d targets given for %d rows" fn targets.Length rows)
    for t in targets do
        if t <> ignoreIndex && (t < 0L || t >= int64 cols) then
            raise (ArgumentOutOfRangeException("targets", sprintf "%s: target %d is out of bounds for %d classes" fn t cols))

let inline private ex32 (x: ReadOnlySpan<float32>) (mx: float32) (k: int) = Sleef.expf_u10 (x[k] - mx)
let inline private ex64 (x: ReadOnlySpan<float>) (mx: float) (k: int) = Math.Exp(x[k] - mx)

let private rowLogSumExpNonEmpty32 (x: ReadOnlySpan<float32>) : struct (float32 * float32) =
    let c = x.Length
    let mutable mx = x[0]
    for k in 1 .. c - 1 do
        let v = x[k]
        if v > mx || Single.IsNaN v then mx <- v
    let s =
        if c < 8 then
            let mutable s = ex32 x mx 0
            for k in 1 .. c - 1 do s <- s + ex32 x mx k
            s
        else
            let mutable l0 = ex32 x mx 0
            let mutable l1 = ex32 x mx 1
            let mutable l2 = ex32 x mx 2
            let mutable l3 = ex32 x mx 3
            let mutable l4 = ex32 x mx 4
            let mutable l5 = ex32 x mx 5
            let mutable l6 = ex32 x mx 6
            let mutable l7 = ex32 x mx 7
            let full = (c / 8) * 8
            let mutable b = 8
            while b < full do
                l0 <- l0 + ex32 x mx b; l1 <- l1 + ex32 x mx (b + 1); l2 <- l2 + ex32 x mx (b + 2); l3 <- l3 + ex32 x mx (b + 3)
                l4 <- l4 + ex32 x mx (b + 4); l5 <- l5 + ex32 x mx (b + 5); l6 <- l6 + ex32 x mx (b + 6); l7 <- l7 + ex32 x mx (b + 7)
                b <- b + 8
            let r = c - full
            if r > 0 then l0 <- l0 + ex32 x mx b
            if r > 1 then l1 <- l1 + ex32 x mx (b + 1)
            if r > 2 then l2 <- l2 + ex32 x mx (b + 2)
            if r > 3 then l3 <- l3 + ex32 x mx (b + 3)
            if r > 4 then l4 <- l4 + ex32 x mx (b + 4)
            if r > 5 then l5 <- l5 + ex32 x mx (b + 5)
            if r > 6 then l6 <- l6 + ex32 x mx (b + 6)
            // Lane tree (128-bit, 64-bit, 32-bit shuffles); only lane 0 is kept.
            ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))
    struct (mx, Sleef.logf_u10 s)

/// Max and log(sum(exp(x - max))) of one row, as ATen's _vec_log_softmax_lastdim computes them (AVX2, W = 8).
let rowLogSumExp32 (x: ReadOnlySpan<float32>) : struct (float32 * float32) =
    // An empty row has no max; both parts are -inf so that max + log-sum-exp is log(0) = -inf.
    if x.Length = 0 then struct (Single.NegativeInfinity, Single.NegativeInfinity) else rowLogSumExpNonEmpty32 x

let private rowLogSumExpNonEmpty64 (x: ReadOnlySpan<float>) : struct (float * float) =
    let c = x.Length
    let mutable mx = x[0]
    for k in 1 .. c - 1 do
        let v = x[k]
        if v > mx || Double.IsNaN v then mx <- v
    let s =
        if c < 4 then
            let mutable s = ex64 x mx 0
            for k in 1 .. c - 1 do s <- s + ex64 x mx k
            s
        else
            let mutable l0 = ex64 x mx 0
            let mutable l1 = ex64 x mx 1
            let mutable l2 = ex64 x mx 2
            let mutable l3 = ex64 x mx 3
            let full = (c / 4) * 4
            let mutable b = 4
            while b < full do
                l0 <- l0 + ex64 x mx b; l1 <- l1 + ex64 x mx (b + 1); l2 <- l2 + ex64 x mx (b + 2); l3 <- l3 + ex64 x mx (b + 3)
                b <- b + 4
            let r = c - full
            if r > 0 then l0 <- l0 + ex64 x mx b
            if r > 1 then l1 <- l1 + ex64 x mx (b + 1)
            if r > 2 then l2 <- l2 + ex64 x mx (b + 2)
            ((l0 + l1) + l2) + l3
    struct (mx, Math.Log s)

/// Max and log(sum(exp(x - max))) of one float64 row: 4-lane accumulation, lanes folded left to right, libm exp/log.
let rowLogSumExp64 (x: ReadOnlySpan<float>) : struct (float * float) =
    // An empty row has no max; both parts are -inf so that max + log-sum-exp is log(0) = -inf.
    if x.Length = 0 then struct (Double.NegativeInfinity, Double.NegativeInfinity) else rowLogSumExpNonEmpty64 x

/// log_softmax over the last dim of a row-major (rows, cols) float32 array into dst (same length).
let logSoftmaxRows32 (x: float32[]) (rows: int) (cols: int) (dst: float32[]) : unit =
    checkRows "LossKernels.logSoftmaxRows32" x.Length rows cols
    checkRows "LossKernels.logSoftmaxRows32 (dst)" dst.Length rows cols
    for r in 0 .. rows - 1 do
        let o = r * cols
        let struct (mx, ls) = rowLogSumExp32 (ReadOnlySpan(x, o, cols))
        for k in o .. o + cols - 1 do dst[k] <- (x[k] - mx) - ls

/// log_softmax over the last dim of a row-major (rows, cols) float64 array into dst (same length).
let logSoftmaxRows64 (x: float[]) (rows: int) (cols: int) (dst: float[]) : unit =
    checkRows "LossKernels.logSoftmaxRows64" x.Length rows cols
    checkRows "LossKernels.logSoftmaxRows64 (dst)" dst.Length rows cols
    for r in 0 .. rows - 1 do
        let o = r * cols
        let struct (mx, ls) = rowLogSumExp64 (ReadOnlySpan(x, o, cols))
        for k in o .. o + cols - 1 do dst[k] <- (x[k] - mx) - ls

let inline private ceilLog2 (x: int) = if x <= 2 then 1 else 32 - Numerics.BitOperations.LeadingZeroCount(uint32 (x - 1))

// ATen nll_loss_out_frame: 8 partial sums, level step 2^max(4, ceilLog2(N)/8), climbing decided by the batch index.
let inline private nllCascade (rows: int) (targets: int64[]) (ignoreIndex: int64) ([<InlineIfLambda>] pick: int -> int -> ^T) : struct (^T * int) =
    let zero = LanguagePrimitives.GenericZero< ^T>
    let lp = max 4 (ceilLog2 rows / 8)
    let mask = (1 <<< lp) - 1
    let mutable p0 = zero
    let mutable p1 = zero
    let mutable p2 = zero
    let mutable p3 = zero
    let mutable p4 = zero
    let mutable p5 = zero
    let mutable p6 = zero
    let mutable p7 = zero
    let mutable ignored = 0
    for b in 0 .. rows - 1 do
        let t = targets[b]
        if t = ignoreIndex then ignored <- ignored + 1
        else
            p0 <- p0 - pick b (int t)
            let inline stop j = (int64 b &&& (int64 mask <<< (j * lp))) <> 0L
            if not (stop 0) then
                p1 <- p1 + p0; p0 <- zero
                if not (stop 1) then
                    p2 <- p2 + p1; p1 <- zero
                    if not (stop 2) then
                        p3 <- p3 + p2; p2 <- zero
                        if not (stop 3) then
                            p4 <- p4 + p3; p3 <- zero
                            if not (stop 4) then
                                p5 <- p5 + p4; p4 <- zero
                                if not (stop 5) then
                                    p6 <- p6 + p5; p5 <- zero
                                    if not (stop 6) then
                                        p7 <- p7 + p6; p6 <- zero
    struct (((((((((zero + p0) + p1) + p2) + p3) + p4) + p5) + p6) + p7), rows - ignored)

/// NLL 'sum' over log-probabilities lp (rows, cols) and int64 targets, skipping ignoreIndex (ATen cascade order).
let nllSum32 (lp: float32[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float32 =
    checkRows "LossKernels.nllSum32" lp.Length rows cols
    checkTargets "LossKernels.nllSum32" rows cols targets ignoreIndex
    let struct (s, _) = nllCascade rows targets ignoreIndex (fun b t -> lp[b * cols + t])
    s

/// NLL 'mean': the cascade sum divided by f32(count of non-ignored targets) (NaN when all are ignored).
let nllMean32 (lp: float32[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float32 =
    checkRows "LossKernels.nllMean32" lp.Length rows cols
    checkTargets "LossKernels.nllMean32" rows cols targets ignoreIndex
    let struct (s, n) = nllCascade rows targets ignoreIndex (fun b t -> lp[b * cols + t])
    s / float32 n

/// Float64 twin of nllSum32.
let nllSum64 (lp: float[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float =
    checkRows "LossKernels.nllSum64" lp.Length rows cols
    checkTargets "LossKernels.nllSum64" rows cols targets ignoreIndex
    let struct (s, _) = nllCascade rows targets ignoreIndex (fun b t -> lp[b * cols + t])
    s

/// Float64 twin of nllMean32.
let nllMean64 (lp: float[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float =
    checkRows "LossKernels.nllMean64" lp.Length rows cols
    checkTargets "LossKernels.nllMean64" rows cols targets ignoreIndex
    let struct (s, n) = nllCascade rows targets ignoreIndex (fun b t -> lp[b * cols + t])
    s / float n

// The picked log-probability (x_t - mx) - ls computed per row, so cross-entropy needs no scratch matrix.
let private ce32 (fn: string) (logits: float32[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) =
    checkRows fn logits.Length rows cols
    checkTargets fn rows cols targets ignoreIndex
    nllCascade rows targets ignoreIndex (fun b t ->
        let o = b * cols
        let struct (mx, ls) = rowLogSumExp32 (ReadOnlySpan(logits, o, cols))
        (logits[o + t] - mx) - ls)

let private ce64 (fn: string) (logits: float[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) =
    checkRows fn logits.Length rows cols
    checkTargets fn rows cols targets ignoreIndex
    nllCascade rows targets ignoreIndex (fun b t ->
        let o = b * cols
        let struct (mx, ls) = rowLogSumExp64 (ReadOnlySpan(logits, o, cols))
        (logits[o + t] - mx) - ls)

/// CrossEntropyLoss 'mean' (no weights, no label smoothing) of float32 logits (rows, cols), allocation-free.
let crossEntropyMean32 (logits: float32[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float32 =
    let struct (s, n) = ce32 "LossKernels.crossEntropyMean32" logits rows cols targets ignoreIndex
    s / float32 n

/// CrossEntropyLoss 'sum' of float32 logits (rows, cols).
let crossEntropySum32 (logits: float32[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float32 =
    let struct (s, _) = ce32 "LossKernels.crossEntropySum32" logits rows cols targets ignoreIndex
    s

/// CrossEntropyLoss 'none' of float32 logits into dst (length rows); ignored rows give 0.
let crossEntropyNone32 (logits: float32[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) (dst: float32[]) : unit =
    checkRows "LossKernels.crossEntropyNone32" logits.Length rows cols
    checkTargets "LossKernels.crossEntropyNone32" rows cols targets ignoreIndex
    if dst.Length <> rows then invalidArg "dst" (sprintf "LossKernels.crossEntropyNone32: dst length %d must equal rows %d" dst.Length rows)
    for b in 0 .. rows - 1 do
        let t = targets[b]
        if t = ignoreIndex then dst[b] <- 0.0f
        else
            let o = b * cols
            let struct (mx, ls) = rowLogSumExp32 (ReadOnlySpan(logits, o, cols))
            dst[b] <- -((logits[o + int t] - mx) - ls)

/// CrossEntropyLoss 'mean' of float64 logits (libm exp/log: not guaranteed bit-exact, see module notes).
let crossEntropyMean64 (logits: float[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float =
    let struct (s, n) = ce64 "LossKernels.crossEntropyMean64" logits rows cols targets ignoreIndex
    s / float n

/// CrossEntropyLoss 'sum' of float64 logits.
let crossEntropySum64 (logits: float[]) (rows: int) (cols: int) (targets: int64[]) (ignoreIndex: int64) : float =
    let struct (s, _) = ce64 "LossKernels.crossEntropySum64" logits rows cols targets ignoreIndex
    s

let private checkPair (fn: string) (a: int) (b: int) =
    if a <> b then invalidArg "y" (sprintf "%s: input length %d and target length %d must be equal" fn a b)

// ATen materialises the squared differences and then runs torch.sum's cascade over them, so the 'sum'/'mean'
// forms need one scratch array of the input's length.
let private squaredDiffs32 (x: ReadOnlySpan<float32>) (y: ReadOnlySpan<float32>) (dst: Span<float32>) =
    // Lane by lane the same two roundings as the scalar loop (no fused multiply-add), eight at a time.
    let mutable i = 0
    if Vector256.IsHardwareAccelerated then
        let xv = MemoryMarshal.Cast<float32, Vector256<float32>> x
        let yv = MemoryMarshal.Cast<float32, Vector256<float32>> y
        let dv = MemoryMarshal.Cast<float32, Vector256<float32>> dst
        for v in 0 .. xv.Length - 1 do
            let d = Vector256.Subtract(xv[v], yv[v])
            dv[v] <- Vector256.Multiply(d, d)
        i <- xv.Length * Vector256<float32>.Count
    while i < x.Length do
        let d = x[i] - y[i]
        dst[i] <- d * d
        i <- i + 1

/// Per-thread scratch for the squared differences of a reduced MSE (a training step would otherwise allocate them).
[<AbstractClass; Sealed>]
type private MseScratch =
    [<ThreadStatic; DefaultValue>] static val mutable private buffer: float32[]
    static member Get(n: int) : Span<float32> =
        let mutable b = MseScratch.buffer
        if isNull b || b.Length < n then
            b <- Array.zeroCreate (max n 64)
            MseScratch.buffer <- b
        Span(b, 0, n)

/// MSELoss 'none': dst[i] = (x[i] - y[i])^2 in float32.
let mseNone32 (x: ReadOnlySpan<float32>) (y: ReadOnlySpan<float32>) (dst: Span<float32>) : unit =
    checkPair "LossKernels.mseNone32" x.Length y.Length
    checkPair "LossKernels.mseNone32 (dst)" x.Length dst.Length
    squaredDiffs32 x y dst

/// MSELoss 'sum' in float32 (cascade sum of the squared differences).
let mseSum32 (x: float32[]) (y: float32[]) : float32 =
    checkPair "LossKernels.mseSum32" x.Length y.Length
    let d = MseScratch.Get x.Length
    squaredDiffs32 (ReadOnlySpan x) (ReadOnlySpan y) d
    Reduce.sum32 (Span<float32>.op_Implicit d)

/// MSELoss 'mean' in float32: f32(cascade sum / f32 n).
let mseMean32 (x: float32[]) (y: float32[]) : float32 =
    checkPair "LossKernels.mseMean32" x.Length y.Length
    let d = MseScratch.Get x.Length
    squaredDiffs32 (ReadOnlySpan x) (ReadOnlySpan y) d
    Reduce.mean32 (Span<float32>.op_Implicit d)

/// MSELoss 'sum' in float64 (cascade sum, 4 lanes).
let mseSum64 (x: float[]) (y: float[]) : float =
    checkPair "LossKernels.mseSum64" x.Length y.Length
    let d = Array.init x.Length (fun i -> let v = x[i] - y[i] in v * v)
    Reduce.sum64 (ReadOnlySpan d)

/// MSELoss 'mean' in float64.
let mseMean64 (x: float[]) (y: float[]) : float =
    checkPair "LossKernels.mseMean64" x.Length y.Length
    let d = Array.init x.Length (fun i -> let v = x[i] - y[i] in v * v)
    Reduce.mean64 (ReadOnlySpan d)

/// MSELoss backward in float32 with the composite's roundings: dst[i] = ±(((x[i] - y[i]) * scale) * g[i or 0]),
/// where `g` holds one value (reduced loss) or one per element ('none').
let mseGrad32 (x: ReadOnlySpan<float32>) (y: ReadOnlySpan<float32>) (scale: float32) (g: ReadOnlySpan<float32>) (negate: bool) (dst: Span<float32>) : unit =
    checkPair "LossKernels.mseGrad32" x.Length y.Length
    checkPair "LossKernels.mseGrad32 (dst)" x.Length dst.Length
    if g.Length = 1 then
        let g0 = g[0]
        // Lane by lane the scalar loop's three roundings (no fused multiply-add), eight at a time.
        let mutable i = 0
        if Vector256.IsHardwareAccelerated then
            let xv = MemoryMarshal.Cast<float32, Vector256<float32>> x
            let yv = MemoryMarshal.Cast<float32, Vector256<float32>> y
            let dv = MemoryMarshal.Cast<float32, Vector256<float32>> dst
            let sv = Vector256.Create scale
            let gv = Vector256.Create g0
            for v in 0 .. xv.Length - 1 do
                let r = Vector256.Multiply(Vector256.Multiply(Vector256.Subtract(xv[v], yv[v]), sv), gv)
                dv[v] <- if negate then Vector256.Negate r else r
            i <- xv.Length * Vector256<float32>.Count
        if negate then
            while i < x.Length do
                dst[i] <- -(((x[i] - y[i]) * scale) * g0)
                i <- i + 1
        else
            while i < x.Length do
                dst[i] <- ((x[i] - y[i]) * scale) * g0
                i <- i + 1
    else
        checkPair "LossKernels.mseGrad32 (g)" x.Length g.Length
        if negate then for i in 0 .. x.Length - 1 do dst[i] <- -(((x[i] - y[i]) * scale) * g[i])
        else for i in 0 .. x.Length - 1 do dst[i] <- ((x[i] - y[i]) * scale) * g[i]
