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

    /// A loss as one recorded op (grad_fn `name`) whose value is `perElement` reduced like ATen's
    /// `apply_loss_reduction` (sum, or sum / n) and whose adjoint is `grad x gSeed norm` with ATen's backward
    /// kernel order: `gSeed` is the incoming gradient expanded to x's shape, `norm` is 1/n for mean and 1 otherwise.
    let private lossOp (name: string) (reduction: Reduction) (perElement: Tensor -> Tensor) (grad: Tensor -> Tensor -> float -> Tensor) (input: Tensor) =
        let shape = input.Shape
        let norm = if reduction = Reduction.Mean then 1.0 / float (max 1 input.Numel) else 1.0
        Tensor.ApplyUnary({ new UnaryOp(name) with
            member _.Forward r = reduceRaw reduction (perElement (Tensor.OfRaw r)).Raw
            member _.Jvp(x, dx, _) =
                let d = grad x (x.OnesLike()) norm * dx
                if reduction = Reduction.None then d else d.Sum()
            member _.Vjp(x, _, g) = grad x (if reduction = Reduction.None then g else g.Expand shape) norm }, input)

    /// Whether a weight of shape w broadcasts to the input's shape s without growing it.
    let private broadcastsTo (w: int[]) (s: int[]) =
        w.Length <= s.Length && Array.forall id (Array.init w.Length (fun i -> let d = w[w.Length - 1 - i] in d = 1 || d = s[s.Length - 1 - i]))

    let private requiresGrad (t: Tensor) = not (isNull (box t)) && t.RequiresGrad

    /// PyTorch's text when tensor a (shape a) cannot join b in an elementwise op whose output has b's shape: the
    /// first mismatching size from the right, or the broadcast shape that would outgrow the output.
    let private broadcastText (a: int[]) (b: int[]) =
        let n = max a.Length b.Length
        let at (s: int[]) i = let j = i - (n - s.Length) in if j < 0 then 1 else s[j]
        match [ n - 1 .. -1 .. 0 ] |> List.tryFind (fun i -> let x, y = at a i, at b i in x <> y && x <> 1 && y <> 1) with
        | Some i -> sprintf "The size of tensor a (%d) must match the size of tensor b (%d) at non-singleton dimension %d" (at a i) (at b i) i
        | None ->
            let list (s: int[]) = "[" + String.Join(", ", s) + "]"
            sprintf "output with shape %s doesn't match the broadcast shape %s" (list b) (list (Array.init n (fun i -> max (at a i) (at b i))))

    /// Mean absolute error |x − y|.
    let l1 (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        checkSameShape "L1Loss" input target
        reduce reduction (Elementwise.abs (input - sameDtype input target))

    /// Huber loss: ½z² for z = |x − y| < delta, else delta·(z − ½delta); value and gradient in ATen's float order.
    let huber (delta: float) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        if not (delta > 0.0) then fail (sprintf "HuberLoss: delta must be positive, got %g" delta)
        checkSameShape "HuberLoss" input target
        let target = sameDtype input target
        let composite () =
            let d = input - target
            let z = Elementwise.abs d
            reduce reduction (Tensor.Where(z.Detach().CompareScalar(CompareKind.Lt, delta), z * 0.5 * z, (z - 0.5 * delta) * delta))
        if requiresGrad target then composite ()
        else
            let y = target.Detach()
            // ATen huber_kernel: z < delta ? 0.5·z·z : delta·(z − 0.5·delta); backward ±norm·g·delta or norm·x·g.
            let perElement (x: Tensor) =
                let z = Elementwise.abs (x - y)
                Tensor.Where(z.CompareScalar(CompareKind.Lt, delta), z * 0.5 * z, (z - 0.5 * delta) * delta)
            let grad (x: Tensor) (g: Tensor) (norm: float) =
                let d = (x - y).Detach()
                Tensor.Where(d.CompareScalar(CompareKind.Le, -delta), g * -norm * delta,
                             Tensor.Where(d.CompareScalar(CompareKind.Ge, delta), g * norm * delta, (x - y) * norm * g))
            lossOp "HuberLossBackward0" reduction perElement grad input

    /// Smooth L1 loss: ½z²/beta for z = |x − y| < beta, else z − ½beta (beta = 0 gives L1); ATen's float order.
    let smoothL1 (beta: float) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        if beta < 0.0 || Double.IsNaN beta then fail (sprintf "SmoothL1Loss: beta must be non-negative, got %g" beta)
        checkSameShape "SmoothL1Loss" input target
        let target = sameDtype input target
        if beta = 0.0 then l1 reduction input target
        elif requiresGrad target then
            let d = input - target
            let z = Elementwise.abs d
            reduce reduction (Tensor.Where(z.Detach().CompareScalar(CompareKind.Lt, beta), z * 0.5 * z / beta, z - 0.5 * beta))
        else
            let y = target.Detach()
            let perElement (x: Tensor) =
                let z = Elementwise.abs (x - y)
                Tensor.Where(z.CompareScalar(CompareKind.Lt, beta), z * 0.5 * z / beta, z - 0.5 * beta)
            let grad (x: Tensor) (g: Tensor) (norm: float) =
                if x.Dtype = Dtype.Float32 && not x.RequiresGrad && not g.RequiresGrad then
                    // ATen's cpu_kernel_vec: blocks of two 8-lane vectors compute norm·(x/beta)·g, the tail runs the
                    // scalar lambda norm·x·g/beta with beta in double.
                    let xs, ys, gs = x.ToFloat32Array(), y.ToFloat32Array(), g.ToFloat32Array()
                    let n32, b32 = float32 norm, float32 beta
                    let tail = xs.Length - xs.Length % 16
                    let out =
                        Array.init xs.Length (fun i ->
                            let d = xs[i] - ys[i]
                            if i < tail then
                                let o = if MathF.Abs d >= b32 then (if d > 0.0f then 1.0f else -1.0f) else d / b32
                                n32 * o * gs[i]
                            elif float d <= -beta then -n32 * gs[i]
                            elif float d >= beta then n32 * gs[i]
                            else float32 (float (n32 * d * gs[i]) / beta))
                    Tensor.ofArray x.Shape out
                else
                    let d = (x - y).Detach()
                    Tensor.Where(d.CompareScalar(CompareKind.Le, -beta), g * -norm,
                                 Tensor.Where(d.CompareScalar(CompareKind.Ge, beta), g * norm, (x - y) / beta * norm * g))
            lossOp "SmoothL1LossBackward0" reduction perElement grad input

    // ---------------------------------------------------------------- class losses

    let private asRows (name: string) (input: Tensor) =
        match input.Dim with
        | 1 -> input.Reshape [| 1; input.Shape[0] |]
        | 2 -> input
        | _ -> shapeFail (sprintf "%s: input must be (C) or (N, C), got shape %s" name (shapeText input.Shape))

    /// ATen's _vec_log_softmax_backward over rows: g − exp(y)·Σg, the sum in vec::reduce_all's AVX2 lane order.
    let private logSoftmaxBackwardRows32 (y: float32[]) (g: float32[]) (rows: int) (cols: int) (dst: float32[]) =
        for r in 0 .. rows - 1 do
            let o = r * cols
            let s =
                if cols < 8 then
                    let mutable s = g[o]
                    for k in 1 .. cols - 1 do s <- s + g[o + k]
                    s
                else
                    let l = Array.init 8 (fun j -> g[o + j])
                    let full = (cols / 8) * 8
                    let mutable b = 8
                    while b < full do
                        for j in 0 .. 7 do l[j] <- l[j] + g[o + b + j]
                        b <- b + 8
                    for j in 0 .. cols - full - 1 do l[j] <- l[j] + g[o + b + j]
                    ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
            // The AVX2 build contracts g − e·s into one fused multiply-add.
            for k in 0 .. cols - 1 do dst[o + k] <- MathF.FusedMultiplyAdd(-(Sleef.expf_u10 y[o + k]), s, g[o + k])

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
            // d log_softmax(x) = dx − Σ softmax(x)·dx over the classes (softmax = exp y).
            member _.Jvp(_, dx, y) = dx - (Elementwise.exp y * dx).Sum([| last |], true)
            member _.Vjp(_, y, g) =
                match y, g with
                | TC ry, TC rg when ry.Dtype = Dtype.Float32 && rg.Dtype = Dtype.Float32 ->
                    let ys, gs = ry.ToFloat32Array(), rg.ToFloat32Array()
                    let dst = Array.zeroCreate (rows * cols)
                    logSoftmaxBackwardRows32 ys gs rows cols dst
                    Tensor.OfRaw(ry.Backend.OfFloat32(dst, shape))
                | _ -> g - Elementwise.exp y * g.Sum([| last |], true) }, input)

    let private checkTargets (name: string) (classes: int) (ignoreIndex: int64) (targets: int64[]) =
        for i in 0 .. targets.Length - 1 do
            let t = targets[i]
            if t <> ignoreIndex && (t < 0L || t >= int64 classes) then
                fail (sprintf "%s: target %d at position %d is out of range for %d classes (valid: 0..%d, or ignoreIndex %d)" name t i classes (classes - 1) ignoreIndex)

    let private checkWeight (name: string) (classes: int) (weight: Tensor) =
        if not (isNull (box weight)) && (weight.Dim <> 1 || weight.Shape[0] <> classes) then
            shapeFail (sprintf "%s: weight has shape %s but there are %d classes; it must be (%d,)" name (shapeText weight.Shape) classes classes)

    /// (N, C, d1, …) → (N·d1·…, C) rows in ATen's (n, d) iteration order; (C) and (N, C) pass through as rows.
    let private toRows (name: string) (input: Tensor) =
        match input.Dim with
        | 0 -> shapeFail (sprintf "%s: input must be (C), (N, C) or (N, C, d1, ...), got a 0-d tensor" name)
        | 1 | 2 -> asRows name input
        | d ->
            let c = input.Shape[1]
            let perm = Array.append (Array.append [| 0 |] [| 2 .. d - 1 |]) [| 1 |]
            input.Permute(perm).Reshape [| input.Numel / max 1 c; c |]

    /// ATen's nll_loss (2-d) / nll_loss2d cascade: 8 partial sums of −w·x and of w, climbing by the flat index.
    let private nllCascadeW (lp: float[]) (cols: int) (t: int64[]) (ignoreIndex: int64) (w: float[]) (single: bool) =
        let rows = t.Length
        let ceilLog2 (x: int) = if x <= 2 then 1 else 32 - Numerics.BitOperations.LeadingZeroCount(uint32 (x - 1))
        let lp2 = max 4 (ceilLog2 rows / 8)
        let mask = (1L <<< lp2) - 1L
        let rnd (v: float) = if single then float (float32 v) else v
        let loss = Array.zeroCreate 8
        let wsum = Array.zeroCreate 8
        let mutable ignored = 0
        for b in 0 .. rows - 1 do
            let tb = t[b]
            if tb = ignoreIndex then ignored <- ignored + 1
            else
                let wv = if isNull w then 1.0 else w[int tb]
                // Without log-probabilities only the weight total is wanted.
                if not (isNull lp) then loss[0] <- rnd (loss[0] - rnd (lp[b * cols + int tb] * wv))
                wsum[0] <- rnd (wsum[0] + wv)
                let mutable j = 0
                while j < 7 && (int64 b &&& (mask <<< (j * lp2))) = 0L do
                    wsum[j + 1] <- rnd (wsum[j + 1] + wsum[j])
                    loss[j + 1] <- rnd (loss[j + 1] + loss[j])
                    wsum[j] <- 0.0
                    loss[j] <- 0.0
                    j <- j + 1
        let total = if isNull w then rnd (float (rows - ignored)) else Array.fold (fun a v -> rnd (a + v)) 0.0 wsum
        struct (Array.fold (fun a v -> rnd (a + v)) 0.0 loss, total)

    /// Negative log-likelihood of log-probabilities (C), (N, C) or (N, C, d1, …) at int64 class indices; weight
    /// optional; values and gradients in ATen 1.13's order.
    let nllWith (name: string) (weight: Tensor option) (ignoreIndex: int64) (reduction: Reduction) (logProbs: Tensor) (target: Tensor) : Tensor =
        checkNotNull name logProbs target
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        let lp = toRows name logProbs
        let rows, cols = lp.Shape[0], lp.Shape[1]
        if target.Dtype <> Dtype.Int64 then fail (sprintf "%s: class-index targets must be int64, got %s" name (Dtype.name target.Dtype))
        let targetShape = if logProbs.Dim <= 1 then [||] else Array.append [| logProbs.Shape[0] |] logProbs.Shape[2..]
        if target.Numel <> rows || (logProbs.Dim >= 2 && not (Shape.equal target.Shape targetShape)) || (logProbs.Dim = 1 && target.Dim > 1) then
            shapeFail (sprintf "%s: input %s needs targets of shape %s, got %s" name (shapeText logProbs.Shape) (shapeText targetShape) (shapeText target.Shape))
        let t = target.ToInt64Array()
        for i in 0 .. t.Length - 1 do
            if t[i] <> ignoreIndex && (t[i] < 0L || t[i] >= int64 cols) then fail (sprintf "Target %d is out of bounds. (%s: position %d; %d classes, valid 0..%d or ignoreIndex %d)" t[i] name i cols (cols - 1) ignoreIndex)
        checkWeight name cols weight
        let single = lp.Dtype = Dtype.Float32
        let wArr = if isNull (box weight) then null else weight.Cast(Dtype.Float64).ToDoubleArray() |> Array.map (fun v -> if single then float (float32 v) else v)
        let wOf (k: int64) = if isNull wArr then 1.0 else wArr[int k]
        // One-hot rows scaled by the picked class weight (0 for ignored targets), made when a rule first needs them.
        let oneHotW =
            lazy
                let a = Array.zeroCreate (rows * cols)
                for b in 0 .. rows - 1 do
                    if t[b] <> ignoreIndex then a[b * cols + int t[b]] <- wOf t[b]
                Creation.ofDoubles [| rows; cols |] lp.Dtype a
        let pickedMask =
            lazy
                let m = Array.zeroCreate (rows * cols)
                for b in 0 .. rows - 1 do
                    if t[b] <> ignoreIndex then m[b * cols + int t[b]] <- 1.0
                (Creation.ofDoubles [| rows; cols |] lp.Dtype m).CompareScalar(CompareKind.Ne, 0.0)
        let struct (_, total) = nllCascadeW null cols t ignoreIndex wArr single
        let out =
            Tensor.ApplyUnary({ new UnaryOp("NllLossBackward0") with
                member _.Forward r =
                    match reduction with
                    | Reduction.Mean | Reduction.Sum ->
                        let struct (s, tw) = nllCascadeW (r.ToDoubleArray()) cols t ignoreIndex wArr single
                        let v = if reduction = Reduction.Mean then (if single then float (float32 s / float32 tw) else s / tw) else s
                        r.Backend.OfFloat64([| v |], [||]).Cast r.Dtype
                    | _ ->
                        let d = r.ToDoubleArray()
                        let o = Array.init rows (fun b -> if t[b] = ignoreIndex then 0.0 else -(d[b * cols + int t[b]] * wOf t[b]))
                        r.Backend.OfFloat64(o, [| rows |]).Cast r.Dtype
                member _.Jvp(_, dx, _) =
                    let picked = -((dx * oneHotW.Force()).Sum([| 1 |], false))
                    match reduction with
                    | Reduction.Mean -> picked.Sum() / total
                    | Reduction.Sum -> picked.Sum()
                    | _ -> picked
                member _.Vjp(_, _, g) =
                    // ATen writes only the picked entries: the rest stay +0, not −0.
                    let scale =
                        match reduction with
                        | Reduction.Mean -> -(g / total)
                        | Reduction.Sum -> -g
                        | _ -> -(g.Reshape [| rows; 1 |])
                    match scale with
                    | TC rs when rs.Dtype = Dtype.Float32 || rs.Dtype = Dtype.Float64 ->
                        // A constant adjoint: the picked entries are the products the composite below forms
                        // (weight times the row's scale, one rounding), written straight into zeros.
                        let perRow = reduction = Reduction.None
                        if rs.Dtype = Dtype.Float32 then
                            let sv = rs.ToFloat32Array()
                            let a = Array.zeroCreate<float32> (rows * cols)
                            for b in 0 .. rows - 1 do
                                if t[b] <> ignoreIndex then a[b * cols + int t[b]] <- float32 (wOf t[b]) * sv[if perRow then b else 0]
                            Tensor.OfRaw(rs.Backend.OfFloat32(a, [| rows; cols |]))
                        else
                            let sv = rs.ToDoubleArray()
                            let a = Array.zeroCreate<float> (rows * cols)
                            for b in 0 .. rows - 1 do
                                if t[b] <> ignoreIndex then a[b * cols + int t[b]] <- wOf t[b] * sv[if perRow then b else 0]
                            Tensor.OfRaw(rs.Backend.OfFloat64(a, [| rows; cols |]))
                    | _ ->
                        let picked = oneHotW.Force() * scale
                        Tensor.Where(pickedMask.Force(), picked, picked.ZerosLike()) }, lp)
        if reduction = Reduction.None then out.Reshape targetShape else out

    /// Negative log-likelihood loss (PyTorch's `nll_loss`), no class weights, ignore index -100.
    let nll (reduction: Reduction) (logProbs: Tensor) (target: Tensor) : Tensor =
        nllWith "NLLLoss" None -100L reduction logProbs target

    /// log_softmax over dimension 1 of (N, C, d1, …) (the last dimension for (C) and (N, C)); with extra dims it is
    /// ATen's non-last-dim kernel, whose column-wise sums round differently from the row kernel on a permuted copy.
    let private logSoftmaxClassDim (x: Tensor) =
        if x.Dim <= 2 then logSoftmax x else Reductions.logSoftmax 1 x

    /// Cross-entropy of logits (C), (N, C) or (N, C, d1, …) against int64 class indices or class probabilities
    /// (same shape as the logits); optional class weights; labelSmoothing in [0, 1]; ATen 1.13's composition.
    let crossEntropyWith (weight: Tensor option) (ignoreIndex: int64) (labelSmoothing: float) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        checkNotNull "CrossEntropyLoss" input target
        let weightOpt = weight
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        let name = "CrossEntropyLoss"
        if not (labelSmoothing >= 0.0 && labelSmoothing <= 1.0) then
            fail (sprintf "%s: labelSmoothing must be in [0, 1], got %g" name labelSmoothing)
        if input.Dim = 0 then shapeFail (sprintf "%s: input must be (C), (N, C) or (N, C, d1, ...), got a 0-d tensor" name)
        let classDim = if input.Dim = 1 then 0 else 1
        let cols = input.Shape[classDim]
        checkWeight name cols weight
        let wView () =
            let s = Array.create input.Dim 1
            s[classDim] <- cols
            weight.Cast(input.Dtype).Detach().Reshape s
        let lsm = logSoftmaxClassDim input
        if target.Dtype = Dtype.Int64 then
            let nllLoss = nllWith name weightOpt ignoreIndex reduction lsm target
            if labelSmoothing = 0.0 then nllLoss
            else
                let t = target.ToInt64Array()
                let keepData = t |> Array.map (fun v -> if v = ignoreIndex then 0.0 else 1.0)
                let keep = Creation.ofDoubles target.Shape input.Dtype keepData
                let weighted = if isNull (box weight) then lsm else lsm * wView ()
                let smooth = -(weighted.Sum([| classDim |], false)) * keep
                let smoothRed =
                    match reduction with
                    | Reduction.Mean ->
                        // ATen 1.13 averages the kept entries only (masked_select, then mean): summing the full
                        // tensor with zeros at ignored positions puts the kept values in other vector lanes.
                        if isNull (box weight) then Reductions.mean (Indexing.maskedSelect (keep.CompareScalar(CompareKind.Ne, 0.0)) smooth)
                        else
                            let picked = [| for v in t do if v <> ignoreIndex then yield int v |]
                            let w = weight.Cast(input.Dtype).Detach()
                            let gathered = Creation.ofDoubles [| picked.Length |] input.Dtype (let wa = w.Cast(Dtype.Float64).ToDoubleArray() in picked |> Array.map (fun k -> wa[k]))
                            smooth.Sum() / gathered.Sum()
                    | Reduction.Sum -> smooth.Sum()
                    | _ -> smooth
                nllLoss * (1.0 - labelSmoothing) + smoothRed * (labelSmoothing / float cols)
        elif Dtype.isFloat target.Dtype then
            if not (Shape.equal target.Shape input.Shape) then
                shapeFail (sprintf "%s: class-probability targets must have the input's shape %s, got %s" name (shapeText input.Shape) (shapeText target.Shape))
            let p = target.Cast input.Dtype
            let p = if labelSmoothing = 0.0 then p else p * (1.0 - labelSmoothing) + labelSmoothing / float cols
            let terms = lsm * p
            let terms = if isNull (box weight) then terms else terms * wView ()
            match reduction with
            | Reduction.Mean -> -(terms.Sum()) / float (input.Numel / cols)
            | Reduction.Sum -> -(terms.Sum())
            | _ -> -(terms.Sum([| classDim |], false))
        else fail (sprintf "%s: targets must be int64 class indices or floating point probabilities, got %s" name (Dtype.name target.Dtype))

    /// Cross-entropy of logits against int64 class indices or probabilities, PyTorch defaults otherwise.
    let crossEntropy (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        crossEntropyWith None -100L 0.0 reduction input target

    /// Binary cross-entropy of probabilities in [0, 1]; each log is clamped at −100 like PyTorch; optional weight.
    /// Value and gradient follow ATen 1.13's CPU kernels: (y − 1)·max(log(1 − x), −100) − y·max(log x, −100), and
    /// g·(x − y) / max((1 − x)·x, 1e-12), times weight, divided by n for the mean.
    let bceWith (weight: Tensor option) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        checkSameShape "BCELoss" input target
        let target = sameDtype input target
        if not (isNull (box weight)) && not (broadcastsTo weight.Shape input.Shape) then
            shapeFail (sprintf "BCELoss: weight of shape %s does not broadcast to the input's shape %s" (shapeText weight.Shape) (shapeText input.Shape))
        // PyTorch's text, plus the first offending element so the message names the value.
        let outside (what: string) (xs: float[]) =
            match xs |> Array.tryFindIndex (fun a -> not (a >= 0.0 && a <= 1.0)) with
            | Some i -> fail (sprintf "BCELoss: all elements of %s should be between 0 and 1; element %d is %s" what i (string xs.[i]))
            | None -> ()
        outside "input" (input.ToDoubleArray())
        outside "target" (target.ToDoubleArray())
        let w () = weight.Cast(input.Dtype).Detach()
        if requiresGrad target then
            let logc (x: Tensor) = Elementwise.clamp -100.0 nan (Elementwise.log x)
            let per = -(target * logc input + (1.0 - target) * logc (1.0 - input))
            let per = if isNull (box weight) then per else per * w ()
            reduce reduction per
        else
            let y = target.Detach()
            let perElement (x: Tensor) =
                let per =
                    if x.Dtype = Dtype.Float32 then
                        let xs, ys = x.ToFloat32Array(), y.ToFloat32Array()
                        let out =
                            Array.init xs.Length (fun i ->
                                let a, t = xs[i], ys[i]
                                (t - 1.0f) * MathF.Max(MathF.Log(1.0f - a), -100.0f) - t * MathF.Max(MathF.Log a, -100.0f))
                        Tensor.ofArray x.Shape out
                    else
                        let xs, ys = x.ToDoubleArray(), y.ToDoubleArray()
                        let out = Array.init xs.Length (fun i -> (ys[i] - 1.0) * Math.Max(Math.Log(1.0 - xs[i]), -100.0) - ys[i] * Math.Max(Math.Log xs[i], -100.0))
                        Creation.ofDoubles x.Shape x.Dtype out
                if isNull (box weight) then per else per * w ()
            let grad (x: Tensor) (g: Tensor) (norm: float) =
                let gi = g * (x - y) / Elementwise.clamp 1e-12 nan ((1.0 - x) * x)
                let gi = if isNull (box weight) then gi else gi * w ()
                if reduction = Reduction.Mean then gi / float (max 1 x.Numel) else gi
            lossOp "BinaryCrossEntropyBackward0" reduction perElement grad input

    /// Binary cross-entropy of probabilities, no weight.
    let bce (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        bceWith None reduction input target

    /// Binary cross-entropy on logits in ATen 1.13's order: m = max(−x, 0), (1 − t)·x + m + log(e^−m + e^(−x−m)),
    /// the log term scaled by 1 + (pw − 1)·t with posWeight; the gradient is (σ(x) − t)·g (or ((pw·t + 1 − t)·σ(x) − pw·t)·g).
    let bceWithLogitsWith (weight: Tensor option) (posWeight: Tensor option) (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        let weight = defaultArg weight Unchecked.defaultof<Tensor>
        let posWeight = defaultArg posWeight Unchecked.defaultof<Tensor>
        checkSameShape "BCEWithLogitsLoss" input target
        let target = sameDtype input target
        if not (isNull (box posWeight)) && not (broadcastsTo posWeight.Shape input.Shape) then
            let last = if input.Dim = 0 then 1 else input.Shape[input.Dim - 1]
            shapeFail (sprintf "%s (BCEWithLogitsLoss: pos_weight of shape %s does not broadcast to the input's shape %s; it needs one entry per class (%d))"
                           (broadcastText posWeight.Shape input.Shape) (shapeText posWeight.Shape) (shapeText input.Shape) last)
        if not (isNull (box weight)) && not (broadcastsTo weight.Shape input.Shape) then
            shapeFail (sprintf "%s (BCEWithLogitsLoss: weight of shape %s does not broadcast to the input's shape %s)"
                           (broadcastText input.Shape weight.Shape) (shapeText weight.Shape) (shapeText input.Shape))
        let pw () = posWeight.Cast(input.Dtype).Detach()
        let w () = weight.Cast(input.Dtype).Detach()
        let perElement (x: Tensor) (t: Tensor) =
            let m = Elementwise.clamp 0.0 nan (-x)
            let logTerm = Elementwise.log (Elementwise.exp (-m) + Elementwise.exp (-x - m))
            let per =
                if isNull (box posWeight) then (1.0 - t) * x + m + logTerm
                else (1.0 - t) * x + ((pw () - 1.0) * t + 1.0) * (logTerm + m)
            if isNull (box weight) then per else per * w ()
        if requiresGrad target then reduce reduction (perElement input target)
        else
            let y = target.Detach()
            let grad (x: Tensor) (g: Tensor) (_: float) =
                let gi =
                    if isNull (box posWeight) then (Elementwise.sigmoid x - y) * g
                    else
                        let t = pw () * y
                        ((t + 1.0 - y) * Elementwise.sigmoid x - t) * g
                let gi = if isNull (box weight) then gi else gi * w ()
                if reduction = Reduction.Mean then gi / float (max 1 x.Numel) else gi
            lossOp "BinaryCrossEntropyWithLogitsBackward0" reduction (fun x -> perElement x y) grad input

    /// Binary cross-entropy on logits, no weights.
    let bceWithLogits (reduction: Reduction) (input: Tensor) (target: Tensor) : Tensor =
        bceWithLogitsWith None None reduction input target
