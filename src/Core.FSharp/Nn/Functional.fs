namespace Fluxion.Nn

open System
open Fluxion
open Fluxion.Backend
open Fluxion.Ops
open Fluxion.Random

/// An error raised inside a network, carrying the dotted path of the module that failed (`linear2`).
type LayerException(path: string[], detail: string, inner: exn) =
    inherit ArgumentException((if Array.isEmpty path then detail else String.Join(".", path) + ": " + detail), (inner: exn))
    /// The path from the outermost container to the failing module (empty at the failing module itself).
    member _.Path = path
    /// The failing module's own message.
    member _.Detail = detail
    /// The same error one container further out.
    member _.Under(name: string) = LayerException(Array.append [| name |] path, detail, inner)

/// The op of Functional.linearRelu over (x, W, b): a class, not an object expression, so its memo is two fields
/// instead of two captured reference cells.
[<Sealed>]
type internal LinearReluOp(rows: int, outF: int) =
    inherit NaryOp("ReluBackward0")
    // relu's adjoint is shared by the three rules of one backward: made for the first, dropped after the bias's.
    let mutable lastG = Unchecked.defaultof<Tensor>
    let mutable lastGl = Unchecked.defaultof<Tensor>
    static let rowDim = [| 0 |]
    /// max(y, 0) written into y's fresh storage, as the relu kernel computes it (NaN passes, x <= 0 gives +0).
    static member private ReluInPlace(y: RawTensor) : RawTensor =
        match y with
        | :? RawFloat<float32> as f ->
            Fluxion.Kernels.BiasRelu.reluInPlace f.Data
            y
        | :? RawFloat<float> as f ->
            let d = f.Data
            for i in 0 .. d.Length - 1 do
                let v = d.[i]
                if not (v > 0.0) && not (Double.IsNaN v) then d.[i] <- 0.0
            y
        | _ -> y.Unary UnaryKind.Relu
    /// y + b for a fresh (rows, n) product y, in place on managed arrays (one rounding per element, as the add).
    static member private AddRow(y: RawTensor, b: RawTensor) : RawTensor =
        let inline addRows (y: 'T[]) (b: 'T[]) =
            let n = b.Length
            let mutable o = 0
            while o < y.Length do
                for j in 0 .. n - 1 do y.[o + j] <- y.[o + j] + b.[j]
                o <- o + n
        match y, b with
        | (:? RawFloat<float32> as yf), (:? RawFloat<float32> as bf) -> Fluxion.Kernels.BiasRelu.addRows yf.Data bf.Data; y
        | (:? RawFloat<float> as yf), (:? RawFloat<float> as bf) -> addRows yf.Data bf.Data; y
        | _ -> y.Binary(BinaryKind.Add, b)
    override _.Forward rs =
        let y = rs.[0].MatMul(rs.[1], false, true)
        match y, rs.[2] with
        // One pass: each element is added to its bias, rounded, then kept or zeroed, as add then relu do.
        | (:? RawFloat<float32> as yf), (:? RawFloat<float32> as bf) when yf.Data.Length = rows * outF && bf.Data.Length = outF && outF > 0 ->
            let yd = yf.Data
            let bd = bf.Data
            Fluxion.Kernels.BiasRelu.addRowsRelu yd bd
            match rs.[0], rs.[1] with
            | (:? RawFloat<float32> as xf), (:? RawFloat<float32> as wf) when CaptureState.CanOffer rs ->
                // Inside Tensor.Capture: the same product and bias + relu pass, into y's storage on every replay.
                CaptureState.Offer(yd, ArrayStep<float32>(yd, (fun () -> xf.LinearValues(wf, bd, true)), "linear-relu"))
            | _ -> ()
            y
        | _ -> LinearReluOp.ReluInPlace(LinearReluOp.AddRow(y, rs.[2]))
    override _.Jvp(xs, i, d, y) =
        let dl =
            match i with
            | 0 -> Tensor.MM(d, xs.[1], false, true)
            | 1 -> Tensor.MM(xs.[0], d, false, true)
            | _ -> d.Expand [| rows; outF |]
        Elementwise.passPositive y dl
    override _.Vjp(xs, i, y, g) =
        let gl =
            if obj.ReferenceEquals(g, lastG) then lastGl
            else
                let gl = Elementwise.passPositive y g
                lastG <- g
                lastGl <- gl
                gl
        let other = match i with 0 -> xs.[1] | 1 -> xs.[0] | _ -> gl
        match gl, other with
        | TC rg, TC ro ->
            match i with
            | 0 -> TC(rg.MatMul(ro, false, false))
            | 1 -> TC(rg.MatMul(ro, true, false))
            | _ ->
                let r = TC(rg.SumDims(rowDim, false))
                // The bias's rule runs last: relu's adjoint is used up (a backward sweep reuses its array).
                lastG <- Unchecked.defaultof<Tensor>
                lastGl <- Unchecked.defaultof<Tensor>
                SweepBuffers.Released rg.StorageKey
                r
        | _ ->
            match i with
            | 0 -> Tensor.MM(gl, xs.[1], false, false)
            | 1 -> Tensor.MM(gl, xs.[0], true, false)
            | _ -> gl.Sum([| 0 |], false)

