namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// Reductions: sums, means, variances, extremes, log-sum-exp and softmax.
module Reductions =
    /// Sum of all elements.
    let sum (x: Tensor) = x.Sum()
    /// Sum over a dimension.
    let sumDim (dim: int) (keepDim: bool) (x: Tensor) = x.Sum([| dim |], keepDim)

    /// Mean of all elements (float32: the PyTorch sum divided by n).
    let rec mean (x: Tensor) : Tensor =
        let x = if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32
        let n = float x.Numel
        let shape = x.Shape
        Tensor.ApplyUnary({ new UnaryOp("MeanBackward0") with
            member _.Forward r = r.SumAll().BinaryScalar(BinaryKind.Div, n, false)
            member _.Jvp(_, dx, _) = mean dx
            member _.Vjp(_, _, g) = (g / n).Expand shape }, x)

    /// Mean over dimensions.
    let meanDims (dims: int[]) (keepDim: bool) (x: Tensor) =
        let x = if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32
        let n = dims |> Array.map (fun d -> x.Shape.[Shape.normDim "mean" x.Dim d]) |> Array.fold (*) 1
        x.Sum(dims, keepDim) / float n

    /// Mean over one dimension.
    let meanDim (dim: int) (keepDim: bool) (x: Tensor) = meanDims [| dim |] keepDim x

    // Variance, or with `root` the standard deviation as one op: PyTorch takes the square root of the double
    // variance before rounding to float32, and std's derivatives are var's with g / (2 * std) (0 where std is 0).
    let private varOrStd (root: bool) (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) =
        if isNull (box x) then raise (ArgumentNullException("x", (if root then "std" else "var") + ": the input tensor is null"))
        let x = if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32
        let nd = dims |> Array.map (fun d -> Shape.normDim "var" x.Dim d)
        let n = nd |> Array.map (fun d -> x.Shape.[d]) |> Array.fold (*) 1
        let dof = float (max 0 (n - correction))
        let kept = x.Shape |> Array.mapi (fun i s -> if Array.contains i nd then 1 else s)
        // PyTorch's var_backward: (2 / dof) * g * (x - mean); its forward formula sums that with g = dx.
        // Over every element the mean is PyTorch's full mean (one whole-tensor sum), not a sum over listed dims.
        let meanOf (x: Tensor) = if nd.Length = x.Dim then (mean x).Reshape kept else meanDims dims true x
        let backward (x: Tensor) (g: Tensor) = (g * (2.0 / dof)) * (x - meanOf x)
        let rooted (v: Tensor) = if root then Elementwise.sqrt v else v
        // g / (2 * std), 0 where the std is 0 (PyTorch's masked_fill).
        let overTwoStd (y: Tensor) (g: Tensor) =
            Tensor.Where(y.Detach().CompareScalar(CompareKind.Eq, 0.0), g.ZerosLike(), g / (y * 2.0))
        Tensor.ApplyUnary({ new UnaryOp(if root then "StdBackward0" else "VarBackward0") with
            member _.Forward r =
                let x = Tensor.OfRaw r
                if r.Dtype = Dtype.Float32 then
                    // PyTorch accumulates a float32 variance in double and rounds once: over all elements around
                    // the float32 mean, along dims around a double mean.
                    let wide = x.Cast Dtype.Float64
                    let mu = if nd.Length = x.Dim then (meanOf x).Cast Dtype.Float64 else meanDims dims true wide
                    let d = wide - mu
                    (rooted ((d * d).Sum(dims, keepDim) / dof)).Cast(Dtype.Float32).Raw
                else
                    let d = x - meanOf x
                    (rooted ((d * d).Sum(dims, keepDim) / dof)).Raw
            member _.Jvp(x, dx, y) =
                let b = backward x dx
                let v = if nd.Length = x.Dim then (let s = b.Sum() in if keepDim then s.Reshape kept else s) else b.Sum(dims, keepDim)
                if root then Tensor.Where(y.Detach().CompareScalar(CompareKind.Eq, 0.0), v.ZerosLike(), v / (y * 2.0)) else v
            member _.Vjp(x, y, g) = backward x ((if root then overTwoStd y g else g).Reshape kept) }, x)

    /// Variance over dimensions with Bessel's correction by default (`correction` = 1).
    let varDims (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) = varOrStd false dims correction keepDim x

    /// Variance of all elements (unbiased by default: correction 1).
    let var (correction: int) (x: Tensor) = varDims (Array.init x.Dim id) correction false x
    /// Standard deviation of all elements.
    let std (correction: int) (x: Tensor) = varOrStd true (Array.init x.Dim id) correction false x
    /// Standard deviation over dimensions.
    let stdDims (dims: int[]) (correction: int) (keepDim: bool) (x: Tensor) = varOrStd true dims correction keepDim x

    // PyTorch refuses a whole-tensor extreme of nothing (there is no identity element to return).
    let private nonEmpty (op: string) (x: Tensor) =
        if x.Numel = 0 then
            // PyTorch's own text, which tells max/min users (not argmax/argmin users) how to fix it.
            let hint = if op.StartsWith "arg" then "" else " Specify the reduction dim with the 'dim' argument."
            raise (ShapeException(sprintf "%s(): Expected reduction dim to be specified for input.numel() == 0.%s" op hint))

    // Along a dim of size 0 each output slot would pick from nothing; empty outputs are fine.
    let private nonEmptyDim (op: string) (d: int) (x: Tensor) =
        // PyTorch refuses an empty reduced dim even when the result would be empty too ((2, 0, 0) over dim 1).
        if x.Dim > 0 && x.Shape.[d] = 0 then
            raise (ShapeException(sprintf "%s(): Expected reduction dim %d to have non-zero size." op d))

    /// Largest element (the gradient flows to the first maximal element).
    let max (x: Tensor) =
        nonEmpty "max" x
        let struct (_, i) = x.Raw.ExtremeAll true
        let flat = x.Reshape [| -1 |]
        (Indexing.gather 0 (Tensor.OfRaw(x.Raw.Backend.OfInt64([| int64 i |], [| 1 |]))) flat).Reshape [||]
    /// Smallest element.
    let min (x: Tensor) =
        nonEmpty "min" x
        let struct (_, i) = x.Raw.ExtremeAll false
        let flat = x.Reshape [| -1 |]
        (Indexing.gather 0 (Tensor.OfRaw(x.Raw.Backend.OfInt64([| int64 i |], [| 1 |]))) flat).Reshape [||]

    let private extremeDimNamed (op: string) (isMax: bool) (dim: int) (keepDim: bool) (x: Tensor) =
        let d = Shape.normDim op x.Dim dim
        nonEmptyDim op d x
        let struct (_, idx) = x.Raw.ExtremeDim(d, true, isMax)
        let index = Tensor.OfRaw idx
        let values = Indexing.gather d index x
        if keepDim then struct (values, index)
        else struct (Shapes.squeezeDim d values, Shapes.squeezeDim d index)

    /// Maximum along a dimension: values and int64 indices.
    let maxDim (dim: int) (keepDim: bool) (x: Tensor) = extremeDimNamed "max" true dim keepDim x
    /// Minimum along a dimension: values and int64 indices.
    let minDim (dim: int) (keepDim: bool) (x: Tensor) = extremeDimNamed "min" false dim keepDim x
    /// Index of the largest element of the flattened tensor.
    let argmax (x: Tensor) =
        nonEmpty "argmax" x
        let struct (_, i) = x.Raw.ExtremeAll true in Tensor.OfRaw(x.Raw.Backend.OfInt64([| int64 i |], [||]))
    /// Index of the smallest element of the flattened tensor.
    let argmin (x: Tensor) =
        nonEmpty "argmin" x
        let struct (_, i) = x.Raw.ExtremeAll false in Tensor.OfRaw(x.Raw.Backend.OfInt64([| int64 i |], [||]))
    /// Indices of the largest elements along a dimension.
    let argmaxDim (dim: int) (keepDim: bool) (x: Tensor) = let struct (_, i) = extremeDimNamed "argmax" true dim keepDim x in i
    /// Indices of the smallest elements along a dimension.
    let argminDim (dim: int) (keepDim: bool) (x: Tensor) = let struct (_, i) = extremeDimNamed "argmin" false dim keepDim x in i

    /// log(sum(exp(x))) along a dimension, computed stably.
    let logsumexp (dim: int) (keepDim: bool) (x: Tensor) =
        Shape.normDim "logsumexp" x.Dim dim |> ignore
        if x.Numel = 0 then
            // Nothing to overflow, and no max to shift by: log of an empty sum is -inf, as in PyTorch.
            Elementwise.log ((Elementwise.exp x).Sum([| dim |], keepDim))
        else
            let d = Shape.normDim "logsumexp" x.Dim dim
            let kept = x.Shape |> Array.mapi (fun i s -> if i = d then 1 else s)
            // PyTorch's rules: g * exp(x - result) backward; forward, the softmax-weighted sum of dx as
            // sum(e * dx) / sum(e) with e = exp(x - max).
            Tensor.ApplyUnary({ new UnaryOp("LogsumexpBackward0") with
                member _.Forward r =
                    let struct (m, _) = r.ExtremeDim(d, true, true)
                    let s = r.Binary(BinaryKind.Sub, m).Unary(UnaryKind.Exp).SumDims([| d |], true)
                    let out = m.Binary(BinaryKind.Add, s.Unary UnaryKind.Log)
                    if keepDim then out else out.Reshape(r.Shape |> Array.indexed |> Array.filter (fun (i, _) -> i <> d) |> Array.map snd)
                member _.Jvp(x, dx, _) =
                    let struct (m, _) = maxDim d true x
                    let e = Elementwise.exp (x - m.Detach())
                    (e * dx).Sum([| d |], keepDim) / e.Sum([| d |], keepDim)
                member _.Vjp(x, y, g) = g.Reshape kept * Elementwise.exp (x - y.Reshape kept) }, x)

    // softmax/log_softmax as one op each, PyTorch's fused CPU kernels in float32 (Kernels/Softmax.fs); other dtypes
    // and empty tensors compose. Forward mode follows derivatives.yaml: both use logsumexp's JVP,
    // sum(e * dx) / sum(e) with e = exp(x - max), computed as PyTorch computes it.
    let private lseJvp (d: int) (x: Tensor) (dx: Tensor) =
        let struct (m, _) = maxDim d true x
        let e = Elementwise.exp (x - m.Detach())
        (e * dx).Sum([| d |], true) / e.Sum([| d |], true)

    let private softmaxOp (log: bool) (dim: int) (x: Tensor) =
        let name = if log then "log_softmax" else "softmax"
        let d = Shape.normDim name x.Dim dim
        let shape = x.Shape
        let size = if shape.Length = 0 then 1 else shape.[d]
        let outer = if shape.Length = 0 then 1 else Array.fold (*) 1 shape.[.. d - 1]
        let inner = if shape.Length = 0 then 1 else Array.fold (*) 1 shape.[d + 1 ..]
        let composed (x: Tensor) =
            let shifted = if x.Numel = 0 then x else (let struct (m, _) = maxDim d true x in x - m.Detach())
            if log then shifted - Elementwise.log ((Elementwise.exp shifted).Sum([| d |], true))
            else (let e = Elementwise.exp shifted in e / e.Sum([| d |], true))
        Tensor.ApplyUnary({ new UnaryOp(if log then "LogSoftmaxBackward0" else "SoftmaxBackward0") with
            member _.Forward r =
                if r.Dtype = Dtype.Float32 && r.Numel > 0 then
                    let dst = Array.zeroCreate r.Numel
                    (if log then Fluxion.Kernels.SoftmaxKernels.logSoftmax32 else Fluxion.Kernels.SoftmaxKernels.softmax32)
                        (r.ToFloat32Array()) outer size inner dst
                    r.Backend.OfFloat32(dst, shape)
                else (composed (Tensor.OfRaw r)).Raw
            member _.Jvp(x, dx, y) = if log then dx - lseJvp d x dx else y * (dx - lseJvp d x dx)
            member _.Vjp(_, y, g) =
                match y, g with
                | TC ry, TC rg when ry.Dtype = Dtype.Float32 && rg.Dtype = Dtype.Float32 && ry.Numel > 0 ->
                    let dst = Array.zeroCreate ry.Numel
                    (if log then Fluxion.Kernels.SoftmaxKernels.logSoftmaxBackward32 else Fluxion.Kernels.SoftmaxKernels.softmaxBackward32)
                        (ry.ToFloat32Array()) (rg.ToFloat32Array()) outer size inner dst
                    Tensor.OfRaw(ry.Backend.OfFloat32(dst, shape))
                | _ ->
                    if log then g - Elementwise.exp y * g.Sum([| d |], true)
                    else y * (g - (g * y).Sum([| d |], true)) }, x)

    /// Softmax along a dimension (PyTorch's fused kernel in float32).
    let softmax (dim: int) (x: Tensor) = softmaxOp false dim x

    /// Log-softmax along a dimension: (x - max) - log(sum(exp(x - max))), PyTorch's fused kernel in float32.
    let logSoftmax (dim: int) (x: Tensor) = softmaxOp true dim x
