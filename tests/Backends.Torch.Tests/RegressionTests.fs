/// The course unit's polynomial regression on the Torch backend: golden printed losses and PyTorch's own seeding.
module RegressionTests

open System
open System.IO
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Backends.Torch
open Fluxion.Course
open Fluxion.Ops
open TorchTestUtil

let golden = lazy (JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "unit05_golden.json"))).RootElement)
let cell () = golden.Value.GetProperty "c09_poly_linear_manual_sgd"
let nums (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetDouble() |]
let initWeight () = (cell ()).GetProperty("init_params").GetProperty("weight").GetProperty("values").[0] |> nums
let initBias () = (cell ()).GetProperty("init_params").GetProperty("bias").GetProperty("values") |> nums

/// Linear(2,1) on features [x, x^2], MSE, p -= 1e-2 * grad, 4000 full-batch steps; returns the loss before every step.
let train (w0: float32[]) (b0: float32[]) =
    let x, y = UnitData.trainingPairs ()
    let xt = Creation.ofFloat32 [| 100; 1 |] x
    let feats = Tensor.cat 1 [| xt; xt * xt |]
    let target = Creation.ofFloat32 [| 100; 1 |] y
    let w = (Creation.ofFloat32 [| 1; 2 |] w0).RequiresGrad_()
    let b = (Creation.ofFloat32 [| 1 |] b0).RequiresGrad_()
    let losses = Array.zeroCreate 4000
    for it in 0 .. 3999 do
        w.ZeroGrad()
        b.ZeroGrad()
        let pred = Tensor.matmul feats w.T + b
        let d = pred - target
        let loss = Tensor.mean (d * d)
        loss.Backward()
        losses.[it] <- loss.ToDouble()
        using (GradMode.NoGrad()) (fun _ ->
            w.AddInPlace(w.Grad, -1e-2)
            b.AddInPlace(b.Grad, -1e-2))
    losses, w, b

[<Tests>]
let tests =
    testList "Torch.Regression" [
        torchCase "manual_seed(0) then rand(100) on libtorch's generator gives the unit's training inputs" <| fun () ->
            TorchBackend.ManualSeed 0L
            let r = (TorchBackend.Rand [| 100 |]).ToFloat32Array()
            let xs = golden.Value.GetProperty("training_pairs").GetProperty("x") |> nums
            for i in 0 .. 99 do Expect.equal (r.[i] * 2.0f) (float32 xs.[i]) (sprintf "x[%d]" i)
            TorchBackend.ManualSeed 0L
            let again = (TorchBackend.Rand [| 100 |]).ToFloat32Array()
            Expect.sequenceEqual again r "reseeding repeats the stream"

        torchCase "Linear(2,1)'s init drawn with libtorch's uniform_ equals PyTorch's golden parameters" <| fun () ->
            withBackend BackendKind.Torch (fun () ->
                TorchBackend.ManualSeed 0L
                let bound = 1.0 / sqrt 2.0
                let w = Tensor.zeros [| 1; 2 |]
                let b = Tensor.zeros [| 1 |]
                TorchBackend.UniformInPlace(w, -bound, bound)
                TorchBackend.UniformInPlace(b, -bound, bound)
                Expect.sequenceEqual (w.ToFloat32Array()) (initWeight () |> Array.map float32) "weight"
                Expect.sequenceEqual (b.ToFloat32Array()) (initBias () |> Array.map float32) "bias")

        torchCase "the polynomial regression prints the golden losses 0.1919/0.1274/0.0923/0.0732 on torch" <| fun () ->
            let w0 = initWeight () |> Array.map float32
            let b0 = initBias () |> Array.map float32
            let losses, w, b = withBackend BackendKind.Torch (fun () -> train w0 b0)
            Expect.equal w.Raw.Backend.Name "torch" "trained on torch"
            let printed = (cell ()).GetProperty "losses_printed"
            for k in [ 1000; 2000; 3000; 4000 ] do
                let want = printed.GetProperty(string k).GetDouble()
                Expect.equal (sprintf "%.4f" losses.[k - 1]) (sprintf "%.4f" want) (sprintf "printed loss at iteration %d" k)
                Expect.floatClose { absolute = 0.0; relative = 1e-4 } losses.[k - 1] want (sprintf "loss at iteration %d" k)
            Expect.equal (sprintf "%.4f" losses.[0]) "3.6390" "first loss"
            let fin = (cell ()).GetProperty "final_params"
            let wf = fin.GetProperty("weight").GetProperty("values").[0] |> nums
            let bf = fin.GetProperty("bias").GetProperty("values") |> nums
            let wt = w.ToDoubleArray()
            Expect.floatClose { absolute = 1e-4; relative = 1e-4 } wt.[0] wf.[0] "learned b (x coefficient)"
            Expect.floatClose { absolute = 1e-4; relative = 1e-4 } wt.[1] wf.[1] "learned c (x^2 coefficient)"
            Expect.floatClose { absolute = 1e-4; relative = 1e-4 } (b.ToDouble()) bf.[0] "learned a (bias)"
            // The managed backend runs the same program to float32 tolerance.
            let lm, _, _ = withBackend BackendKind.Managed (fun () -> train w0 b0)
            for k in [ 1; 10; 100; 1000; 4000 ] do
                Expect.floatClose { absolute = 1e-6; relative = 1e-4 } losses.[k - 1] lm.[k - 1] (sprintf "torch vs managed at %d" k)
    ]
