namespace Fluxion.Optim

open System
open Fluxion
open Fluxion.Backend
open Fluxion.Ops
open Fluxion.Kernels

/// How a loss reduces its elementwise values (PyTorch's `reduction`).
type Reduction =
    /// The average over elements (or over the weights of the picked classes).
    | Mean = 0
    /// The sum over elements.
    | Sum = 1
    /// No reduction: one value per element (per sample for class losses).
    | None = 2

/// Differentiable losses with PyTorch 1.13's values (float32 mean/sum in PyTorch's summation order).
[<RequireQualifiedAccess>]
module Loss =
    let private shapeText (s: int[]) =
        if s.Length = 1 then sprintf "(%d,)" s[0] else "(" + String.Join(", ", s) + ")"

    let private fail (msg: string) = raise (ArgumentException msg)
    let private shapeFail (msg: string) = raise (ShapeException msg)

    let internal checkNotNull (name: string) (input: Tensor) (target: Tensor) =
        if isNull (box input) then raise (ArgumentNullException("input", sprintf "%s: the input is null" name))
        if isNull (box target) then raise (ArgumentNullException("target", sprintf "%s: the target is null" name))

    /// Input and target must agree in shape: PyTorch would silently broadcast (100,1) against (100,).
    let internal checkSameShape (name: string) (input: Tensor) (target: Tensor) =
        checkNotNull name input target
        let a, b = input.Shape, target.Shape
        if not (Shape.equal a b) then
            let hint =
                if a.Length = b.Length + 1 && a[a.Length - 1] = 1 && Shape.equal a[.. a.Length - 2] b then
                    sprintf "PyTorch would broadcast — call Unsqueeze(%d)" b.Length
                elif b.Length = a.Length + 1 && b[b.Length - 1] = 1 && Shape.equal b[.. b.Length - 2] a then
                    sprintf "PyTorch would broadcast — call Squeeze(%d) on the target" a.Length
                else "they must be equal"
            shapeFail (sprintf "%s: input %s and target %s differ; %s" name (shapeText a) (shapeText b) hint)

    let private sameDtype (input: Tensor) (target: Tensor) =
        if target.Dtype = input.Dtype then target
        elif Dtype.isFloat input.Dtype then target.Cast input.Dtype
        else fail (sprintf "loss: input must be a floating point tensor, got %s" (Dtype.name input.Dtype))

    let private reduceRaw (reduction: Reduction) (r: RawTensor) =
        match reduction with
        | Reduction.Mean -> r.SumAll().BinaryScalar(BinaryKind.Div, float r.Numel, false)
        | Reduction.Sum -> r.SumAll()
        | _ -> r

    /// Applies a reduction to elementwise losses (mean = PyTorch's cascade sum divided by n).
    let reduce (reduction: Reduction) (x: Tensor) : Tensor =
        match reduction with
        | Reduction.Mean -> Reductions.mean x
        | Reduction.Sum -> x.Sum()
        | Reduction.None -> x
        | r -> fail (sprintf "loss: unknown reduction %A" r)

    /// Mean squared error (grad_fn `MseLossBackward0`); the backward is f32(2/n)·(x − y)·g like ATen's.
    let rec mse (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        checkSameShape "MSELoss" input target
        let target = sameDtype input target
        let scale = if reduction = Reduction.Mean then 2.0 / float (max 1 input.Numel) else 2.0
        Tensor.ApplyBinary({ new BinaryOp("MseLossBackward0") with
            member _.Forward(ra, rb) =
                let fused =
                    match box ra, reduction with
                    | (:? IMseStorage as s), (Reduction.Mean | Reduction.Sum) -> s.TryMse(rb, (reduction = Reduction.Mean))
                    | _ -> Unchecked.defaultof<RawTensor>
                if isNull (box fused) then
                    let d = ra.Binary(BinaryKind.Sub, rb)
                    reduceRaw reduction (d.Binary(BinaryKind.Mul, d))
                else fused
            member _.JvpA(a, b, da, _) = reduce reduction ((a - b) * da) * 2.0
            member _.JvpB(a, b, db, _) = -(reduce reduction ((a - b) * db) * 2.0)
            member _.VjpA(a, b, _, g) =
                match mseGradConst a b scale g false with
                | ValueSome r -> Tensor.OfRaw r
                | ValueNone -> ((a - b) * scale) * g
            member _.VjpB(a, b, _, g) =
                match mseGradConst a b scale g true with
                | ValueSome r -> Tensor.OfRaw r
                | ValueNone -> -(((a - b) * scale) * g) }, input, target)

    /// The MSE adjoint in one pass when all three are constants (the usual first-order backward) on storage with a
    /// fused kernel; ValueNone otherwise, and the composite (which also records a graph) runs instead.
    and private mseGradConst (a: Tensor) (b: Tensor) (scale: float) (g: Tensor) (negate: bool) : RawTensor voption =
        match a, b, g with
        | TC ra, TC rb, TC rg ->
            match box ra with
            | :? IMseStorage as s -> let r = s.TryMseGrad(rb, scale, rg, negate) in if isNull (box r) then ValueNone else ValueSome r
            | _ -> ValueNone
        | _ -> ValueNone

    /// Mean absolute error |x − y|.
    let l1 (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        checkSameShape "L1Loss" input target
        reduce reduction (Elementwise.abs (input - sameDtype input target))

    /// Huber loss: ½z² for z = |x − y| < delta, else delta·(z − ½delta).
    let huber (delta: float) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        if not (delta > 0.0) then fail (sprintf "HuberLoss: delta must be positive, got %g" delta)
        checkSameShape "HuberLoss" input target
        let d = input - sameDtype input target
        let z = Elementwise.abs d
        let quad = d * d * 0.5
        let lin = (z - 0.5 * delta) * delta
        reduce reduction (Tensor.Where(z.Detach().CompareScalar(CompareKind.Lt, delta), quad, lin))

    /// Smooth L1 loss: ½z²/beta for z = |x − y| < beta, else z − ½beta (beta = 0 gives L1).
    let smoothL1 (beta: float) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        if beta < 0.0 || Double.IsNaN beta then fail (sprintf "SmoothL1Loss: beta must be non-negative, got %g" beta)
        checkSameShape "SmoothL1Loss" input target
        let d = input - sameDtype input target
        let z = Elementwise.abs d
        if beta = 0.0 then reduce reduction z
        else
            let quad = d * d * 0.5 / beta
            let lin = z - 0.5 * beta
            reduce reduction (Tensor.Where(z.Detach().CompareScalar(CompareKind.Lt, beta), quad, lin))

    // ---------------------------------------------------------------- class losses

    let private asRows (name: string) (input: Tensor) =
        match input.Dim with
        | 1 -> input.Reshape [| 1; input.Shape[0] |]
        | 2 -> input
        | _ -> shapeFail (sprintf "%s: input must be (C) or (N, C), got shape %s" name (shapeText input.Shape))

    /// log_softmax over the last dimension of (C) or (N, C) with ATen's exact float32 kernel (grad_fn `LogSoftmaxBackward0`).
    let rec logSoftmax (input: Tensor) : Tensor =
        if not (Dtype.isFloat input.Dtype) then fail (sprintf "logSoftmax: input must be floating point, got %s" (Dtype.name input.Dtype))
        let shape = input.Shape
        if shape.Length < 1 || shape[shape.Length - 1] < 1 then shapeFail (sprintf "logSoftmax: input shape %s has no classes" (shapeText shape))
        let cols = shape[shape.Length - 1]
        let rows = input.Numel / cols
        let last = shape.Length - 1
        Tensor.ApplyUnary({ new UnaryOp("LogSoftmaxBackward0") with
            member _.Forward r =
                match r.Dtype with
                | Dtype.Float32 ->
                    let dst = Array.zeroCreate (rows * cols)
                    LossKernels.logSoftmaxRows32 (r.ToFloat32Array()) rows cols dst
                    r.Backend.OfFloat32(dst, shape)
                | _ ->
                    let dst = Array.zeroCreate (rows * cols)
                    LossKernels.logSoftmaxRows64 (r.ToDoubleArray()) rows cols dst
                    r.Backend.OfFloat64(dst, shape)
            member _.Jvp(_, dx, y) = dx - Elementwise.exp y * (Elementwise.exp y * dx).Sum([| last |], true)
            member _.Vjp(_, y, g) = g - Elementwise.exp y * g.Sum([| last |], true) }, input)

    let private checkTargets (name: string) (classes: int) (ignoreIndex: int64) (targets: int64[]) =
        for i in 0 .. targets.Length - 1 do
            let t = targets[i]
            if t <> ignoreIndex && (t < 0L || t >= int64 classes) then
                fail (sprintf "%s: target %d at position %d is out of range for %d classes (valid: 0..%d, or ignoreIndex %d)" name t i classes (classes - 1) ignoreIndex)

    let private checkWeight (name: string) (classes: int) (weight: Tensor) =
        if not (isNull (box weight)) && (weight.Dim <> 1 || weight.Shape[0] <> classes) then
            shapeFail (sprintf "%s: weight has shape %s but there are %d classes; it must be (%d,)" name (shapeText weight.Shape) classes classes)

    /// Negative log-likelihood of log-probabilities (C) or (N, C) at int64 class indices; weight optional.
    let nllWith (name: string) (weight: Tensor option) (ignoreIndex: int64) (reduction: Reduction) (logProbs: Tensor) (target: Tensor) : Tensor =
        checkNotNull name logProbs target
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        let lp = asRows name logProbs
        let rows, cols = lp.Shape[0], lp.Shape[1]
        if target.Dtype <> Dtype.Int64 then fail (sprintf "%s: class-index targets must be int64, got %s" name (Dtype.name target.Dtype))
        if target.Numel <> rows || target.Dim > 1 then
            shapeFail (sprintf "%s: input %s needs %d targets of shape (%d,), got %s" name (shapeText logProbs.Shape) rows rows (shapeText target.Shape))
        let t = target.ToInt64Array()
        checkTargets name cols ignoreIndex t
        checkWeight name cols weight
        let keep = t |> Array.map (fun v -> v <> ignoreIndex)
        let oneHotData = Array.zeroCreate (rows * cols)
        for b in 0 .. rows - 1 do
            if keep[b] then oneHotData[b * cols + int t[b]] <- 1.0
        let oneHot = Creation.ofDoubles [| rows; cols |] lp.Dtype oneHotData
        let unbatched = logProbs.Dim = 1
        let finish (x: Tensor) = if unbatched && reduction = Reduction.None then x.Reshape [||] else x
        if isNull (box weight) then
            let count = keep |> Array.sumBy (fun k -> if k then 1 else 0)
            let op =
                { new UnaryOp("NllLossBackward0") with
                    member _.Forward r =
                        match r.Dtype, reduction with
                        | Dtype.Float32, Reduction.Mean -> r.Backend.OfFloat32([| LossKernels.nllMean32 (r.ToFloat32Array()) rows cols t ignoreIndex |], [||])
                        | Dtype.Float32, Reduction.Sum -> r.Backend.OfFloat32([| LossKernels.nllSum32 (r.ToFloat32Array()) rows cols t ignoreIndex |], [||])
                        | _, Reduction.Mean -> r.Backend.OfFloat64([| LossKernels.nllMean64 (r.ToDoubleArray()) rows cols t ignoreIndex |], [||]).Cast r.Dtype
                        | _, Reduction.Sum -> r.Backend.OfFloat64([| LossKernels.nllSum64 (r.ToDoubleArray()) rows cols t ignoreIndex |], [||]).Cast r.Dtype
                        | _ ->
                            let d = r.ToDoubleArray()
                            let out = Array.init rows (fun b -> if keep[b] then -d[b * cols + int t[b]] else 0.0)
                            r.Backend.OfFloat64(out, [| rows |]).Cast r.Dtype
                    member this.Jvp(_, dx, _) =
                        let picked = (dx * oneHot).Sum([| 1 |], false)
                        match reduction with
                        | Reduction.Mean -> -(picked.Sum() / float count)
                        | Reduction.Sum -> -(picked.Sum())
                        | _ -> -picked
                    member _.Vjp(_, _, g) =
                        match reduction with
                        | Reduction.Mean -> -(g / float count) * oneHot
                        | Reduction.Sum -> -g * oneHot
                        | _ -> -(g.Reshape [| rows; 1 |]) * oneHot }
            finish (Tensor.ApplyUnary(op, lp))
        else
            let w = weight.Cast(lp.Dtype).Detach()
            let wPicked = (oneHot * w.Reshape [| 1; cols |]).Sum([| 1 |], false)
            let per = -((lp * oneHot).Sum([| 1 |], false) * wPicked)
            match reduction with
            | Reduction.Mean -> per.Sum() / wPicked.Sum()
            | Reduction.Sum -> per.Sum()
            | _ -> finish per

    /// Negative log-likelihood loss (PyTorch's `nll_loss`), no class weights, ignore index -100.
    let nll (reduction: Reduction) (logProbs: Tensor) (target: Tensor) : Tensor =
        nllWith "NLLLoss" None -100L reduction logProbs target

    /// Cross-entropy of logits (C) or (N, C) against int64 class indices or class probabilities (same shape as
    /// the logits); optional class weights; labelSmoothing in [0, 1]. Without weight/smoothing it is bit-exact in float32.
    let crossEntropyWith (weight: Tensor option) (ignoreIndex: int64) (labelSmoothing: float) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        checkNotNull "CrossEntropyLoss" input target
        let weightOpt = weight
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        let name = "CrossEntropyLoss"
        if not (labelSmoothing >= 0.0 && labelSmoothing <= 1.0) then
            fail (sprintf "%s: labelSmoothing must be in [0, 1], got %g" name labelSmoothing)
        let x = asRows name input
        let rows, cols = x.Shape[0], x.Shape[1]
        checkWeight name cols weight
        let lsm = logSoftmax x
        let wRow () = weight.Cast(x.Dtype).Detach().Reshape [| 1; cols |]
        if target.Dtype = Dtype.Int64 then
            let nllLoss = nllWith name weightOpt ignoreIndex reduction lsm target
            if labelSmoothing = 0.0 then
                if input.Dim = 1 && reduction = Reduction.None then nllLoss.Reshape [||] else nllLoss
            else
                let t = target.ToInt64Array()
                let keepData = t |> Array.map (fun v -> if v = ignoreIndex then 0.0 else 1.0)
                let keep = Creation.ofDoubles [| rows |] x.Dtype keepData
                let weighted = if isNull (box weight) then lsm else lsm * wRow ()
                let smooth = -(weighted.Sum([| 1 |], false)) * keep
                let smoothRed =
                    match reduction with
                    | Reduction.Mean ->
                        if isNull (box weight) then smooth.Sum() / Array.sum keepData
                        else
                            let w = weight.Cast(Dtype.Float64).ToDoubleArray()
                            let total = t |> Array.sumBy (fun v -> if v = ignoreIndex then 0.0 else w[int v])
                            smooth.Sum() / total
                    | Reduction.Sum -> smooth.Sum()
                    | _ -> smooth
                let r = nllLoss * (1.0 - labelSmoothing) + smoothRed * (labelSmoothing / float cols)
                if input.Dim = 1 && reduction = Reduction.None then r.Reshape [||] else r
        elif Dtype.isFloat target.Dtype then
            if not (Shape.equal target.Shape input.Shape) then
                shapeFail (sprintf "%s: class-probability targets must have the input's shape %s, got %s" name (shapeText input.Shape) (shapeText target.Shape))
            let p = asRows name (target.Cast x.Dtype)
            let p = if labelSmoothing = 0.0 then p else p * (1.0 - labelSmoothing) + labelSmoothing / float cols
            let terms = lsm * p
            let terms = if isNull (box weight) then terms else terms * wRow ()
            let per = -(terms.Sum([| 1 |], false))
            match reduction with
            | Reduction.Mean -> per.Sum() / float rows
            | Reduction.Sum -> per.Sum()
            | _ -> if input.Dim = 1 then per.Reshape [||] else per
        else fail (sprintf "%s: targets must be int64 class indices or floating point probabilities, got %s" name (Dtype.name target.Dtype))

    /// Cross-entropy of logits against int64 class indices or probabilities, PyTorch defaults otherwise.
    let crossEntropy (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        crossEntropyWith None -100L 0.0 reduction input target

    /// Binary cross-entropy of probabilities in [0, 1]; each log is clamped at −100 like PyTorch; optional weight.
    let bceWith (weight: Tensor option) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        checkSameShape "BCELoss" input target
        let target = sameDtype input target
        let v = input.ToDoubleArray()
        match v |> Array.tryFindIndex (fun a -> not (a >= 0.0 && a <= 1.0)) with
        | Some i -> fail (sprintf "BCELoss: all elements of input should be between 0 and 1; element %d is %g" i v[i])
        | None -> ()
        let logc (x: Tensor) = Elementwise.clamp -100.0 nan (Elementwise.log x)
        let per = -(target * logc input + (1.0 - target) * logc (1.0 - input))
        let per = if isNull (box weight) then per else per * weight.Cast(input.Dtype).Detach()
        reduce reduction per

    /// Binary cross-entropy of probabilities, no weight.
    let bce (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        bceWith None reduction input target

    /// Binary cross-entropy on logits, computed stably: (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x); optional weight and posWeight.
    let bceWithLogitsWith (weight: Tensor option) (posWeight: Tensor option) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        let posWeight = defaultArg posWeight Unchecked.defaultof<Tensor>
        checkSameShape "BCEWithLogitsLoss" input target
        let target = sameDtype input target
        // log(1 + e^−x) as a smooth softplus (linear beyond 20, so no overflow) keeps the derivative sigmoid(x) − 1 everywhere.
        let softTerm = Elementwise.softplus (-input)
        let per =
            if isNull (box posWeight) then (1.0 - target) * input + softTerm
            else
                let lw = 1.0 + (posWeight.Cast(input.Dtype).Detach() - 1.0) * target
                (1.0 - target) * input + lw * softTerm
        let per = if isNull (box weight) then per else per * weight.Cast(input.Dtype).Detach()
        reduce reduction per

    /// Binary cross-entropy on logits, no weights.
    let bceWithLogits (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        bceWithLogitsWith None None reduction input target
