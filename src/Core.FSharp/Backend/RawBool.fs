namespace Fluxion.Backend

open System
open Fluxion

/// Managed bool tensors (masks).
[<Sealed>]
type RawBool(data: bool[], shape: int[]) =
    inherit RawArray<bool>(data, shape)
    member private t.AsF() = t.Cast Dtype.Float32
    override _.Make(d, s) = RawBool(d, s) :> RawTensor
    override _.Dtype = Dtype.Bool
    override t.UnaryImpl(k) = (t.AsF()).Unary k
    override t.UnaryParamImpl(k, p) = (t.AsF()).UnaryParam(k, p)
    override t.ClampImpl(lo, hi) = (t.AsF()).Clamp(lo, hi)
    override t.BinaryImpl(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "binary" shape o.Shape
        match k with
        | BinaryKind.Add | BinaryKind.Max -> RawBool(Loops.zip (||) data shape b o.Shape s, s) :> RawTensor
        | BinaryKind.Mul | BinaryKind.Min -> RawBool(Loops.zip (&&) data shape b o.Shape s, s) :> RawTensor
        | _ -> (t.AsF()).Binary(k, o.Cast Dtype.Float32)
    override t.BinaryScalarImpl(k, v, first) = (t.AsF()).BinaryScalar(k, v, first)
    override t.CompareImpl(k, o) = (t.AsF()).Compare(k, o.Cast Dtype.Float32)
    override t.CompareScalarImpl(k, v) = (t.AsF()).CompareScalar(k, v)
    override t.SumAllImpl() = (t.Cast Dtype.Int64).SumAll()
    override t.SumDimsImpl(d, k) = (t.Cast Dtype.Int64).SumDims(d, k)
    override t.ExtremeDimImpl(d, k, m) = (t.Cast Dtype.Int64).ExtremeDim(d, k, m)
    override t.ExtremeAllImpl(m) = (t.Cast Dtype.Int64).ExtremeAll(m)
    override t.MatMulImpl(o, a, b) = (t.AsF()).MatMul(o.Cast Dtype.Float32, a, b)
    override t.SliceScatterImpl(f, s, st) = ((t.Cast Dtype.Int64).SliceScatter(f, s, st)).Cast Dtype.Bool
    override t.ScatterAddIntoImpl(s, d, i) = ((t.Cast Dtype.Int64).ScatterAddInto(s, d, i)).Cast Dtype.Bool
    override t.Conv1dImpl(w, a, b, c, d) = (t.AsF()).Conv1d(w, a, b, c, d)
    override t.Conv1dGradInputImpl(w, s, a, b, c, d) = (t.AsF()).Conv1dGradInput(w, s, a, b, c, d)
    override t.Conv1dGradWeightImpl(w, s, a, b, c, d) = (t.AsF()).Conv1dGradWeight(w, s, a, b, c, d)
    override t.MaxPool1dImpl(a, b, c, d) = (t.AsF()).MaxPool1d(a, b, c, d)
    override t.AvgPool1dImpl(a, b, c) = (t.AsF()).AvgPool1d(a, b, c)
    override t.AvgPool1dGradImpl(s, a, b, c) = (t.AsF()).AvgPool1dGrad(s, a, b, c)
    override t.CastImpl(d) =
        match d with
        | Dtype.Bool -> t :> RawTensor
        // Storages of later files come from the backend (see ManagedHome).
        | Dtype.Float32 -> t.Backend.OfFloat32(Loops.map (fun b -> if b then 1.0f else 0.0f) data, shape)
        | Dtype.Float64 -> t.Backend.OfFloat64(Loops.map (fun b -> if b then 1.0 else 0.0) data, shape)
        | Dtype.Int64 -> t.Backend.OfInt64(Loops.map (fun b -> if b then 1L else 0L) data, shape)
        | _ -> t.Backend.OfInt64(Loops.map (fun b -> if b then 1L else 0L) data, shape).Cast d
    override t.GetDoubleImpl(i) = if data.[i] then 1.0 else 0.0
    override t.ToDoubleArrayImpl() = Loops.map (fun b -> if b then 1.0 else 0.0) data
    override t.ToFloat32ArrayImpl() = Loops.map (fun b -> if b then 1.0f else 0.0f) data
    override t.ToInt64ArrayImpl() = Loops.map (fun b -> if b then 1L else 0L) data
    override t.ToBoolArrayImpl() = Array.copy data
    override t.AddInPlaceImpl(o, _) =
        let b = t.Arr o
        for i in 0 .. data.Length - 1 do data.[i] <- data.[i] || b.[i]
    override t.FillInPlaceImpl(v) = Array.Fill(data, v <> 0.0)
