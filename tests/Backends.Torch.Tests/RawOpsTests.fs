/// Every RawTensor kernel of the Torch backend against the managed backend (float32 tolerance).
module RawOpsTests

open System
open Expecto
open Fluxion
open Fluxion.Backend
open Fluxion.Backends.Torch
open Fluxion.Ops
open TorchTestUtil

let s23 = [| 2; 3 |]
let sfst (struct (a, _)) = a
let ssnd (struct (_, b)) = b
let mixed b = f32 b 1 -2.0 2.0 [| 2; 3; 4 |]
let unit b = f32 b 2 0.05 0.95 [| 2; 3; 4 |]

/// Unary kernels valid on all reals, and those that need (0, 1).
let allReal =
    [ UnaryKind.Neg; UnaryKind.Abs; UnaryKind.Sign; UnaryKind.Exp; UnaryKind.Sin; UnaryKind.Cos; UnaryKind.Tan
      UnaryKind.Tanh; UnaryKind.Sigmoid; UnaryKind.Relu; UnaryKind.Floor; UnaryKind.Ceil; UnaryKind.Round
      UnaryKind.Trunc; UnaryKind.Expm1; UnaryKind.Square; UnaryKind.Reciprocal; UnaryKind.Erf; UnaryKind.Softplus
      UnaryKind.StepPositive; UnaryKind.Atan; UnaryKind.Sinh; UnaryKind.Cosh ]
let unitOnly = [ UnaryKind.Log; UnaryKind.Sqrt; UnaryKind.Log1p; UnaryKind.Asin; UnaryKind.Acos ]

let binaries = [ BinaryKind.Add; BinaryKind.Sub; BinaryKind.Mul; BinaryKind.Div; BinaryKind.Pow; BinaryKind.Max; BinaryKind.Min; BinaryKind.Atan2 ]
let compares = [ CompareKind.Eq; CompareKind.Ne; CompareKind.Lt; CompareKind.Le; CompareKind.Gt; CompareKind.Ge ]

/// Rounded values so that comparisons see ties.
let ties (b: IBackend) shape seed = b.OfFloat32(values seed (Shape.numel shape) -2.0 2.0 |> Array.map (fun v -> float32 (Math.Round(v * 2.0) / 2.0)), shape)

