namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// 1-D convolution and pooling, built from differentiable gathers and matrix products so that every
/// derivative order comes for free.
module Convolution =
    let private outLength (op: string) (len: int) (k: int) (stride: int) (padding: int) (dilation: int) =
        let l = (len + 2 * padding - dilation * (k - 1) - 1) / stride + 1
        if l <= 0 then
            raise (ShapeException(sprintf "%s: input length %d with padding %d is too short for kernel size %d (dilation %d)" op len padding k dilation))
        l

    /// Sliding windows of the last dimension: (N, C, L) -> (N, C, K, Lout).
    let unfold1d (k: int) (stride: int) (padding: int) (dilation: int) (x: Tensor) =
        let s = x.Shape
        let xp = if padding > 0 then Shapes.pad [| padding; padding |] 0.0 x else x
        let lout = outLength "unfold" s.[2] k stride padding dilation
        let idx = Array.init (k * lout) (fun i -> int64 ((i % lout) * stride + (i / lout) * dilation))
        let index = Tensor.OfRaw(x.Raw.Backend.OfInt64(idx, [| 1; 1; k * lout |]).Expand([| s.[0]; s.[1]; k * lout |]))
        (Indexing.gather 2 index xp).Reshape [| s.[0]; s.[1]; k; lout |]

    /// 1-D convolution (cross-correlation like PyTorch): input (N, Cin, L) or (Cin, L), weight (Cout, Cin/groups, K).
    let conv1d (stride: int) (padding: int) (dilation: int) (groups: int) (weight: Tensor) (bias: Tensor option) (x: Tensor) =
        if stride < 1 || dilation < 1 || padding < 0 || groups < 1 then
            invalidArg "stride" (sprintf "conv1d: stride %d and dilation %d must be >= 1, padding %d >= 0, groups %d >= 1" stride dilation padding groups)
        let unbatched = x.Dim = 2
        let x = if unbatched then Shapes.unsqueeze 0 x else x
        if x.Dim <> 3 then
            raise (ShapeException(sprintf "conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape %s" (Shape.toString x.Shape)))
        let ws = weight.Shape
        if ws.Length <> 3 then raise (ShapeException(sprintf "conv1d: weight must be 3-D (out, in/groups, kernel), got %s" (Shape.toString ws)))
        let n, cin, _ = x.Shape.[0], x.Shape.[1], x.Shape.[2]
        let cout, cpg, k = ws.[0], ws.[1], ws.[2]
        if cin <> cpg * groups then
            raise (ShapeException(sprintf "conv1d: input has %d channels (shape %s) but weight %s with groups=%d expects %d" cin (Shape.toString x.Shape) (Shape.toString ws) groups (cpg * groups)))
        if cout % groups <> 0 then raise (ShapeException(sprintf "conv1d: out channels %d not divisible by groups %d" cout groups))
        let cols = unfold1d k stride padding dilation x // (N, Cin, K, Lout)
        let lout = cols.Shape.[3]
        let opg = cout / groups
        let outs =
            Array.init groups (fun g ->
                let c = cols.Narrow(1, g * cpg, cpg).Reshape [| n; cpg * k; lout |]
                let w = weight.Narrow(0, g * opg, opg).Reshape [| opg; cpg * k |]
                Tensor.MatMul(w, c))
        let y = if groups = 1 then outs.[0] else Shapes.cat 1 outs
        let y =
            match bias with
            | Some b -> y + b.Reshape [| 1; cout; 1 |]
            | None -> y
        if unbatched then Shapes.squeezeDim 0 y else y

    /// Max pooling over the last dimension of (N, C, L) or (C, L).
    let maxPool1d (k: int) (stride: int) (padding: int) (dilation: int) (x: Tensor) =
        if padding * 2 > k then invalidArg "padding" (sprintf "max_pool1d: padding %d should be at most half of kernel size %d" padding k)
        let unbatched = x.Dim = 2
        let x = if unbatched then Shapes.unsqueeze 0 x else x
        if x.Dim <> 3 then raise (ShapeException(sprintf "max_pool1d: expected a 2-D or 3-D input, got shape %s" (Shape.toString x.Shape)))
        outLength "max_pool1d" x.Shape.[2] k stride padding dilation |> ignore
        let _, idx = x.Raw.MaxPool1d(k, stride, padding, dilation)
        let y = Indexing.gather 2 (Tensor.OfRaw idx) x
        if unbatched then Shapes.squeezeDim 0 y else y

    /// Average pooling over the last dimension (zero padding counted, PyTorch's default).
    let avgPool1d (k: int) (stride: int) (padding: int) (x: Tensor) =
        let unbatched = x.Dim = 2
        let x = if unbatched then Shapes.unsqueeze 0 x else x
        if x.Dim <> 3 then raise (ShapeException(sprintf "avg_pool1d: expected a 2-D or 3-D input, got shape %s" (Shape.toString x.Shape)))
        let cols = unfold1d k stride padding 1 x
        let y = Reductions.meanDim 2 false cols
        if unbatched then Shapes.squeezeDim 0 y else y
