namespace Fluxion.Backend

open System
open Fluxion

/// Managed int32 tensors (torch.int32). Kernels run in int64 and narrow back: add, sub, mul, neg, max and min modulo
/// 2^32 give the same bits as PyTorch's int32 arithmetic (which wraps), so one set of integer kernels serves both.
[<Sealed>]
type RawInt32(data: int32[], shape: int[]) =
    inherit RawArray<int32>(data, shape)
    static let unsupported (what: string) =
        raise (NotSupportedException(sprintf "%s is not supported for torch.int32 tensors; cast with .To(Dtype.Float32) first" what))
    member private t.Wide() = t.Backend.OfInt64(Loops.map int64 data, shape)
    static member private Narrow(r: RawTensor) = r.Cast Dtype.Int32
    override _.Make(d, s) = RawInt32(d, s) :> RawTensor
    override _.Dtype = Dtype.Int32
    override t.UnaryImpl(k) =
        match k with
        | UnaryKind.Neg | UnaryKind.Abs | UnaryKind.Sign -> RawInt32.Narrow((t.Wide()).Unary k)
        | _ -> (t.Cast Dtype.Float32).Unary k
    override t.UnaryParamImpl(k, _) = unsupported (string k)
    override t.ClampImpl(lo, hi) = RawInt32.Narrow((t.Wide()).Clamp(lo, hi))
    override t.BinaryImpl(k, o) =
        match k with
        | BinaryKind.Add | BinaryKind.Sub | BinaryKind.Mul | BinaryKind.Max | BinaryKind.Min ->
            RawInt32.Narrow((t.Wide()).Binary(k, o.Cast Dtype.Int64))
        | _ -> unsupported (string k)
    override t.BinaryScalarImpl(k, sv, first) =
        if sv = Math.Floor sv && (k = BinaryKind.Add || k = BinaryKind.Sub || k = BinaryKind.Mul) then
            // An integral Python scalar keeps the tensor's dtype (PyTorch: int32 + 2 is int32).
            RawInt32.Narrow((t.Wide()).BinaryScalar(k, sv, first))
        else (t.Cast Dtype.Float32).BinaryScalar(k, sv, first)
    override t.CompareImpl(k, o) = (t.Wide()).Compare(k, o.Cast Dtype.Int64)
    override t.CompareScalarImpl(k, v) = (t.Cast Dtype.Float64).CompareScalar(k, v)
    // PyTorch sums integer tensors in int64 (torch.sum of int32 has dtype int64).
    override t.SumAllImpl() = (t.Wide()).SumAll()
    override t.SumDimsImpl(dims, keepDim) = (t.Wide()).SumDims(dims, keepDim)
    override t.ExtremeDimImpl(dim, keepDim, isMax) =
        let struct (v, i) = (t.Wide()).ExtremeDim(dim, keepDim, isMax)
        struct (RawInt32.Narrow v, i)
    override t.ExtremeAllImpl(isMax) =
        let struct (v, i) = (t.Wide()).ExtremeAll(isMax)
        struct (RawInt32.Narrow v, i)
    override t.MatMulImpl(o, ta, tb) = RawInt32.Narrow((t.Wide()).MatMul(o.Cast Dtype.Int64, ta, tb))
    override t.SliceScatterImpl(fullShape, starts, steps) = RawInt32.Narrow((t.Wide()).SliceScatter(fullShape, starts, steps))
    override t.ScatterAddIntoImpl(s, d, i) = RawInt32.Narrow((t.Wide()).ScatterAddInto(s, d, i))
    override t.Conv1dImpl(_, _, _, _, _) = unsupported "conv1d"
    override t.Conv1dGradInputImpl(_, _, _, _, _, _) = unsupported "conv1d"
    override t.Conv1dGradWeightImpl(_, _, _, _, _, _) = unsupported "conv1d"
    override t.MaxPool1dImpl(_, _, _, _) = unsupported "max_pool1d"
    override t.AvgPool1dImpl(_, _, _) = unsupported "avg_pool1d"
    override t.AvgPool1dGradImpl(_, _, _, _) = unsupported "avg_pool1d"
    override t.CastImpl(d) =
        match d with
        | Dtype.Int32 -> t :> RawTensor
        | Dtype.Int64 -> t.Wide()
        // Storages of later files come from the backend (see ManagedHome).
        | Dtype.Float32 -> t.Backend.OfFloat32(Loops.map float32 data, shape)
        | Dtype.Float64 -> t.Backend.OfFloat64(Loops.map float data, shape)
        | _ -> t.Backend.OfBool(Loops.map (fun x -> x <> 0) data, shape)
    override t.GetDoubleImpl(i) = float data.[i]
    override t.ToDoubleArrayImpl() = Loops.map float data
    override t.ToFloat32ArrayImpl() = Loops.map float32 data
    override t.ToInt64ArrayImpl() = Loops.map int64 data
    override t.ToBoolArrayImpl() = Loops.map (fun x -> x <> 0) data
    override t.AddInPlaceImpl(o, alpha) =
        let b = (o.Cast Dtype.Int32).ToInt64Array()
        let a = int64 alpha
        for i in 0 .. data.Length - 1 do data.[i] <- int32 (int64 data.[i] + a * b.[i])
    override t.FillInPlaceImpl(v) = Array.Fill(data, int32 (int64 v))