/// The functions behind the layers (PyTorch's `torch.nn.functional`), differentiable in every mode.
module Functional =
    let private shp (s: int[]) = "(" + String.Join(", ", s) + ")"

    /// Adds row vector b to every row of the row-major matrix in y, in place.
    let inline private addRows (y: 'T[]) (b: 'T[]) =
        let n = b.Length
        let mutable o = 0
        while o < y.Length do
            for j in 0 .. n - 1 do y.[o + j] <- y.[o + j] + b.[j]
            o <- o + n

    /// The product of all sizes but the last (no slice copy; not a captured mutable, which would be a ref cell).
    let private leadingRows (xs: int[]) =
        let mutable rows = 1
        for i in 0 .. xs.Length - 2 do rows <- rows * xs.[i]
        rows

    /// x @ Wᵀ (+ b) as one op whose grad_fn is PyTorch's: AddmmBackward0 (2-D input with bias),
    /// MmBackward0 (2-D, no bias), AddBackward0 / SqueezeBackward3 (1-D), ViewBackward0 / UnsafeViewBackward0 (N-D).
    let rec linear (weight: Tensor) (bias: Tensor option) (x: Tensor) : Tensor =
        let ws = weight.Shape
        if ws.Length <> 2 then raise (ShapeException(sprintf "linear: weight must be 2-D (out, in), got %s" (shp ws)))
        let outF, inF = ws.[0], ws.[1]
        let xs = x.Shape
        if xs.Length = 0 || xs.[xs.Length - 1] <> inF then
            raise (ShapeException(sprintf "linear: input (*, %d) expected, got %s" inF (shp xs)))
        if x.Dtype <> weight.Dtype then
            invalidArg "x" (sprintf "linear: input dtype %s differs from weight dtype %s" (Dtype.name x.Dtype) (Dtype.name weight.Dtype))
        match bias with
        | Some b when b.Shape.Length <> 1 || b.Shape.[0] <> outF ->
            raise (ShapeException(sprintf "linear: bias must have shape (%d), got %s" outF (shp b.Shape)))
        | _ -> ()
        // From the leading sizes, not numel / inF: in_features may be 0 (nn.Linear(0, n) gives bias rows).
        let rows = leadingRows xs
        let is2d = xs.Length = 2
        // The product makes its own (rows, out) shape; only an N-D input needs the output shape kept.
        let outShape = if is2d then null else Array.append xs.[.. xs.Length - 2] [| outF |]
        let hasBias = bias.IsSome
        let name =
            match xs.Length, hasBias with
            | 1, true -> "AddBackward0"
            | 1, false -> "SqueezeBackward3"
            | 2, true -> "AddmmBackward0"
            | 2, false -> "MmBackward0"
            | _, true -> "ViewBackward0"
            | _, false -> "UnsafeViewBackward0"
        let inputs = match bias with Some b -> [| x; weight; b |] | None -> [| x; weight |]
        Tensor.ApplyNary({ new NaryOp(name) with
            member _.Forward rs =
                let x2 = if is2d then rs.[0] else rs.[0].Reshape([| rows; inF |])
                let y = x2.MatMul(rs.[1], false, true)
                let y = if hasBias then addRowInPlace y rs.[2] else y
                if hasBias && is2d then
                    match rs.[0], rs.[1], rs.[2], y with
                    | (:? RawFloat<float32> as xf), (:? RawFloat<float32> as wf), (:? RawFloat<float32> as bf), (:? RawFloat<float32> as yf)
                        when CaptureState.CanOffer rs && bf.Numel > 0 ->
                        // Inside Tensor.Capture: the same product and bias pass, into y's storage on every replay.
                        let yd = yf.Data
                        let bd = bf.Data
                        CaptureState.Offer(yd, ArrayStep<float32>(yd, (fun () -> xf.LinearValues(wf, bd, false)), "linear"))
                    | _ -> ()
                if is2d then y else y.Reshape outShape
            member _.Jvp(xs, i, d, _) =
                match i with
                | 0 -> linear xs.[1] None d
                | 1 -> linear d None xs.[0]
                | _ -> d
            member _.Vjp(xs, i, _, g) =
                let other = match i with 0 -> xs.[1] | 1 -> xs.[0] | _ -> g
                match g, other with
                | TC rg, TC ro when is2d ->
                    // The first-order backward of a 2-D input: the same kernels as the composite below, called
                    // directly on the constants (no op objects, no dimension lists).
                    match i with
                    | 0 -> TC(rg.MatMul(ro, false, false))
                    | 1 -> TC(rg.MatMul(ro, true, false))
                    | _ -> TC(rg.SumDims(rowDim, false))
                | _ ->
                let g2 = if is2d then g else g.Reshape [| rows; outF |]
                match i with
                | 0 -> let r = Tensor.MM(g2, xs.[1], false, false) in if is2d then r else r.Reshape(xs.[0].Shape)
                | 1 -> Tensor.MM(g2, (if is2d then xs.[0] else xs.[0].Reshape [| rows; inF |]), true, false)
                | _ -> g2.Sum([| 0 |], false) }, inputs)

    /// The dimension list of a bias gradient (the sum over rows), shared by every call.
    and private rowDim : int[] = [| 0 |]

    /// y + b for a fresh (rows, n) product y and a bias (n): added into y's storage when both are managed
    /// arrays of one type (each element rounds once, as the broadcast add does).
    and [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>] private addRowInPlace (y: RawTensor) (b: RawTensor) : RawTensor =
        match y, b with
        | (:? RawFloat<float32> as yf), (:? RawFloat<float32> as bf) when bf.Data.Length > 0 -> Fluxion.Kernels.BiasRelu.addRows yf.Data bf.Data; y
        | (:? RawFloat<float32> as yf), (:? RawFloat<float32> as bf) -> addRows yf.Data bf.Data; y
        | (:? RawFloat<float> as yf), (:? RawFloat<float> as bf) -> addRows yf.Data bf.Data; y
        | _ -> y.Binary(BinaryKind.Add, b)

    /// relu(x Wᵀ + b) for a 2-D x as one recorded op with the grad_fn PyTorch's output has (ReluBackward0): the
    /// kernels of `linear` then `relu`, the activation applied in place to the fresh product, so the
    /// pre-activation is never stored; the backward is relu's mask, then linear's rules. Sequential runs a Linear
    /// followed by a ReLU through it when nothing can observe the pre-activation (first-order imperative use only).
    let internal linearRelu (weight: Tensor) (bias: Tensor) (x: Tensor) : Tensor =
        Tensor.ApplyNary(LinearReluOp(x.Shape.[0], weight.Shape.[0]), [| x; weight; bias |])

    /// Dropout: in training zeroes each element with probability p (one float64 uniform draw per element,
    /// PyTorch's `bernoulli_(1 - p)`) and scales the rest by 1 / (1 - p); identity otherwise.
    let dropout (g: Generator) (p: float) (training: bool) (x: Tensor) : Tensor =
        if not (p >= 0.0 && p <= 1.0) then invalidArg "p" (sprintf "dropout: probability has to be between 0 and 1, but got %g" p)
        if not training || p = 0.0 then x
        elif p = 1.0 then x * x.ZerosLike()
        else
            let keep = 1.0 - p
            // One locked draw of all uniforms: a mask is never interleaved with another thread's draws.
            let noise = Sampling.rand64 g x.Numel
            let scale = if x.Dtype = Dtype.Float32 then float (1.0f / float32 keep) else 1.0 / keep
            for i in 0 .. noise.Length - 1 do
                noise.[i] <- if noise.[i] < keep then scale else 0.0
            x * Creation.ofDoubles x.Shape x.Dtype noise

    /// PyTorch's adaptive pooling window of output cell i: [floor(i·L/O), ceil((i+1)·L/O)).
    let adaptiveWindow (inSize: int) (outSize: int) (i: int) : struct (int * int) =
        let start = int ((int64 i * int64 inSize) / int64 outSize)
        let stop = int ((int64 (i + 1) * int64 inSize + int64 outSize - 1L) / int64 outSize)
        struct (start, stop)

    /// Rounds to the tensor's precision: float32 ops done in double and rounded after each step give float32's
    /// bits (double has more than twice float32's precision, so the double rounding is harmless).
    let inline private roundTo (isF32: bool) (v: float) = if isF32 then float (float32 v) else v

    /// The window sums over rows of length `inSize`, each divided by its width (PyTorch's `sum / kw`).
    let private adaptivePoolRaw (outSize: int) (r: RawTensor) : RawTensor =
        let s = r.Shape
        let inSize = s.[s.Length - 1]
        let rows = if inSize = 0 then 0 else r.Numel / inSize
        let isF32 = r.Dtype = Dtype.Float32
        let x = r.ToDoubleArray()
        let y = Array.zeroCreate<float> (rows * outSize)
        for row in 0 .. rows - 1 do
            for o in 0 .. outSize - 1 do
                let struct (a, b) = adaptiveWindow inSize outSize o
                let mutable sum = 0.0
                for i in a .. b - 1 do sum <- roundTo isF32 (sum + x.[row * inSize + i])
                y.[row * outSize + o] <- roundTo isF32 (sum / float (b - a))
        let shape = Array.append s.[.. s.Length - 2] [| outSize |]
        if isF32 then r.Backend.OfFloat32(Array.map float32 y, shape) else r.Backend.OfFloat64(y, shape)

    /// The adjoint: each output gradient divided by its window width, added to the window's inputs in output order.
    let private adaptiveUnpoolRaw (inSize: int) (r: RawTensor) : RawTensor =
        let s = r.Shape
        let outSize = s.[s.Length - 1]
        let rows = if outSize = 0 then 0 else r.Numel / outSize
        let isF32 = r.Dtype = Dtype.Float32
        let g = r.ToDoubleArray()
        let x = Array.zeroCreate<float> (rows * inSize)
        for row in 0 .. rows - 1 do
            for o in 0 .. outSize - 1 do
                let struct (a, b) = adaptiveWindow inSize outSize o
                let share = roundTo isF32 (g.[row * outSize + o] / float (b - a))
                for i in a .. b - 1 do x.[row * inSize + i] <- roundTo isF32 (x.[row * inSize + i] + share)
        let shape = Array.append s.[.. s.Length - 2] [| inSize |]
        if isF32 then r.Backend.OfFloat32(Array.map float32 x, shape) else r.Backend.OfFloat64(x, shape)

    /// Adaptive average pooling of the last dimension to `outSize` cells (PyTorch 1.13's CPU bits); it and its
    /// adjoint are linear, so each is the other's derivative to every order.
    let rec adaptiveAvgPool1d (outSize: int) (x: Tensor) : Tensor =
        let inSize = x.Shape.[x.Dim - 1]
        Tensor.ApplyUnary({ new UnaryOp("AdaptiveAvgPool2DBackward0") with
            member _.Forward r = adaptivePoolRaw outSize r
            member _.Jvp(_, dx, _) = adaptiveAvgPool1d outSize dx
            member _.Vjp(_, _, gy) = adaptiveAvgPool1dAdjoint inSize gy }, x)

    /// The adjoint of adaptiveAvgPool1d: spreads (…, O) gradients back over (…, inSize).
    and adaptiveAvgPool1dAdjoint (inSize: int) (g: Tensor) : Tensor =
        let outSize = g.Shape.[g.Dim - 1]
        Tensor.ApplyUnary({ new UnaryOp("AdaptiveAvgPool2DBackwardBackward0") with
            member _.Forward r = adaptiveUnpoolRaw inSize r
            member _.Jvp(_, dg, _) = adaptiveAvgPool1dAdjoint inSize dg
            member _.Vjp(_, _, gy) = adaptiveAvgPool1d outSize gy }, g)

    /// PyTorch 1.13's CPU batch-norm arithmetic (one intra-op thread), operation for operation: (N, C) and
    /// (N, C, 1) inputs take the channels-last path (per-channel sums in the input's precision, the squared
    /// deviations accumulated with fused multiply-adds), longer signals the contiguous path (double sums);
    /// the output is fma(x, α, β) with α = invstd·γ and β = β₀ − mean·α fused, as the AVX2 build contracts them.
    module private BatchNormKernel =
        /// Per-channel (mean, sum of squared deviations) of a contiguous (N, C, L) float32 array.
        let stats32 (x: float32[]) (n: int) (c: int) (l: int) =
            let mean = Array.zeroCreate<float32> c
            let vs = Array.zeroCreate<float32> c
            if l = 1 then
                let sum = Array.zeroCreate<float32> c
                for i in 0 .. n - 1 do
                    for ch in 0 .. c - 1 do sum.[ch] <- sum.[ch] + x.[i * c + ch]
                for ch in 0 .. c - 1 do mean.[ch] <- sum.[ch] / float32 n
                for i in 0 .. n - 1 do
                    for ch in 0 .. c - 1 do
                        let d = x.[i * c + ch] - mean.[ch]
                        vs.[ch] <- MathF.FusedMultiplyAdd(d, d, vs.[ch])
            else
                for ch in 0 .. c - 1 do
                    let mutable s = 0.0
                    for i in 0 .. n - 1 do
                        let o = (i * c + ch) * l
                        for j in 0 .. l - 1 do s <- s + float x.[o + j]
                    let m = float32 (s / float (n * l))
                    mean.[ch] <- m
                    let mutable v = 0.0
                    for i in 0 .. n - 1 do
                        let o = (i * c + ch) * l
                        for j in 0 .. l - 1 do
                            let d = x.[o + j] - m
                            v <- v + float (d * d)
                    vs.[ch] <- float32 v
            mean, vs

        /// The float64 statistics (PyTorch accumulates doubles in double on both paths).
        let stats64 (x: float[]) (n: int) (c: int) (l: int) =
            let mean = Array.zeroCreate<float> c
            let vs = Array.zeroCreate<float> c
            if l = 1 then
                let sum = Array.zeroCreate<float> c
                for i in 0 .. n - 1 do
                    for ch in 0 .. c - 1 do sum.[ch] <- sum.[ch] + x.[i * c + ch]
                for ch in 0 .. c - 1 do mean.[ch] <- sum.[ch] / float n
                for i in 0 .. n - 1 do
                    for ch in 0 .. c - 1 do
                        let d = x.[i * c + ch] - mean.[ch]
                        vs.[ch] <- Math.FusedMultiplyAdd(d, d, vs.[ch])
            else
                for ch in 0 .. c - 1 do
                    let mutable s = 0.0
                    for i in 0 .. n - 1 do
                        let o = (i * c + ch) * l
                        for j in 0 .. l - 1 do s <- s + x.[o + j]
                    let m = s / float (n * l)
                    mean.[ch] <- m
                    let mutable v = 0.0
                    for i in 0 .. n - 1 do
                        let o = (i * c + ch) * l
                        for j in 0 .. l - 1 do
                            let d = x.[o + j] - m
                            // The product and the double sum contract into one fma here (float32 rounds the product first).
                            v <- Math.FusedMultiplyAdd(d, d, v)
                    vs.[ch] <- v
            mean, vs

        /// y = fma(x, α, β) per channel over a contiguous (N, C, L) array.
        let transform32 (x: float32[]) (n: int) (c: int) (l: int) (alpha: float32[]) (beta: float32[]) =
            let y = Array.zeroCreate<float32> x.Length
            for i in 0 .. n - 1 do
                for ch in 0 .. c - 1 do
                    let o = (i * c + ch) * l
                    for j in 0 .. l - 1 do y.[o + j] <- MathF.FusedMultiplyAdd(x.[o + j], alpha.[ch], beta.[ch])
            y

        let transform64 (x: float[]) (n: int) (c: int) (l: int) (alpha: float[]) (beta: float[]) =
            let y = Array.zeroCreate<float> x.Length
            for i in 0 .. n - 1 do
                for ch in 0 .. c - 1 do
                    let o = (i * c + ch) * l
                    for j in 0 .. l - 1 do y.[o + j] <- Math.FusedMultiplyAdd(x.[o + j], alpha.[ch], beta.[ch])
            y

        /// ATen's vec::reduce_all / map2_reduce_all over one float32 row of length l: below 8 elements the
        /// (possibly mapped) values are summed in order; otherwise 8 lanes accumulate (the first block plain,
        /// later blocks and the tail with `step`), then the lanes combine as a tree (i with i+4, i+2, i+1).
        let private laneReduce32 (l: int) (first: int -> float32) (step: float32 -> int -> float32) =
            if l < 8 then
                let mutable s = first 0
                for j in 1 .. l - 1 do s <- s + first j
                s
            else
                let acc = Array.init 8 first
                let mutable d = 8
                while d < l do
                    for j in 0 .. min 7 (l - d - 1) do acc.[j] <- step acc.[j] (d + j)
                    d <- d + 8
                ((acc.[0] + acc.[4]) + (acc.[2] + acc.[6])) + ((acc.[1] + acc.[5]) + (acc.[3] + acc.[7]))

        /// PyTorch 1.13's float32 batch_norm_cpu_backward (one intra-op thread, contiguous gradient): (dx, dγ, dβ).
        /// `mean`/`invstd` are the saved batch statistics in training, the running mean and 1/√(var+eps) (in
        /// double) otherwise. (N, C) and (N, C, 1) take the channels-last kernel: per-channel float sums over the
        /// rows, the dot product Σ(x−mean)·dy accumulated with fused multiply-adds. Longer signals take the
        /// contiguous kernel: per (sample, channel) row a lane reduction, summed over samples in double.
        let backward32 (x: float32[]) (dy: float32[]) (n: int) (c: int) (l: int) (mean: float32[]) (invstd: float32[])
                       (w: float32[] option) (train: bool) =
            let count = n * l
            let sum = Array.zeroCreate<float32> c
            let dotp = Array.zeroCreate<float32> c
            let dw = Array.zeroCreate<float32> c
            let gradMean = Array.zeroCreate<float32> c
            if l = 1 then
                for i in 0 .. n - 1 do
                    for ch in 0 .. c - 1 do
                        let g = dy.[i * c + ch]
                        sum.[ch] <- sum.[ch] + g
                        dotp.[ch] <- MathF.FusedMultiplyAdd(x.[i * c + ch] - mean.[ch], g, dotp.[ch])
                for ch in 0 .. c - 1 do
                    dw.[ch] <- dotp.[ch] * invstd.[ch]
                    gradMean.[ch] <- sum.[ch] / float32 count
            else
                for ch in 0 .. c - 1 do
                    let m = mean.[ch]
                    let mutable s = 0.0
                    let mutable dp = 0.0
                    for i in 0 .. n - 1 do
                        let o = (i * c + ch) * l
                        s <- s + float (laneReduce32 l (fun j -> dy.[o + j]) (fun a j -> a + dy.[o + j]))
                        dp <- dp + float (laneReduce32 l (fun j -> (x.[o + j] - m) * dy.[o + j])
                                                          (fun a j -> MathF.FusedMultiplyAdd(x.[o + j] - m, dy.[o + j], a)))
                    sum.[ch] <- float32 s
                    dotp.[ch] <- float32 dp
                    // The contiguous kernel divides the double sum (the channels-last one divides the float sum).
                    gradMean.[ch] <- float32 (s / float count)
                    dw.[ch] <- float32 (dp * float invstd.[ch])
            let dx = Array.zeroCreate<float32> x.Length
            let wOf ch = match w with Some w -> w.[ch] | None -> 1.0f
            let nf = float32 count
            for i in 0 .. n - 1 do
                for ch in 0 .. c - 1 do
                    let o = (i * c + ch) * l
                    let inv = invstd.[ch]
                    let wc = wOf ch
                    if train then
                        let k = dotp.[ch] * inv * inv / nf
                        let gm = gradMean.[ch]
                        let m = mean.[ch]
                        for j in 0 .. l - 1 do
                            // (dy − grad_mean) − (x − mean)·k contracts into one fused multiply-add.
                            dx.[o + j] <- MathF.FusedMultiplyAdd(-(x.[o + j] - m), k, dy.[o + j] - gm) * inv * wc
                    else
                        for j in 0 .. l - 1 do dx.[o + j] <- dy.[o + j] * inv * wc
            dx, dw, sum

        /// ATen's reduce_all over one float64 row: 4 lanes (the first block plain, later ones with `step`),
        /// combined in lane order; rows shorter than 4 are summed in order.
        let private laneReduce64 (l: int) (first: int -> float) (step: float -> int -> float) =
            if l < 4 then
                let mutable s = first 0
                for j in 1 .. l - 1 do s <- s + first j
                s
            else
                let acc = Array.init 4 first
                let mutable d = 4
                while d < l do
                    for j in 0 .. min 3 (l - d - 1) do acc.[j] <- step acc.[j] (d + j)
                    d <- d + 4
                ((acc.[0] + acc.[1]) + acc.[2]) + acc.[3]

        /// The float64 batch_norm_cpu_backward, as `backward32` with 4-lane vectors: the channels-last kernel's
        /// grad_input contracts into a fused multiply-add for whole vectors of channels, not for the tail.
        let backward64 (x: float[]) (dy: float[]) (n: int) (c: int) (l: int) (mean: float[]) (invstd: float[])
                       (w: float[] option) (train: bool) =
            let count = n * l
            let sum = Array.zeroCreate<float> c
            let dotp = Array.zeroCreate<float> c
            if l = 1 then
                for i in 0 .. n - 1 do
                    for ch in 0 .. c - 1 do
                        let g = dy.[i * c + ch]
                        sum.[ch] <- sum.[ch] + g
                        dotp.[ch] <- Math.FusedMultiplyAdd(x.[i * c + ch] - mean.[ch], g, dotp.[ch])
            else
                for ch in 0 .. c - 1 do
                    let m = mean.[ch]
                    for i in 0 .. n - 1 do
                        let o = (i * c + ch) * l
                        sum.[ch] <- sum.[ch] + laneReduce64 l (fun j -> dy.[o + j]) (fun a j -> a + dy.[o + j])
                        dotp.[ch] <- dotp.[ch] + laneReduce64 l (fun j -> (x.[o + j] - m) * dy.[o + j])
                                                              (fun a j -> Math.FusedMultiplyAdd(x.[o + j] - m, dy.[o + j], a))
            let dw = Array.init c (fun ch -> dotp.[ch] * invstd.[ch])
            let dx = Array.zeroCreate<float> x.Length
            let fullVectors = if l = 1 then c - c % 4 else c
            let nf = float count
            for i in 0 .. n - 1 do
                for ch in 0 .. c - 1 do
                    let o = (i * c + ch) * l
                    let inv = invstd.[ch]
                    let wc = match w with Some w -> w.[ch] | None -> 1.0
                    if train then
                        let k = dotp.[ch] * inv * inv / nf
                        let gm = sum.[ch] / nf
                        let m = mean.[ch]
                        for j in 0 .. l - 1 do
                            let d = x.[o + j] - m
                            let u = if ch < fullVectors then Math.FusedMultiplyAdd(-d, k, dy.[o + j] - gm) else (dy.[o + j] - gm) - d * k
                            dx.[o + j] <- u * inv * wc
                    else
                        for j in 0 .. l - 1 do dx.[o + j] <- dy.[o + j] * inv * wc
            dx, dw, sum

    /// Batch normalisation over (N, C) or (N, C, L): batch statistics in training (and the new running
    /// mean/variance, updated with momentum and the unbiased variance), running statistics otherwise. Float32
    /// and float64 values are PyTorch 1.13's CPU bits (one intra-op thread); a first-order backward runs PyTorch's
    /// kernel (its bits for a contiguous gradient), higher orders the closed-form derivatives.
    let batchNorm (weight: Tensor option) (bias: Tensor option) (runningMean: Tensor option) (runningVar: Tensor option)
                  (training: bool) (momentum: float) (eps: float) (x: Tensor) : Tensor * (Tensor * Tensor) option =
        let xs = x.Shape
        if xs.Length <> 2 && xs.Length <> 3 then
            raise (ShapeException(sprintf "expected 2D or 3D input (got %dD input)" xs.Length, "x"))
        let c = xs.[1]
        match runningMean with
        | Some rm when rm.Numel <> c -> raise (ShapeException(sprintf "running_mean should contain %d elements not %d" c rm.Numel, "x"))
        | _ -> ()
        let bshape = if xs.Length = 2 then [| 1; c |] else [| 1; c; 1 |]
        let dims = if xs.Length = 2 then [| 0 |] else [| 0; 2 |]
        let nb = xs.[0]
        let l = if xs.Length = 2 then 1 else xs.[2]
        let count = nb * l
        let useBatch = training || runningMean.IsNone
        if training && count = 1 then
            raise (ShapeException(sprintf "Expected more than 1 value per channel when training, got input size torch.Size([%s])"
                                      (String.Join(", ", xs)), "x"))
        let affine (y: Tensor) =
            let y = match weight with Some w -> y * w.Reshape bshape | None -> y
            match bias with Some b -> y + b.Reshape bshape | None -> y
        if x.Numel = 0 then
            // PyTorch: an empty batch gives the (empty) affine output and leaves the running statistics as they were.
            affine x, (match runningMean, runningVar with Some rm, Some rv when useBatch -> Some(rm, rv) | _ -> None)
        else
        let isF32 = x.Dtype = Dtype.Float32
        if not isF32 && x.Dtype <> Dtype.Float64 then
            invalidArg "x" (sprintf "batch_norm: input must be float32 or float64, got %s" (Dtype.name x.Dtype))
        // The statistics PyTorch saves for its backward: batch mean and invstd, or the running ones.
        let xd = x.Detach()
        let meanD, varSumD =
            if useBatch then
                if isF32 then
                    let m, v = BatchNormKernel.stats32 (xd.ToFloat32Array()) nb c l
                    Array.map float m, Array.map float v
                else BatchNormKernel.stats64 (xd.ToDoubleArray()) nb c l
            else runningMean.Value.Detach().ToDoubleArray(), [||]
        let invstdD =
            if useBatch then
                if isF32 then
                    varSumD |> Array.map (fun vs ->
                        let var = float32 vs / float32 count
                        if var = 0.0f && eps = 0.0 then 0.0 else float (float32 (1.0 / Math.Sqrt(float var + eps))))
                else varSumD |> Array.map (fun vs -> let var = vs / float count in if var = 0.0 && eps = 0.0 then 0.0 else 1.0 / Math.Sqrt(var + eps))
            else
                let rv = runningVar.Value.Detach().ToDoubleArray()
                if isF32 then rv |> Array.map (fun v -> float (1.0f / MathF.Sqrt(float32 v + float32 eps)))
                else rv |> Array.map (fun v -> 1.0 / Math.Sqrt(v + eps))
        let wD = weight |> Option.map (fun w -> w.Detach().ToDoubleArray())
        let bD = bias |> Option.map (fun b -> b.Detach().ToDoubleArray())
        let inputs = Array.concat [ [| x |]; Option.toArray weight; Option.toArray bias ]
        let wIndex = if weight.IsSome then 1 else -1
        let stat (values: float[]) = Creation.ofDoubles bshape x.Dtype values
        // Differentiable views of the statistics for the closed-form derivatives (second order included).
        let xhatOf (x: Tensor) =
            if useBatch then
                let mean = Reductions.meanDims dims true x
                let d = x - mean
                d / Elementwise.sqrt (Reductions.meanDims dims true (d * d) + eps)
            else (x - stat meanD) * stat invstdD
        let invstdOf (x: Tensor) =
            if useBatch then
                let d = x - Reductions.meanDims dims true x
                1.0 / Elementwise.sqrt (Reductions.meanDims dims true (d * d) + eps)
            else stat invstdD
        let channelSum (t: Tensor) = t.Sum(dims, false)
        let wOf (xs: Tensor[]) = if wIndex >= 0 then Some(xs.[wIndex].Reshape bshape) else None
        // The statistics PyTorch's backward kernel reads: in evaluation it recomputes 1/√(var+eps) in double.
        let mean32 = Array.map float32 meanD
        let backInvstd32 =
            if useBatch then Array.map float32 invstdD
            else runningVar.Value.Detach().ToDoubleArray() |> Array.map (fun v -> float32 (1.0 / Math.Sqrt(v + eps)))
        let backInvstd64 =
            if useBatch then invstdD
            else runningVar.Value.Detach().ToDoubleArray() |> Array.map (fun v -> 1.0 / Math.Sqrt(v + eps))
        let exactCache : (Tensor * (float32[] * float32[] * float32[])) option ref = ref None
        let exactCache64 : (Tensor * (float[] * float[] * float[])) option ref = ref None
        let y =
            Tensor.ApplyNary({ new NaryOp("NativeBatchNormBackward0") with
                member _.Forward _ =
                    let alphaOf (inv: float) (ch: int) = match wD with Some w -> inv * w.[ch] | None -> inv
                    if isF32 then
                        let alpha = Array.init c (fun ch -> match wD with Some w -> float32 invstdD.[ch] * float32 w.[ch] | None -> float32 invstdD.[ch])
                        let beta = Array.init c (fun ch -> MathF.FusedMultiplyAdd(-(float32 meanD.[ch]), alpha.[ch], (match bD with Some b -> float32 b.[ch] | None -> 0.0f)))
                        x.Raw.Backend.OfFloat32(BatchNormKernel.transform32 (xd.ToFloat32Array()) nb c l alpha beta, xs)
                    else
                        let alpha = Array.init c (fun ch -> alphaOf invstdD.[ch] ch)
                        let beta = Array.init c (fun ch -> Math.FusedMultiplyAdd(-meanD.[ch], alpha.[ch], (match bD with Some b -> b.[ch] | None -> 0.0)))
                        x.Raw.Backend.OfFloat64(BatchNormKernel.transform64 (xd.ToDoubleArray()) nb c l alpha beta, xs)
                member _.Jvp(ins, i, d, _) =
                    let x = ins.[0]
                    if i = 0 then
                        let inv = invstdOf x
                        let dn =
                            if useBatch then
                                let xhat = xhatOf x
                                (d - Reductions.meanDims dims true d - xhat * Reductions.meanDims dims true (d * xhat)) * inv
                            else d * inv
                        match wOf ins with Some w -> dn * w | None -> dn
                    elif i = wIndex then xhatOf x * d.Reshape bshape
                    else x.ZerosLike() + d.Reshape bshape
                member _.Vjp(ins, i, _, g) =
                    let x = ins.[0]
                    if not isF32 && g.Nest < 0 && ins |> Array.forall (fun t -> t.Nest < 0) then
                        let dx, dw, db =
                            match exactCache64.Value with
                            | Some(g0, r) when obj.ReferenceEquals(g0, g) -> r
                            | _ ->
                                let w64 = wOf ins |> Option.map (fun w -> w.ToDoubleArray())
                                let r = BatchNormKernel.backward64 (x.ToDoubleArray()) (g.ToDoubleArray()) nb c l
                                            meanD backInvstd64 w64 useBatch
                                exactCache64.Value <- Some(g, r)
                                r
                        if i = 0 then Tensor.OfRaw(x.Raw.Backend.OfFloat64(dx, xs))
                        elif i = wIndex then Tensor.OfRaw(x.Raw.Backend.OfFloat64(dw, [| c |]))
                        else Tensor.OfRaw(x.Raw.Backend.OfFloat64(db, [| c |]))
                    elif isF32 && g.Nest < 0 && ins |> Array.forall (fun t -> t.Nest < 0) then
                        // A first-order backward: PyTorch's kernel, run once for dx, dγ and dβ of the same gradient.
                        let dx, dw, db =
                            match exactCache.Value with
                            | Some(g0, r) when obj.ReferenceEquals(g0, g) -> r
                            | _ ->
                                let w32 = wOf ins |> Option.map (fun w -> w.ToFloat32Array())
                                let r = BatchNormKernel.backward32 (x.ToFloat32Array()) (g.ToFloat32Array()) nb c l
                                            mean32 backInvstd32 w32 useBatch
                                exactCache.Value <- Some(g, r)
                                r
                        if i = 0 then Tensor.OfRaw(x.Raw.Backend.OfFloat32(dx, xs))
                        elif i = wIndex then Tensor.OfRaw(x.Raw.Backend.OfFloat32(dw, [| c |]))
                        else Tensor.OfRaw(x.Raw.Backend.OfFloat32(db, [| c |]))
                    elif i = 0 then
                        let gh = match wOf ins with Some w -> g * w | None -> g
                        let inv = invstdOf x
                        if useBatch then
                            let xhat = xhatOf x
                            (gh - Reductions.meanDims dims true gh - xhat * Reductions.meanDims dims true (gh * xhat)) * inv
                        else gh * inv
                    elif i = wIndex then channelSum (g * xhatOf x)
                    else channelSum g }, inputs)
        let updated =
            match runningMean, runningVar with
            | Some rm, Some rv when training ->
                let rmD = rm.Detach().ToDoubleArray()
                let rvD = rv.Detach().ToDoubleArray()
                if isF32 then
                    let mf = float32 momentum
                    let om = 1.0f - mf
                    let nm = Array.init c (fun ch -> float (mf * float32 meanD.[ch] + om * float32 rmD.[ch]))
                    let nv = Array.init c (fun ch ->
                        float (MathF.FusedMultiplyAdd(mf, float32 varSumD.[ch] / float32 (count - 1), om * float32 rvD.[ch])))
                    Some(Creation.ofDoubles [| c |] rm.Dtype nm, Creation.ofDoubles [| c |] rv.Dtype nv)
                else
                    let om = 1.0 - momentum
                    let nm = Array.init c (fun ch -> momentum * meanD.[ch] + om * rmD.[ch])
                    let nv = Array.init c (fun ch -> momentum * (varSumD.[ch] / float (count - 1)) + om * rvD.[ch])
                    Some(Creation.ofDoubles [| c |] rm.Dtype nm, Creation.ofDoubles [| c |] rv.Dtype nv)
            | _ -> None
        y, updated

    /// One tanh RNN step: tanh(x Wihᵀ + bih + h Whhᵀ + bhh).
    let rnnCell (wih: Tensor) (whh: Tensor) (bih: Tensor option) (bhh: Tensor option) (h: Tensor) (x: Tensor) : Tensor =
        Elementwise.tanh (linear wih bih x + linear whh bhh h)

    /// The indices of a padded signal of length n in the original (for reflect, replicate and circular modes).
    let private padIndex (mode: string) (n: int) (left: int) (right: int) =
        Array.init (n + left + right) (fun j ->
            let i = j - left
            match mode with
            | "reflect" ->
                let period = 2 * (n - 1)
                let m = ((i % period) + period) % period
                int64 (if m < n then m else period - m)
            | "replicate" -> int64 (max 0 (min (n - 1) i))
            | _ -> int64 (((i % n) + n) % n))

    /// Pads the last dimension of (N, C, L) by left/right with zeros or by reflect/replicate/circular indexing.
    let padLast (mode: string) (left: int) (right: int) (x: Tensor) =
        if left = 0 && right = 0 then x
        elif mode = "zeros" then Shapes.pad [| left; right |] 0.0 x
        else
            let s = x.Shape
            let n = s.[s.Length - 1]
            if mode = "reflect" && (left >= n || right >= n) then
                raise (ShapeException(sprintf "pad: reflect padding %d/%d must be smaller than the input length %d" left right n, "x"))
            let idx = padIndex mode n left right
            let shape1 = Array.init s.Length (fun i -> if i = s.Length - 1 then idx.Length else 1)
            let full = Array.init s.Length (fun i -> if i = s.Length - 1 then idx.Length else s.[i])
            let index = Tensor.OfRaw(x.Raw.Backend.OfInt64(idx, shape1).Expand full)
            Indexing.gather (s.Length - 1) index x

    /// Softmax's legacy implicit dimension when none is given: 0 for 0-, 1- and 3-D inputs, 1 otherwise.
    let implicitSoftmaxDim (ndim: int) = if ndim = 0 || ndim = 1 || ndim = 3 then 0 else 1

    /// GELU with the tanh approximation 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
    let geluTanh (x: Tensor) =
        let inner = (x + Tensor.Pow(x, 3.0) * 0.044715) * Math.Sqrt(2.0 / Math.PI)
        x * 0.5 * (1.0 + Elementwise.tanh inner)

    /// Softplus (1/β) log(1 + e^(βx)), linear where βx > threshold.
    let softplus (beta: float) (threshold: float) (x: Tensor) =
        if beta = 1.0 && threshold = 20.0 then Elementwise.softplus x
        else
            let bx = x * beta
            let safe = Tensor.Where(bx.CompareScalar(CompareKind.Gt, threshold), bx.ZerosLike(), bx)
            let soft = Elementwise.log1p (Elementwise.exp safe) / beta
            Tensor.Where(bx.CompareScalar(CompareKind.Gt, threshold), x, soft)
