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
    override t.Unary(k) = (t.AsF()).Unary k
    override t.UnaryParam(k, p) = (t.AsF()).UnaryParam(k, p)
    override t.Clamp(lo, hi) = (t.AsF()).Clamp(lo, hi)
    override t.Binary(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "binary" shape o.Shape
        match k with
        | BinaryKind.Add | BinaryKind.Max -> RawBool(Loops.zip (||) data shape b o.Shape s, s) :> RawTensor
        | BinaryKind.Mul | BinaryKind.Min -> RawBool(Loops.zip (&&) data shape b o.Shape s, s) :> RawTensor
        | _ -> (t.AsF()).Binary(k, o.Cast Dtype.Float32)
    override t.BinaryScalar(k, v, first) = (t.AsF()).BinaryScalar(k, v, first)
    override t.Compare(k, o) = (t.AsF()).Compare(k, o.Cast Dtype.Float32)
    override t.CompareScalar(k, v) = (t.AsF()).CompareScalar(k, v)
    override t.SumAll() = (t.Cast Dtype.Int64).SumAll()
    override t.SumDims(d, k) = (t.Cast Dtype.Int64).SumDims(d, k)
    override t.ExtremeDim(d, k, m) = (t.Cast Dtype.Int64).ExtremeDim(d, k, m)
    override t.ExtremeAll(m) = (t.Cast Dtype.Int64).ExtremeAll(m)
    override t.MatMul(o, a, b) = (t.AsF()).MatMul(o.Cast Dtype.Float32, a, b)
    override t.SliceScatter(f, s, st) = ((t.Cast Dtype.Int64).SliceScatter(f, s, st)).Cast Dtype.Bool
    override t.ScatterAddInto(s, d, i) = ((t.Cast Dtype.Int64).ScatterAddInto(s, d, i)).Cast Dtype.Bool
    override t.Conv1d(w, a, b, c, d) = (t.AsF()).Conv1d(w, a, b, c, d)
    override t.Conv1dGradInput(w, s, a, b, c, d) = (t.AsF()).Conv1dGradInput(w, s, a, b, c, d)
    override t.Conv1dGradWeight(w, s, a, b, c, d) = (t.AsF()).Conv1dGradWeight(w, s, a, b, c, d)
    override t.MaxPool1d(a, b, c, d) = (t.AsF()).MaxPool1d(a, b, c, d)
    override t.AvgPool1d(a, b, c) = (t.AsF()).AvgPool1d(a, b, c)
    override t.AvgPool1dGrad(s, a, b, c) = (t.AsF()).AvgPool1dGrad(s, a, b, c)
    override t.Cast(d) =
        match d with
        | Dtype.Bool -> t :> RawTensor
        // Storages of later files come from the backend (see ManagedHome).
        | Dtype.Float32 -> t.Backend.OfFloat32(Loops.map (fun b -> if b then 1.0f else 0.0f) data, shape)
        | Dtype.Float64 -> t.Backend.OfFloat64(Loops.map (fun b -> if b then 1.0 else 0.0) data, shape)
        | Dtype.Int64 -> t.Backend.OfInt64(Loops.map (fun b -> if b then 1L else 0L) data, shape)
        | _ -> t.Backend.OfInt64(Loops.map (fun b -> if b then 1L else 0L) data, shape).Cast d
    override t.GetDouble(i) = if data.[i] then 1.0 else 0.0
    override t.ToDoubleArray() = Loops.map (fun b -> if b then 1.0 else 0.0) data
    override t.ToFloat32Array() = Loops.map (fun b -> if b then 1.0f else 0.0f) data
    override t.ToInt64Array() = Loops.map (fun b -> if b then 1L else 0L) data
    override t.ToBoolArray() = Array.copy data
    override t.AddInPlace(o, _) =
        let b = t.Arr o
        for i in 0 .. data.Length - 1 do data.[i] <- data.[i] || b.[i]
    override t.FillInPlace(v) = Array.Fill(data, v <> 0.0)
