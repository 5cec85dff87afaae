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
        let rows = if xs.Length = 1 then 1 else Shape.numel xs.[.. xs.Length - 2]
        let is2d = xs.Length = 2
        let outShape = if is2d then [| rows; outF |] else Array.append xs.[.. xs.Length - 2] [| outF |]
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
                if is2d then y else y.Reshape outShape
            member _.Jvp(xs, i, d, _) =
                match i with
                | 0 -> linear xs.[1] None d
                | 1 -> linear d None xs.[0]
                | _ -> d
            member _.Vjp(xs, i, _, g) =
                let g2 = if is2d then g else g.Reshape [| rows; outF |]
                match i with
                | 0 -> let r = Tensor.MM(g2, xs.[1], false, false) in if is2d then r else r.Reshape(xs.[0].Shape)
                | 1 -> Tensor.MM(g2, (if is2d then xs.[0] else xs.[0].Reshape [| rows; inF |]), true, false)
                | _ -> g2.Sum([| 0 |], false) }, inputs)

    /// y + b for a fresh (rows, n) product y and a bias (n): added into y's storage when both are managed
    /// arrays of one type (each element rounds once, as the broadcast add does).
    and [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>] private addRowInPlace (y: RawTensor) (b: RawTensor) : RawTensor =
        match y, b with
        | (:? RawFloat<float32> as yf), (:? RawFloat<float32> as bf) -> addRows yf.Data bf.Data; y
        | (:? RawFloat<float> as yf), (:? RawFloat<float> as bf) -> addRows yf.Data bf.Data; y
        | _ -> y.Binary(BinaryKind.Add, b)

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

    /// Batch normalisation over (N, C) or (N, C, L): batch statistics in training (and the new running
    /// mean/variance, updated with momentum and the unbiased variance), running statistics otherwise.
    let batchNorm (weight: Tensor option) (bias: Tensor option) (runningMean: Tensor option) (runningVar: Tensor option)
                  (training: bool) (momentum: float) (eps: float) (x: Tensor) : Tensor * (Tensor * Tensor) option =
        let xs = x.Shape
        if xs.Length <> 2 && xs.Length <> 3 then
            raise (ShapeException(sprintf "batch_norm: expected 2-D (N, C) or 3-D (N, C, L) input, got %s" (shp xs)))
        let c = xs.[1]
        let bshape = if xs.Length = 2 then [| 1; c |] else [| 1; c; 1 |]
        let dims = if xs.Length = 2 then [| 0 |] else [| 0; 2 |]
        let affine (y: Tensor) =
            let y = match weight with Some w -> y * w.Reshape bshape | None -> y
            match bias with Some b -> y + b.Reshape bshape | None -> y
        let useBatch = training || runningMean.IsNone
        if useBatch then
            let n = if xs.Length = 2 then xs.[0] else xs.[0] * xs.[2]
            if training && n = 1 then
                raise (ShapeException(sprintf "batch_norm: expected more than 1 value per channel when training, got input size %s" (shp xs), "x"))
            if x.Numel = 0 then
                // PyTorch: an empty batch gives the (empty) affine output and leaves the running statistics as they were.
                affine x, (match runningMean, runningVar with Some rm, Some rv when training -> Some(rm, rv) | _ -> None)
            else
                let mean = Reductions.meanDims dims true x
                let d = x - mean
                let var = Reductions.meanDims dims true (d * d)
                let y = affine (d / Elementwise.sqrt (var + eps))
                let updated =
                    match runningMean, runningVar with
                    | Some rm, Some rv when training ->
                        let m = mean.Detach().Reshape [| c |]
                        let v = (var.Detach() * (float n / float (n - 1))).Reshape [| c |]
                        Some((rm * (1.0 - momentum) + m * momentum), (rv * (1.0 - momentum) + v * momentum))
                    | _ -> None
                y, updated
        else
            let rm = runningMean.Value.Reshape bshape
            let rv = runningVar.Value.Reshape bshape
            affine ((x - rm) / Elementwise.sqrt (rv + eps)), None

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
