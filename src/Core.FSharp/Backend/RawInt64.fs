namespace Fluxion.Backend

open System
open Fluxion

/// Managed int64 tensors (class indices, counters).
[<Sealed>]
type RawInt64(data: int64[], shape: int[]) =
    inherit RawArray<int64>(data, shape)
    static let unsupported (what: string) = raise (NotSupportedException(sprintf "%s is not supported for torch.int64 tensors; cast to float first" what))
    override _.Make(d, s) = RawInt64(d, s) :> RawTensor
    override _.Dtype = Dtype.Int64
    override t.UnaryImpl(k) =
        match k with
        | UnaryKind.Neg -> RawInt64(Loops.map (fun x -> -x) data, shape) :> RawTensor
        | UnaryKind.Abs -> RawInt64(Loops.map abs data, shape) :> RawTensor
        | UnaryKind.Sign -> RawInt64(Loops.map (fun x -> int64 (sign x)) data, shape) :> RawTensor
        | _ -> (t.Cast Dtype.Float32).Unary k
    override t.UnaryParamImpl(k, _) = unsupported (string k)
    override t.ClampImpl(lo, hi) =
        RawInt64(Loops.map (fun x ->
            let x = if not (Double.IsNaN lo) && float x < lo then int64 (ceil lo) else x
            if not (Double.IsNaN hi) && float x > hi then int64 (floor hi) else x) data, shape) :> RawTensor
    override t.BinaryImpl(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "binary" shape o.Shape
        let r =
            match k with
            | BinaryKind.Add -> Loops.zip (+) data shape b o.Shape s
            | BinaryKind.Sub -> Loops.zip (-) data shape b o.Shape s
            | BinaryKind.Mul -> Loops.zip (*) data shape b o.Shape s
            | BinaryKind.Max -> Loops.zip max data shape b o.Shape s
            | BinaryKind.Min -> Loops.zip min data shape b o.Shape s
            | _ -> unsupported (string k)
        RawInt64(r, s) :> RawTensor
    override t.BinaryScalarImpl(k, sv, first) =
        if sv <> Math.Floor sv then (t.Cast Dtype.Float32).BinaryScalar(k, sv, first)
        else
            let v = int64 sv
            match k with
            | BinaryKind.Add -> RawInt64(Loops.map (fun x -> x + v) data, shape) :> RawTensor
            | BinaryKind.Mul -> RawInt64(Loops.map (fun x -> x * v) data, shape) :> RawTensor
            | BinaryKind.Sub -> RawInt64(Loops.map (fun x -> if first then v - x else x - v) data, shape) :> RawTensor
            | _ -> (t.Cast Dtype.Float32).BinaryScalar(k, sv, first)
    override t.CompareImpl(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "compare" shape o.Shape
        let r =
            match k with
            | CompareKind.Eq -> Loops.zip (=) data shape b o.Shape s
            | CompareKind.Ne -> Loops.zip (<>) data shape b o.Shape s
            | CompareKind.Lt -> Loops.zip (<) data shape b o.Shape s
            | CompareKind.Le -> Loops.zip (<=) data shape b o.Shape s
            | CompareKind.Gt -> Loops.zip (>) data shape b o.Shape s
            | _ -> Loops.zip (>=) data shape b o.Shape s
        RawBool(r, s) :> RawTensor
    override t.CompareScalarImpl(k, v) = (t.Cast Dtype.Float64).CompareScalar(k, v)
    override t.SumAllImpl() = RawInt64([| Array.sum data |], [||]) :> RawTensor
    override t.SumDimsImpl(dims, keepDim) =
        let kept = Loops.reducedShape shape dims
        let r = Array.zeroCreate (Shape.numel kept)
        Loops.walk shape (Loops.broadcastStrides kept shape) 0 (fun i o -> r.[o] <- r.[o] + data.[i])
        RawInt64(r, (if keepDim then kept else Loops.dropDims kept dims)) :> RawTensor
    override t.ExtremeDimImpl(dim, keepDim, isMax) =
        let struct (v, i) = (t.Cast Dtype.Float64).ExtremeDim(dim, keepDim, isMax)
        struct (v.Cast Dtype.Int64, i)
    override t.ExtremeAllImpl(isMax) =
        let struct (v, i) = (t.Cast Dtype.Float64).ExtremeAll(isMax)
        struct (v.Cast Dtype.Int64, i)
    override t.MatMulImpl(o, ta, tb) = ((t.Cast Dtype.Float64).MatMul(o.Cast Dtype.Float64, ta, tb)).Cast Dtype.Int64
    override t.SliceScatterImpl(fullShape, starts, steps) = ((t.Cast Dtype.Float64).SliceScatter(fullShape, starts, steps)).Cast Dtype.Int64
    override t.ScatterAddIntoImpl(s, d, i) = ((t.Cast Dtype.Float64).ScatterAddInto(s, d, i)).Cast Dtype.Int64
    override t.Conv1dImpl(_, _, _, _, _) = unsupported "conv1d"
    override t.Conv1dGradInputImpl(_, _, _, _, _, _) = unsupported "conv1d"
    override t.Conv1dGradWeightImpl(_, _, _, _, _, _) = unsupported "conv1d"
    override t.MaxPool1dImpl(_, _, _, _) = unsupported "max_pool1d"
    override t.AvgPool1dImpl(_, _, _) = unsupported "avg_pool1d"
    override t.AvgPool1dGradImpl(_, _, _, _) = unsupported "avg_pool1d"
    override t.CastImpl(d) =
        match d with
        | Dtype.Int64 -> t :> RawTensor
        // The float storage is compiled later; the backend builds it (see ManagedHome).
        | Dtype.Float32 -> t.Backend.OfFloat32(Loops.map float32 data, shape)
        | Dtype.Float64 -> t.Backend.OfFloat64(Loops.map float data, shape)
        // Narrowing keeps the low 32 bits (two's-complement wrap), as PyTorch's C cast does on its platforms.
        | Dtype.Int32 -> RawInt32(Loops.map int32 data, shape) :> RawTensor
        | _ -> RawBool(Loops.map (fun x -> x <> 0L) data, shape) :> RawTensor
    override t.GetDoubleImpl(i) = float data.[i]
    override t.ToDoubleArrayImpl() = Loops.map float data
    override t.ToFloat32ArrayImpl() = Loops.map float32 data
    override t.ToInt64ArrayImpl() = Array.copy data
    override t.ToBoolArrayImpl() = Loops.map (fun x -> x <> 0L) data
    override t.AddInPlaceImpl(o, alpha) =
        let b = t.Arr o
        for i in 0 .. data.Length - 1 do data.[i] <- data.[i] + int64 alpha * b.[i]
    override t.FillInPlaceImpl(v) = Array.Fill(data, int64 v)
