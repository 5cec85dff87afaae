namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// 1-D convolution and pooling, built from differentiable gathers and matrix products so that every
/// derivative order comes for free.
module Convolution =
    let private outLength (op: string) (len: int) (k: int) (stride: int) (padding: int) (dilation: int) =
        // Test the numerator before dividing: integer division truncates -1 / 2 to 0, which would pass as length 1.
        let span = len + 2 * padding - dilation * (k - 1) - 1
        let l = if span < 0 then 0 else span / stride + 1
        if l <= 0 then
            raise (ShapeException(sprintf "%s: input length %d with padding %d is too short for kernel size %d (dilation %d)" op len padding k dilation))
        l

    /// Convolution geometry shared by the three bilinear ops below.
    [<Struct>]
    type internal Geometry = { Stride: int; Padding: int; Dilation: int; Groups: int }

    // The forward convolution and its two adjoints form a closed family of bilinear ops: the
    // derivative of each, in either argument, is another member of the family, so derivatives of
    // any order come out of the backend's direct kernels.

    /// y = conv(x; w) for x (N, Cin, L), w (Cout, Cin/groups, K).
    let rec internal convOp (g: Geometry) (x: Tensor) (w: Tensor) : Tensor =
        let xs = x.Shape
        Tensor.ApplyBinary({ new BinaryOp("ConvolutionBackward0") with
            member _.Forward(rx, rw) = rx.Conv1d(rw, g.Stride, g.Padding, g.Dilation, g.Groups)
            member _.JvpA(_, w, dx, _) = convOp g dx w
            member _.JvpB(x, _, dw, _) = convOp g x dw
            member _.VjpA(_, w, _, gy) = convGradInputOp g xs gy w
            member _.VjpB(x, w, _, gy) = convGradWeightOp g w.Shape gy x }, x, w)

    /// dx = convᵀ(gy; w): the adjoint of conv in its input, of shape `inputShape`.
    and internal convGradInputOp (g: Geometry) (inputShape: int[]) (gy: Tensor) (w: Tensor) : Tensor =
        Tensor.ApplyBinary({ new BinaryOp("ConvolutionBackwardBackward0") with
            member _.Forward(rg, rw) = rg.Conv1dGradInput(rw, inputShape, g.Stride, g.Padding, g.Dilation, g.Groups)
            member _.JvpA(_, w, dg, _) = convGradInputOp g inputShape dg w
            member _.JvpB(gy, _, dw, _) = convGradInputOp g inputShape gy dw
            member _.VjpA(_, w, _, a) = convOp g a w
            member _.VjpB(gy, w, _, a) = convGradWeightOp g w.Shape gy a }, gy, w)

    /// dw = corr(gy, x): the adjoint of conv in its weight, of shape `weightShape`.
    and internal convGradWeightOp (g: Geometry) (weightShape: int[]) (gy: Tensor) (x: Tensor) : Tensor =
        Tensor.ApplyBinary({ new BinaryOp("ConvolutionBackwardBackward1") with
            member _.Forward(rg, rx) = rg.Conv1dGradWeight(rx, weightShape, g.Stride, g.Padding, g.Dilation, g.Groups)
            member _.JvpA(_, x, dg, _) = convGradWeightOp g weightShape dg x
            member _.JvpB(gy, _, dx, _) = convGradWeightOp g weightShape gy dx
            member _.VjpA(_, x, _, b) = convOp g x b
            member _.VjpB(gy, x, _, b) = convGradInputOp g x.Shape gy b }, gy, x)

    /// The bias gradient: where PyTorch's oneDNN kernel forms it, in its float32 order (`Conv1d.oneDnnBiasGradOrder`);
    /// otherwise the broadcast adjoint's sum.
    let private biasGrad (g: Geometry) (xs: int[]) (ws: int[]) (gy: Tensor) : Tensor =
        let nb, cin, len = xs.[0], xs.[1], xs.[2]
        let cout, k = ws.[0], ws.[2]
        let lout = gy.Shape.[2]
        let order =
            match gy with
            | TC r when r.Dtype = Dtype.Float32 && (r.Backend :? ManagedBackend) -> Fluxion.Kernels.Conv1d.oneDnnBiasGradOrder nb cin cout len k g.Stride g.Dilation g.Groups
            | _ -> 0
        if order = 0 then Tensor.SumToShape(gy, [| 1; cout; 1 |]).Reshape [| cout |]
        else
            let r = gy.Raw
            let d = r.ToFloat32Array()
            let db = Array.init cout (fun oc ->
                let mutable s = 0.0f
                for b in 0 .. nb - 1 do
                    let o = (b * cout + oc) * lout
                    if order = 1 then
                        for j in 0 .. lout - 1 do s <- s + d.[o + j]
                    else
                        let mutable row = 0.0f
                        for j in 0 .. lout - 1 do row <- row + d.[o + j]
                        s <- s + row
                s)
            Tensor.OfRaw(r.Backend.OfFloat32(db, [| cout |]))

    /// y = conv(x; w) + b as one op on x and wb = [w flattened; b], like PyTorch's convolution: its tangent is
    /// conv(ẋ; w) + (conv(x; ẇ) + ḃ), the order of PyTorch 1.13's convolution_jvp (the bias tangent rides with
    /// the weight tangent's convolution).
    let internal convBiasOp (g: Geometry) (x: Tensor) (w: Tensor) (b: Tensor) : Tensor =
        let xs = x.Shape
        let ws = w.Shape
        let nw = w.Numel
        let cout = ws.[0]
        let bshape = [| 1; cout; 1 |]
        let split (wb: Tensor) = wb.Narrow(0, 0, nw).Reshape ws, wb.Narrow(0, nw, cout)
        let wb = Shapes.cat 0 [| w.Reshape [| nw |]; b |]
        Tensor.ApplyBinary({ new BinaryOp("ConvolutionBackward0") with
            member _.Forward(rx, rwb) =
                let wb = Tensor.OfRaw rwb
                let w, b = split wb
                (Tensor.OfRaw(rx.Conv1d(w.Raw, g.Stride, g.Padding, g.Dilation, g.Groups)) + b.Reshape bshape).Raw
            member _.JvpA(_, wb, dx, _) = convOp g dx (fst (split wb))
            member _.JvpB(x, _, dwb, _) = let dw, db = split dwb in convOp g x dw + db.Reshape bshape
            member _.VjpA(_, wb, _, gy) = convGradInputOp g xs gy (fst (split wb))
            member _.VjpB(x, _, _, gy) =
                Shapes.cat 0 [| (convGradWeightOp g ws gy x).Reshape [| nw |]; biasGrad g xs ws gy |] }, x, wb)

    /// 1-D convolution (cross-correlation like PyTorch): input (N, Cin, L) or (Cin, L), weight (Cout, Cin/groups, K).
    let conv1d (stride: int) (padding: int) (dilation: int) (groups: int) (weight: Tensor) (bias: Tensor option) (x: Tensor) =
        if isNull (box x) then raise (ArgumentNullException("x", "conv1d: the input is null"))
        if isNull (box weight) then raise (ArgumentNullException("weight", "conv1d: the weight is null"))
        if stride < 1 then raise (ArgumentOutOfRangeException("stride", sprintf "conv1d: non-positive stride is not supported (got stride=%d); use stride >= 1" stride))
        if dilation < 1 then raise (ArgumentOutOfRangeException("dilation", sprintf "conv1d: dilation should be greater than zero (got dilation=%d)" dilation))
        if padding < 0 then raise (ArgumentOutOfRangeException("padding", sprintf "conv1d: negative padding is not supported (got padding=%d)" padding))
        if groups < 1 then raise (ArgumentOutOfRangeException("groups", sprintf "conv1d: non-positive groups is not supported (got groups=%d)" groups))
        let unbatched = x.Dim = 2
        let x = if unbatched then Shapes.unsqueeze 0 x else x
        if x.Dim <> 3 then
            raise (ShapeException(sprintf "conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape %s" (Shape.toString x.Shape)))
        let ws = weight.Shape
        if ws.Length <> 3 then raise (ShapeException(sprintf "conv1d: weight must be 3-D (out, in/groups, kernel), got %s" (Shape.toString ws)))
        let cin = x.Shape.[1]
        let cout, cpg, k = ws.[0], ws.[1], ws.[2]
        if cin <> cpg * groups then
            raise (ShapeException(sprintf "conv1d: input has %d channels (shape %s) but weight %s with groups=%d expects %d" cin (Shape.toString x.Shape) (Shape.toString ws) groups (cpg * groups)))
        if cout % groups <> 0 then raise (ShapeException(sprintf "conv1d: out channels %d not divisible by groups %d" cout groups))
        match bias with
        | Some b when not (isNull (box b)) && not (b.Dim = 1 && b.Shape.[0] = cout) ->
            raise (ShapeException(sprintf "conv1d: Given weight of size [%s], expected bias to be 1-dimensional with %d elements, but got bias of size [%s] instead" (String.Join(", ", ws)) cout (String.Join(", ", b.Shape)), "bias"))
        | _ -> ()
        outLength "conv1d" x.Shape.[2] k stride padding dilation |> ignore
        // PyTorch refuses an empty signal unless the batch or the channels are empty too, even when padding fills a window.
        if x.Shape.[2] = 0 && x.Shape.[0] > 0 && cin > 0 then
            raise (ShapeException(sprintf "conv1d: Only zero batch or zero channel inputs are supported, but got input shape: [%s]" (String.Join(", ", x.Shape))))
        let struct (x, weight) = if x.Dtype = weight.Dtype then struct (x, weight) else struct (x.Cast(Dtype.promote x.Dtype weight.Dtype), weight.Cast(Dtype.promote x.Dtype weight.Dtype))
        let geometry = { Stride = stride; Padding = padding; Dilation = dilation; Groups = groups }
        let y =
            match bias with
            | Some b when b.Dtype = x.Dtype -> convBiasOp geometry x weight b
            | Some b -> convOp geometry x weight + b.Reshape [| 1; cout; 1 |]
            | None -> convOp geometry x weight
        if unbatched then Shapes.squeezeDim 0 y else y

    /// Max pooling over the last dimension of (N, C, L) or (C, L).
    let maxPool1d (k: int) (stride: int) (padding: int) (dilation: int) (x: Tensor) =
        if k < 1 then raise (ArgumentOutOfRangeException("k", sprintf "max_pool1d() kernel_size must be greater than zero, but got %d" k))
        if stride < 1 then raise (ArgumentOutOfRangeException("stride", sprintf "max_pool1d() stride must be greater than zero, but got %d" stride))
        if dilation < 1 then raise (ArgumentOutOfRangeException("dilation", sprintf "max_pool1d() dilation must be greater than zero, but got %d" dilation))
        if padding < 0 then raise (ArgumentOutOfRangeException("padding", sprintf "max_pool1d() padding must be non-negative, but got %d" padding))
        if padding * 2 > k then invalidArg "padding" (sprintf "max_pool1d: padding %d should be at most half of kernel size %d" padding k)
        let unbatched = x.Dim = 2
        let x = if unbatched then Shapes.unsqueeze 0 x else x
        if x.Dim <> 3 then raise (ShapeException(sprintf "max_pool1d: expected a 2-D or 3-D input, got shape %s" (Shape.toString x.Shape)))
        outLength "max_pool1d" x.Shape.[2] k stride padding dilation |> ignore
        let struct (_, idx) = x.Raw.MaxPool1d(k, stride, padding, dilation)
        let y = Indexing.gather 2 (Tensor.OfRaw idx) x
        if unbatched then Shapes.squeezeDim 0 y else y

    /// Max pooling with PyTorch's ceil_mode: the output length rounds up (a last window may hang over the right
    /// edge but starts inside the input or the left padding); the overhang reads as -inf, so it never wins.
    let maxPool1dCeil (k: int) (stride: int) (padding: int) (dilation: int) (ceilMode: bool) (x: Tensor) =
        if not ceilMode || x.Dim < 1 || k < 1 || stride < 1 || dilation < 1 then maxPool1d k stride padding dilation x
        else
            let len = x.Shape.[x.Dim - 1]
            let span = len + 2 * padding - dilation * (k - 1) - 1
            let floorLen = if span < 0 then 0 else span / stride + 1
            let mutable ceilLen = if span < 0 then 0 else (span + stride - 1) / stride + 1
            if ceilLen > 0 && (ceilLen - 1) * stride >= len + padding then ceilLen <- ceilLen - 1
            if ceilLen <= floorLen then maxPool1d k stride padding dilation x
            else
                // Extra right cells so the floor-mode kernel produces ceilLen windows.
                let extra = (ceilLen - 1) * stride + dilation * (k - 1) + 1 - (len + 2 * padding)
                let padShape = Array.copy x.Shape
                padShape.[padShape.Length - 1] <- extra
                let fill = Creation.full padShape Double.NegativeInfinity x.Dtype
                maxPool1d k stride padding dilation (Shapes.cat (x.Dim - 1) [| x; fill |])

    /// Average pooling of (N, C, L) and its adjoint: a pair of linear ops, each the other's derivative.
    let rec internal avgPoolOp (k: int) (stride: int) (padding: int) (x: Tensor) : Tensor =
        let xs = x.Shape
        Tensor.ApplyUnary({ new UnaryOp("AvgPool2DBackward0") with
            member _.Forward r = r.AvgPool1d(k, stride, padding)
            member _.Jvp(_, dx, _) = avgPoolOp k stride padding dx
            member _.Vjp(_, _, g) = avgPoolAdjointOp k stride padding xs g }, x)

    and internal avgPoolAdjointOp (k: int) (stride: int) (padding: int) (inputShape: int[]) (g: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("AvgPool2DBackwardBackward0") with
            member _.Forward r = r.AvgPool1dGrad(inputShape, k, stride, padding)
            member _.Jvp(_, dg, _) = avgPoolAdjointOp k stride padding inputShape dg
            member _.Vjp(_, _, a) = avgPoolOp k stride padding a }, g)

    /// PyTorch's pooling_output_shape (dilation 1): floor division of the span; ceil mode adds a last partial
    /// window unless that window would start inside the right padding.
    let internal poolOutLength (len: int) (k: int) (stride: int) (padding: int) (ceilMode: bool) =
        let span = len + 2 * padding - (k - 1) - 1 + (if ceilMode then stride - 1 else 0)
        let floorDiv = if span >= 0 then span / stride else -((-span + stride - 1) / stride)
        let l = floorDiv + 1
        if ceilMode && (l - 1) * stride >= len + padding then l - 1 else l

    /// Window of output cell o as PyTorch's CPU kernel sees it: [start, stop) clipped to the input, and the divisor
    /// (the window's length up to the right padding when padding counts, else the clipped length).
    let inline private avgWindow (len: int) (k: int) (stride: int) (padding: int) (countIncludePad: bool) (o: int) =
        let a0 = o * stride - padding
        let b0 = min (a0 + k) (len + padding)
        let a, b = max a0 0, min b0 len
        struct (a, b, (if countIncludePad then b0 - a0 else b - a))

    /// float32 ops done in double and rounded after each step give float32's bits (double has more than twice
    /// float32's precision, so rounding twice is harmless).
    let inline private roundTo (isF32: bool) (v: float) = if isF32 then float (float32 v) else v

    /// Window sums divided by each window's divisor, over rows of (…, len); empty windows give 0, as in PyTorch.
    let private avgPoolModesRaw (k: int) (stride: int) (padding: int) (countIncludePad: bool) (lout: int) (r: RawTensor) : RawTensor =
        let s = r.Shape
        let len = s.[s.Length - 1]
        let rows = if len = 0 then 0 else r.Numel / len
        let isF32 = r.Dtype = Dtype.Float32
        let x = r.ToDoubleArray()
        let y = Array.zeroCreate<float> (rows * lout)
        for row in 0 .. rows - 1 do
            for o in 0 .. lout - 1 do
                let struct (a, b, d) = avgWindow len k stride padding countIncludePad o
                if a < b then
                    let mutable sum = 0.0
                    for i in a .. b - 1 do sum <- roundTo isF32 (sum + x.[row * len + i])
                    y.[row * lout + o] <- roundTo isF32 (sum / float d)
        let shape = Array.append s.[.. s.Length - 2] [| lout |]
        if isF32 then r.Backend.OfFloat32(Array.map float32 y, shape) else r.Backend.OfFloat64(y, shape)

    /// The adjoint: each output gradient divided by its divisor, added to its window's inputs in output order.
    let private avgUnpoolModesRaw (k: int) (stride: int) (padding: int) (countIncludePad: bool) (len: int) (r: RawTensor) : RawTensor =
        let s = r.Shape
        let lout = s.[s.Length - 1]
        let rows = if lout = 0 then 0 else r.Numel / lout
        let isF32 = r.Dtype = Dtype.Float32
        let g = r.ToDoubleArray()
        let x = Array.zeroCreate<float> (rows * len)
        for row in 0 .. rows - 1 do
            for o in 0 .. lout - 1 do
                let struct (a, b, d) = avgWindow len k stride padding countIncludePad o
                if a < b then
                    let share = roundTo isF32 (g.[row * lout + o] / float d)
                    for i in a .. b - 1 do x.[row * len + i] <- roundTo isF32 (x.[row * len + i] + share)
        let shape = Array.append s.[.. s.Length - 2] [| len |]
        if isF32 then r.Backend.OfFloat32(Array.map float32 x, shape) else r.Backend.OfFloat64(x, shape)

    /// Average pooling with ceil mode or without counting the padding, and its adjoint: linear ops, each the
    /// other's derivative to every order.
    let rec internal avgPoolModesOp (k: int) (stride: int) (padding: int) (countIncludePad: bool) (lout: int) (x: Tensor) : Tensor =
        let len = x.Shape.[x.Dim - 1]
        Tensor.ApplyUnary({ new UnaryOp("AvgPool2DBackward0") with
            member _.Forward r = avgPoolModesRaw k stride padding countIncludePad lout r
            member _.Jvp(_, dx, _) = avgPoolModesOp k stride padding countIncludePad lout dx
            member _.Vjp(_, _, g) = avgPoolModesAdjointOp k stride padding countIncludePad len g }, x)

    and internal avgPoolModesAdjointOp (k: int) (stride: int) (padding: int) (countIncludePad: bool) (len: int) (g: Tensor) : Tensor =
        let lout = g.Shape.[g.Dim - 1]
        Tensor.ApplyUnary({ new UnaryOp("AvgPool2DBackwardBackward0") with
            member _.Forward r = avgUnpoolModesRaw k stride padding countIncludePad len r
            member _.Jvp(_, dg, _) = avgPoolModesAdjointOp k stride padding countIncludePad len dg
            member _.Vjp(_, _, a) = avgPoolModesOp k stride padding countIncludePad lout a }, g)

    /// `F.avg_pool1d(x, k, stride, padding, ceil_mode, count_include_pad)` over the last dimension of (N, C, L) or
    /// (C, L), with PyTorch 1.13's checks in its order and its messages.
    let avgPool1dWith (k: int) (stride: int) (padding: int) (ceilMode: bool) (countIncludePad: bool) (x: Tensor) =
        if x.Dim <> 2 && x.Dim <> 3 then
            raise (ShapeException(sprintf "Expected 2 to 3 dimensions, but got %d-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)" x.Dim))
        if stride = 0 then raise (ArgumentOutOfRangeException("stride", "stride should not be zero"))
        if padding < 0 then raise (ArgumentOutOfRangeException("padding", sprintf "pad must be non-negative, but got pad: %d" padding))
        // C's truncating division, as PyTorch's check: a kernel of -1 still admits padding 0.
        if padding > ((k - 1) + 1) / 2 then
            raise (ArgumentOutOfRangeException("padding", sprintf "pad should be at most half of kernel size, but got pad=%d and kernel_size=%d" padding k))
        if k <= 0 then raise (ArgumentOutOfRangeException("k", sprintf "kernel size should be greater than zero, but got kH: 1 kW: %d" k))
        if stride < 0 then raise (ArgumentOutOfRangeException("stride", sprintf "stride should be greater than zero, but got dH: 1 dW: %d" stride))
        let unbatched = x.Dim = 2
        let x = if unbatched then Shapes.unsqueeze 0 x else x
        let len = x.Shape.[2]
        let lout = poolOutLength len k stride padding ceilMode
        if lout < 1 && len > 0 then
            raise (ShapeException(sprintf "Given input size: (%dx1x%d). Calculated output size: (%dx1x%d). Output size is too small"
                                      x.Shape.[1] len x.Shape.[1] lout))
        let xf = if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32
        let y =
            // The default modes keep the backend's kernel; the others only change the windows' ends and divisors.
            if countIncludePad && lout = (if len + 2 * padding < k then 0 else (len + 2 * padding - k) / stride + 1) then
                outLength "avg_pool1d" len k stride padding 1 |> ignore
                avgPoolOp k stride padding xf
            else avgPoolModesOp k stride padding countIncludePad lout xf
        if unbatched then Shapes.squeezeDim 0 y else y

    /// Average pooling over the last dimension (zero padding counted, PyTorch's default).
    let avgPool1d (k: int) (stride: int) (padding: int) (x: Tensor) = avgPool1dWith k stride padding false true x