[<Tests>]
let tests =
    testList "Torch.RawOps" [
        torchCase "every unary kernel agrees with the managed backend" <| fun () ->
            Expect.equal (List.length allReal + List.length unitOnly) (Enum.GetValues<UnaryKind>().Length) "every kind covered"
            for k in allReal do sameOnBoth (sprintf "unary %A" k) (fun b -> (mixed b).Unary k)
            for k in unitOnly do sameOnBoth (sprintf "unary %A" k) (fun b -> (unit b).Unary k)
            for k in allReal @ unitOnly do sameOnBoth (sprintf "unary %A float64" k) (fun b -> ((unit b).Cast Dtype.Float64).Unary k)
            // ReLU's adjoint from its output: the gradient passes exactly where the output is positive.
            sameOnBoth "relu adjoint" (fun b -> ((mixed b).Unary UnaryKind.Relu).ReluGrad(f32 b 77 -2.0 2.0 (mixed b).Shape))
            sameOnBoth "relu adjoint float64" (fun b -> (((mixed b).Cast Dtype.Float64).Unary UnaryKind.Relu).ReluGrad((f32 b 77 -2.0 2.0 (mixed b).Shape).Cast Dtype.Float64))
            let y = managed.OfFloat32([| 0.0f; 2.0f; 0.0f; 0.5f |], [| 4 |])
            Expect.equal ((y.ReluGrad(managed.OfFloat32([| 3.0f; -1.0f; -4.0f; 7.0f |], [| 4 |]))).ToFloat32Array()) [| 0.0f; -1.0f; 0.0f; 7.0f |] "values"
            sameOnBoth "int64 neg" (fun b -> b.OfInt64([| -3L; 0L; 5L |], [| 3 |]).Unary UnaryKind.Neg)
            sameOnBoth "int64 sign" (fun b -> b.OfInt64([| -3L; 0L; 5L |], [| 3 |]).Unary UnaryKind.Sign)
            sameOnBoth "int64 exp goes through float32" (fun b -> b.OfInt64([| -3L; 0L; 2L |], [| 3 |]).Unary UnaryKind.Exp)
            sameOnBoth "bool sigmoid goes through float32" (fun b -> b.OfBool([| true; false |], [| 2 |]).Unary UnaryKind.Sigmoid)

        torchCase "parametrised kernels agree with the managed backend or the formula" <| fun () ->
            sameOnBoth "leaky relu" (fun b -> (mixed b).UnaryParam(ParamUnaryKind.LeakyRelu, 0.01))
            sameOnBoth "elu" (fun b -> (mixed b).UnaryParam(ParamUnaryKind.Elu, 1.5))
            for p in [ 2.0; 1.0; 0.5; 3.0; -1.5 ] do
                sameOnBoth (sprintf "pow %g" p) (fun b -> (unit b).UnaryParam(ParamUnaryKind.PowScalar, p))
            let x = (mixed managed).ToDoubleArray()
            let expectF (name: string) (k: ParamUnaryKind) (p: float) (f: float -> float) =
                let r = (mixed (torchB ())).UnaryParam(k, p).ToDoubleArray()
                for i in 0 .. x.Length - 1 do
                    Expect.floatClose { absolute = 1e-6; relative = 1e-5 } r.[i] (f x.[i]) (sprintf "%s at %g" name x.[i])
            expectF "softplus beta 2" ParamUnaryKind.SoftplusBeta 2.0 (fun v -> if 2.0 * v > 20.0 then v else log (1.0 + exp (2.0 * v)) / 2.0)
            expectF "gelu tanh" ParamUnaryKind.GeluTanh 0.0 (fun v -> 0.5 * v * (1.0 + tanh (sqrt (2.0 / Math.PI) * (v + 0.044715 * v * v * v))))

        torchCase "clamp with one, two or no bounds agrees, also on int64" <| fun () ->
            sameOnBoth "clamp both" (fun b -> (mixed b).Clamp(-0.5, 0.75))
            sameOnBoth "clamp lo" (fun b -> (mixed b).Clamp(-0.5, nan))
            sameOnBoth "clamp hi" (fun b -> (mixed b).Clamp(nan, 0.25))
            sameOnBoth "clamp int64" (fun b -> b.OfInt64([| -3L; 0L; 5L; 2L |], [| 4 |]).Clamp(-1.5, 2.5))

        torchCase "every binary kernel agrees with broadcasting, and int64 and bool keep their dtype" <| fun () ->
            for k in binaries do
                let lo = if k = BinaryKind.Pow then 0.1 else -2.0
                sameOnBoth (sprintf "binary %A" k) (fun b -> (f32 b 3 lo 2.0 [| 2; 3 |]).Binary(k, f32 b 4 0.5 1.5 [| 3 |]))
                sameOnBoth (sprintf "binary %A broadcast both" k) (fun b -> (f32 b 5 (max lo 0.1) 2.0 [| 2; 1 |]).Binary(k, f32 b 6 0.5 1.5 [| 1; 4 |]))
            let i (b: IBackend) = b.OfInt64([| 1L; -2L; 3L; 4L; 5L; -6L |], s23)
            let j (b: IBackend) = b.OfInt64([| 3L; 2L; 1L |], [| 3 |])
            for k in [ BinaryKind.Add; BinaryKind.Sub; BinaryKind.Mul; BinaryKind.Max; BinaryKind.Min ] do
                sameOnBoth (sprintf "int64 %A" k) (fun b -> (i b).Binary(k, j b))
            let p (b: IBackend) = b.OfBool([| true; false; true; false |], [| 4 |])
            let q (b: IBackend) = b.OfBool([| true; true; false; false |], [| 4 |])
            for k in [ BinaryKind.Add; BinaryKind.Mul; BinaryKind.Max; BinaryKind.Min; BinaryKind.Sub ] do
                sameOnBoth (sprintf "bool %A" k) (fun b -> (p b).Binary(k, q b))

        torchCase "scalar kernels agree in both operand orders" <| fun () ->
            // The managed backend has no scalar atan2; libtorch's is checked against the formula.
            for k in binaries |> List.filter (fun k -> k <> BinaryKind.Atan2) do
                for first in [ false; true ] do
                    let x b = if k = BinaryKind.Pow then unit b else mixed b
                    sameOnBoth (sprintf "scalar %A first=%b" k first) (fun b -> (x b).BinaryScalar(k, 0.3, first))
            let xs = (mixed managed).ToDoubleArray()
            let a1 = (mixed (torchB ())).BinaryScalar(BinaryKind.Atan2, 0.3, false).ToDoubleArray()
            let a2 = (mixed (torchB ())).BinaryScalar(BinaryKind.Atan2, 0.3, true).ToDoubleArray()
            for i in 0 .. xs.Length - 1 do
                Expect.floatClose { absolute = 1e-6; relative = 1e-5 } a1.[i] (atan2 xs.[i] (float (float32 0.3))) "atan2(x, s)"
                Expect.floatClose { absolute = 1e-6; relative = 1e-5 } a2.[i] (atan2 (float (float32 0.3)) xs.[i]) "atan2(s, x)"
            sameOnBoth "int64 + 2" (fun b -> b.OfInt64([| 1L; -2L |], [| 2 |]).BinaryScalar(BinaryKind.Add, 2.0, false))
            sameOnBoth "2 - int64" (fun b -> b.OfInt64([| 1L; -2L |], [| 2 |]).BinaryScalar(BinaryKind.Sub, 2.0, true))
            sameOnBoth "int64 * 0.5 goes to float32" (fun b -> b.OfInt64([| 1L; -3L |], [| 2 |]).BinaryScalar(BinaryKind.Mul, 0.5, false))

        torchCase "comparisons, scalar comparisons and where agree exactly" <| fun () ->
            for k in compares do
                sameOnBoth (sprintf "compare %A" k) (fun b -> (ties b [| 2; 3 |] 7).Compare(k, ties b [| 3 |] 8))
                sameOnBoth (sprintf "compare scalar %A" k) (fun b -> (ties b [| 2; 3 |] 7).CompareScalar(k, 0.5))
                sameOnBoth (sprintf "int64 compare scalar %A" k) (fun b -> b.OfInt64([| 0L; 1L; 2L |], [| 3 |]).CompareScalar(k, 1.0))
            sameOnBoth "where" (fun b -> (f32 b 9 -1.0 1.0 [| 2; 3 |]).Where((ties b [| 2; 3 |] 10).CompareScalar(CompareKind.Gt, 0.0), f32 b 11 -1.0 1.0 [| 3 |]))

        torchCase "sums, extremes and their indices agree" <| fun () ->
            let x b = f32 b 12 -1.0 1.0 [| 3; 4; 5 |]
            sameOnBoth "sum all" (fun b -> (x b).SumAll())
            for dims in [ [| 0 |]; [| 1 |]; [| 2 |]; [| 0; 2 |]; [| 0; 1; 2 |] ] do
                for keep in [ false; true ] do
                    sameOnBoth (sprintf "sum %A keep=%b" dims keep) (fun b -> (x b).SumDims(dims, keep))
            for d in 0 .. 2 do
                for isMax in [ true; false ] do
                    sameOnBoth (sprintf "extreme values dim %d max=%b" d isMax) (fun b -> sfst ((x b).ExtremeDim(d, false, isMax)))
                    sameOnBoth (sprintf "extreme indices dim %d max=%b" d isMax) (fun b -> ssnd ((x b).ExtremeDim(d, true, isMax)))
            for isMax in [ true; false ] do
                let struct (vm, im) = (x managed).ExtremeAll isMax
                let struct (vt, it) = (x (torchB ())).ExtremeAll isMax
                close32 "extreme all value" vm vt
                Expect.equal it im "extreme all index"
            sameOnBoth "int64 sum" (fun b -> b.OfInt64([| 1L; 2L; 3L; 4L |], [| 2; 2 |]).SumDims([| 1 |], false))
            sameOnBoth "bool sum counts trues as int64" (fun b -> b.OfBool([| true; false; true |], [| 3 |]).SumAll())
            sameOnBoth "ties give the first index" (fun b -> ssnd (b.OfFloat32([| 1.0f; 3.0f; 3.0f; 0.0f |], [| 4 |]).ExtremeDim(0, false, true)))

        torchCase "matrix products agree for every transpose flag and in batches" <| fun () ->
            for ta in [ false; true ] do
                for tb in [ false; true ] do
                    let a b = f32 b 13 -1.0 1.0 (if ta then [| 4; 3 |] else [| 3; 4 |])
                    let c b = f32 b 14 -1.0 1.0 (if tb then [| 5; 4 |] else [| 4; 5 |])
                    sameOnBoth (sprintf "mm ta=%b tb=%b" ta tb) (fun b -> (a b).MatMul(c b, ta, tb))
                    let a3 b = f32 b 15 -1.0 1.0 (if ta then [| 2; 4; 3 |] else [| 2; 3; 4 |])
                    let c3 b = f32 b 16 -1.0 1.0 (if tb then [| 2; 5; 4 |] else [| 2; 4; 5 |])
                    sameOnBoth (sprintf "bmm ta=%b tb=%b" ta tb) (fun b -> (a3 b).MatMul(c3 b, ta, tb))
            sameOnBoth "int64 mm" (fun b -> b.OfInt64([| 1L; 2L; 3L; 4L |], [| 2; 2 |]).MatMul(b.OfInt64([| 5L; 6L; 7L; 8L |], [| 2; 2 |]), false, true))

        torchCase "shape kernels agree: reshape, permute, expand, slice, slice-scatter, cat, flip" <| fun () ->
            let x b = f32 b 17 -1.0 1.0 [| 2; 3; 4 |]
            sameOnBoth "reshape" (fun b -> (x b).Reshape [| 4; 6 |])
            sameOnBoth "permute" (fun b -> (x b).Permute [| 2; 0; 1 |])
            sameOnBoth "expand" (fun b -> (f32 b 18 -1.0 1.0 [| 3; 1 |]).Expand [| 2; 3; 5 |])
            sameOnBoth "slice" (fun b -> (x b).Slice([| 1; 0; 1 |], [| 1; 2; 2 |], [| 1; 2; 2 |]))
            sameOnBoth "empty slice" (fun b -> (x b).Slice([| 0; 1; 0 |], [| 2; 0; 4 |], [| 1; 1; 1 |]))
            sameOnBoth "slice scatter" (fun b -> (f32 b 19 -1.0 1.0 [| 1; 2; 2 |]).SliceScatter([| 2; 3; 4 |], [| 1; 0; 1 |], [| 1; 2; 2 |]))
            sameOnBoth "cat" (fun b -> (x b).Cat([| f32 b 20 -1.0 1.0 [| 2; 1; 4 |]; f32 b 21 -1.0 1.0 [| 2; 2; 4 |] |], 1))
            sameOnBoth "backend cat" (fun b -> b.Cat([| x b; f32 b 22 -1.0 1.0 [| 1; 3; 4 |] |], 0))
            sameOnBoth "flip" (fun b -> (x b).Flip [| 0; 2 |])
            sameOnBoth "bool permute" (fun b -> b.OfBool([| true; false; false; true; true; false |], s23).Permute [| 1; 0 |])

        torchCase "gather and its adjoint scatter-add agree" <| fun () ->
            let idx (b: IBackend) = b.OfInt64([| 0L; 2L; 1L; 1L; 0L; 0L |], s23)
            sameOnBoth "gather dim 1" (fun b -> (f32 b 23 -1.0 1.0 [| 2; 3 |]).Gather(1, idx b))
            sameOnBoth "gather dim 0" (fun b -> (f32 b 24 -1.0 1.0 [| 3; 3 |]).Gather(0, idx b))
            sameOnBoth "scatter add" (fun b -> (f32 b 25 -1.0 1.0 s23).ScatterAddInto([| 2; 3 |], 1, idx b))
            sameOnBoth "int64 scatter add" (fun b -> b.OfInt64([| 1L; 2L; 3L; 4L; 5L; 6L |], s23).ScatterAddInto([| 2; 3 |], 1, idx b))

        torchCase "conv1d and both of its gradients agree with stride, padding, dilation and groups" <| fun () ->
            for (stride, padding, dilation, groups) in [ (1, 0, 1, 1); (2, 1, 1, 1); (1, 2, 2, 2); (3, 1, 2, 2) ] do
                let what = sprintf "s=%d p=%d d=%d g=%d" stride padding dilation groups
                let x b = f32 b 26 -1.0 1.0 [| 2; 4; 11 |]
                let w b = f32 b 27 -1.0 1.0 [| 6; 4 / groups; 3 |]
                let y = (x managed).Conv1d(w managed, stride, padding, dilation, groups)
                sameOnBoth ("conv1d " + what) (fun b -> (x b).Conv1d(w b, stride, padding, dilation, groups))
                let gy b = f32 b 28 -1.0 1.0 y.Shape
                sameOnBoth ("conv1d grad input " + what) (fun b -> (gy b).Conv1dGradInput(w b, [| 2; 4; 11 |], stride, padding, dilation, groups))
                sameOnBoth ("conv1d grad weight " + what) (fun b -> (gy b).Conv1dGradWeight(x b, [| 6; 4 / groups; 3 |], stride, padding, dilation, groups))

        torchCase "pooling kernels and the average-pooling adjoint agree" <| fun () ->
            let x b = f32 b 29 -1.0 1.0 [| 2; 3; 10 |]
            for (k, stride, padding, dilation) in [ (2, 2, 0, 1); (3, 1, 1, 1); (3, 2, 1, 2) ] do
                let what = sprintf "k=%d s=%d p=%d d=%d" k stride padding dilation
                sameOnBoth ("max pool values " + what) (fun b -> sfst ((x b).MaxPool1d(k, stride, padding, dilation)))
                sameOnBoth ("max pool indices " + what) (fun b -> ssnd ((x b).MaxPool1d(k, stride, padding, dilation)))
            for (k, stride, padding) in [ (2, 2, 0); (3, 1, 1); (4, 3, 2) ] do
                let what = sprintf "k=%d s=%d p=%d" k stride padding
                sameOnBoth ("avg pool " + what) (fun b -> (x b).AvgPool1d(k, stride, padding))
                let lout = (x managed).AvgPool1d(k, stride, padding).Shape
                sameOnBoth ("avg pool grad " + what) (fun b -> (f32 b 30 -1.0 1.0 lout).AvgPool1dGrad([| 2; 3; 10 |], k, stride, padding))

        torchCase "casts between every dtype pair agree" <| fun () ->
            let sources : (string * (IBackend -> RawTensor)) list =
                [ "float32", (fun b -> f32 b 31 -3.0 3.0 [| 2; 3 |])
                  "float64", (fun b -> (f32 b 31 -3.0 3.0 [| 2; 3 |]).Cast Dtype.Float64)
                  "int64", (fun b -> b.OfInt64([| -2L; 0L; 1L; 3L; 0L; 9L |], s23))
                  "bool", (fun b -> b.OfBool([| true; false; true; false; false; true |], s23)) ]
            for (name, src) in sources do
                for d in [ Dtype.Float32; Dtype.Float64; Dtype.Int64; Dtype.Bool ] do
                    sameOnBoth (sprintf "cast %s -> %s" name (Dtype.name d)) (fun b -> (src b).Cast d)

        torchCase "readers return the same values in every element type" <| fun () ->
            let m = f32 managed 32 -3.0 3.0 [| 2; 3 |]
            let t = f32 (torchB ()) 32 -3.0 3.0 [| 2; 3 |]
            Expect.sequenceEqual (t.ToFloat32Array()) (m.ToFloat32Array()) "float32"
            Expect.sequenceEqual (t.ToDoubleArray()) (m.ToDoubleArray()) "double"
            Expect.sequenceEqual (t.ToInt64Array()) (m.ToInt64Array()) "int64 (truncated)"
            Expect.sequenceEqual (t.ToBoolArray()) (m.ToBoolArray()) "bool"
            for i in 0 .. 5 do Expect.equal (t.GetDouble i) (m.GetDouble i) (sprintf "GetDouble %d" i)
            Expect.equal (TorchBackend.Instance.Full([||], 2.5, Dtype.Float64).GetDouble 0) 2.5 "0-dim"

        torchCase "in-place updates and clones behave like the managed backend" <| fun () ->
            let run (b: IBackend) =
                let x = f32 b 33 -1.0 1.0 s23
                let keep = x.Clone()
                x.AddInPlace(f32 b 34 -1.0 1.0 s23, -0.01)
                x.AddInPlace(f32 b 35 -1.0 1.0 s23, 1.0)
                let y = f32 b 36 -1.0 1.0 s23
                y.CopyFrom x
                let z = b.Full(s23, 0.0, Dtype.Float32)
                z.FillInPlace 0.7
                b.Cat([| keep; x; y; z |], 0)
            sameOnBoth "add_, copy_, fill_, clone" run
            // A reshape shares storage, as on the managed backend.
            let t = f32 (torchB ()) 37 -1.0 1.0 s23
            let r = t.Reshape [| 6 |]
            r.FillInPlace 1.0
            Expect.sequenceEqual (t.ToDoubleArray()) (Array.create 6 1.0) "reshape is a view"
            let i = TorchBackend.Instance.OfInt64([| 1L; 2L |], [| 2 |])
            i.AddInPlace(TorchBackend.Instance.OfInt64([| 10L; 20L |], [| 2 |]), 2.0)
            Expect.sequenceEqual (i.ToInt64Array()) [| 21L; 42L |] "int64 add_ with alpha"

        torchCase "the factory makes every dtype, and results say they are on the torch backend" <| fun () ->
            for d in [ Dtype.Float32; Dtype.Float64; Dtype.Int64; Dtype.Bool ] do
                sameOnBoth (sprintf "full %s" (Dtype.name d)) (fun b -> b.Full([| 2; 2 |], 3.0, d))
            let tb = TorchBackend.Instance
            Expect.equal tb.Name "torch" "name"
            Expect.equal (tb.OfFloat64([| 1.0; 2.0 |], [| 2 |])).Dtype Dtype.Float64 "float64"
            Expect.equal (tb.OfBool([| true |], [| 1 |])).Backend.Name "torch" "backend"
            // Operands from another backend are copied across rather than rejected.
            sameOnBoth "foreign operand" (fun b -> (f32 b 38 -1.0 1.0 s23).Binary(BinaryKind.Add, f32 managed 39 -1.0 1.0 s23))

        torchCase "int32 kernels agree with the managed backend, with PyTorch's result dtypes" <| fun () ->
            let i32 (b: IBackend) (v: int64[]) = b.OfInt64(v, s23).Cast Dtype.Int32
            let a b = i32 b [| 3L; -4L; 5L; 10L; 0L; -7L |]
            let c b = i32 b [| 2L; 3L; -2L; 2L; 3L; -2L |]
            let cases : (string * Dtype * (IBackend -> RawTensor)) list =
                [ "add", Dtype.Int32, (fun b -> (a b).Binary(BinaryKind.Add, c b))
                  "mul", Dtype.Int32, (fun b -> (a b).Binary(BinaryKind.Mul, c b))
                  "max", Dtype.Int32, (fun b -> (a b).Binary(BinaryKind.Max, c b))
                  "neg", Dtype.Int32, (fun b -> (a b).Unary UnaryKind.Neg)
                  "abs", Dtype.Int32, (fun b -> (a b).Unary UnaryKind.Abs)
                  "add 2", Dtype.Int32, (fun b -> (a b).BinaryScalar(BinaryKind.Add, 2.0, false))
                  "add 2.5", Dtype.Float32, (fun b -> (a b).BinaryScalar(BinaryKind.Add, 2.5, false))
                  "sum", Dtype.Int64, (fun b -> (a b).SumAll())
                  "sum dim 1", Dtype.Int64, (fun b -> (a b).SumDims([| 1 |], false))
                  "lt", Dtype.Bool, (fun b -> (a b).Compare(CompareKind.Lt, c b))
                  "to float32", Dtype.Float32, (fun b -> (a b).Cast Dtype.Float32)
                  "from float32 truncates", Dtype.Int32, (fun b -> (b.OfFloat32([| 1.9f; -1.9f; 2.5f; -0.5f; 7.0f; 0.0f |], s23)).Cast Dtype.Int32) ]
            for name, dt, f in cases do
                sameOnBoth ("int32 " + name) f
                Expect.equal (f (torchB ())).Dtype dt ("int32 " + name + " dtype on torch")
                Expect.equal (f managed).Dtype dt ("int32 " + name + " dtype on managed")
            Expect.sequenceEqual ((i32 (torchB ()) [| 1L; 2L; 3L; 4L; 5L; 6L |]).ToInt64Array()) [| 1L; 2L; 3L; 4L; 5L; 6L |] "read back"
            Expect.equal (string (Tensor.OfRaw(i32 (torchB ()) [| 1L; 2L; 3L; 4L; 5L; 6L |]))) "tensor([[1, 2, 3],\n        [4, 5, 6]], dtype=torch.int32)" "repr"
    ]
