namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// Gather/scatter along a dimension with int64 indices.
module Indexing =
    let private checkIndex (op: string) (index: Tensor) (x: Tensor) (d: int) =
        if index.Dtype <> Dtype.Int64 then invalidArg "index" (sprintf "%s: index must be an int64 tensor, got %s" op (Dtype.name index.Dtype))
        if index.Dim <> x.Dim then
            raise (ShapeException(sprintf "%s: index has shape %s but input has shape %s; they need the same number of dimensions" op (Shape.toString index.Shape) (Shape.toString x.Shape)))
        index.Shape |> Array.iteri (fun i s ->
            if i <> d && s > x.Shape.[i] then
                raise (ShapeException(sprintf "%s: index shape %s exceeds input shape %s in dimension %d" op (Shape.toString index.Shape) (Shape.toString x.Shape) i)))

    /// out[i][j] = x[index[i][j]][j] along `dim` (PyTorch's `gather`).
    let rec gather (dim: int) (index: Tensor) (x: Tensor) : Tensor =
        let d = Shape.normDim "gather" x.Dim dim
        checkIndex "gather" index x d
        let xs = x.Shape
        let ri = index.Raw
        Tensor.ApplyUnary({ new UnaryOp("GatherBackward0") with
            member _.Forward r = r.Gather(d, ri)
            member _.Jvp(_, dx, _) = gather d index dx
            member _.Vjp(_, _, g) = scatterAdd xs d index g }, x)

    /// Zeros of `shape` with `src` added at `index` along `dim` (the adjoint of gather).
    and scatterAdd (shape: int[]) (dim: int) (index: Tensor) (src: Tensor) : Tensor =
        let ri = index.Raw
        Tensor.ApplyUnary({ new UnaryOp("ScatterAddBackward0") with
            member _.Forward r = r.ScatterAddInto(shape, dim, ri)
            member _.Jvp(_, dx, _) = scatterAdd shape dim index dx
            member _.Vjp(_, _, g) = gather dim index g }, src)

    /// Rows (or slices along `dim`) picked by an int64 index vector (PyTorch's `index_select`).
    let indexSelect (dim: int) (index: Tensor) (x: Tensor) =
        let d = Shape.normDim "index_select" x.Dim dim
        if index.Dim <> 1 then raise (ShapeException(sprintf "index_select: index must be 1-D, got shape %s" (Shape.toString index.Shape)))
        let s = x.Shape
        let n = index.Shape.[0]
        let shapeIdx = Array.init s.Length (fun i -> if i = d then n else 1)
        let target = Array.init s.Length (fun i -> if i = d then n else s.[i])
        let idx = Tensor.OfRaw(index.Raw.Reshape(shapeIdx).Expand(target))
        gather d idx x

    /// Elements where a bool mask is true, as a 1-D tensor (PyTorch's `masked_select`).
    let maskedSelect (mask: Tensor) (x: Tensor) =
        let m = mask.Raw.Expand(Shape.broadcast "masked_select" mask.Shape x.Shape).ToBoolArray()
        let x = x.Expand(Shape.broadcast "masked_select" mask.Shape x.Shape)
        let picks = [| for i in 0 .. m.Length - 1 do if m.[i] then yield int64 i |]
        gather 0 (Tensor.OfRaw(x.Raw.Backend.OfInt64(picks, [| picks.Length |]))) (x.Reshape [| -1 |])

    /// Fills elements where the mask is true with a value (not differentiable through the mask).
    let maskedFill (mask: Tensor) (value: float) (x: Tensor) =
        Tensor.Where(mask, x.FullLike(value), x)
