/// The C# Linalg facade computes what Fluxion.Ops.Linalg computes, with value tuples and records.
module LinalgFacadeTests

open System
open Expecto
open Fluxion
open Fluxion.CSharp

let private a () = Torch.FromArray([| 4.0; 1.0; 2.0; 3.0 |], 2, 2)
let private values (t: Tensor) = t.ToDoubleArray()

[<Tests>]
let tests =
    testList "Api.Linalg" [
        testCase "Inv, Det, Solve and Slogdet of a 2×2 matrix" <| fun () ->
            // det [[4, 1], [2, 3]] = 10; inverse [[0.3, -0.1], [-0.2, 0.4]].
            Expect.floatClose Accuracy.veryHigh (Linalg.Det(a ()).ToDouble()) 10.0 "det"
            Expect.sequenceEqual (values (Linalg.Inv(a ())) |> Array.map (fun v -> Math.Round(v, 12))) [| 0.3; -0.1; -0.2; 0.4 |] "inverse"
            let x = Linalg.Solve(a (), Torch.FromArray([| 5.0; 5.0 |], 2))
            Expect.sequenceEqual (values x |> Array.map (fun v -> Math.Round(v, 12))) [| 1.0; 1.0 |] "solve"
            let struct (sign, logAbs) = Linalg.Slogdet(a ())
            Expect.equal (sign.ToDouble()) 1.0 "sign"
            Expect.floatClose Accuracy.veryHigh (logAbs.ToDouble()) (log 10.0) "log|det|"
        testCase "Eig returns real/imaginary pairs" <| fun () ->
            let struct (vals, vecs) = Linalg.Eig(Torch.FromArray([| 0.0; -1.0; 1.0; 0.0 |], 2, 2))
            Expect.sequenceEqual (values vals.Real) [| 0.0; 0.0 |] "real parts"
            Expect.sequenceEqual (values vals.Imag |> Array.map (fun v -> Math.Round(v, 12))) [| 1.0; -1.0 |] "imaginary parts"
            Expect.sequenceEqual vecs.Real.Shape [| 2; 2 |] "vector shape"
        testCase "Qr modes and a bad mode" <| fun () ->
            let struct (q, r) = Linalg.Qr(a (), "complete")
            Expect.sequenceEqual q.Shape [| 2; 2 |] "Q"
            Expect.sequenceEqual (values (Tensor.matmul q r) |> Array.map (fun v -> Math.Round(v, 12))) [| 4.0; 1.0; 2.0; 3.0 |] "QR = A"
            let e = Expect.throwsC (fun () -> Linalg.Qr(a (), "full") |> ignore) id
            Expect.stringContains e.Message "unrecognized mode 'full'" "message"
        testCase "Norm and MatrixNorm" <| fun () ->
            Expect.floatClose Accuracy.veryHigh (Linalg.Norm(a ()).ToDouble()) (sqrt 30.0) "2-norm of all elements"
            Expect.floatClose Accuracy.veryHigh (Linalg.MatrixNorm(a (), 1.0).ToDouble()) 6.0 "max column abs-sum"
            Expect.floatClose Accuracy.veryHigh (Linalg.MatrixNorm(a (), "fro").ToDouble()) (sqrt 30.0) "Frobenius"
    ]
