/// Exercise 2 of the unit on the Torch backend: libtorch's kernels round a few float32 sums differently from
/// PyTorch 1.13, so the losses are held to the golden file at printed precision and to the managed run at
/// float32 tolerance (the managed backend itself is bit-exact; see Core.Tests' Optim.Training).
module TrainingOnTorch

open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open Fluxion.Printing
open Fluxion.Backends.Torch
open OptimTestUtil
open TorchTestUtil

let private node () = (TestData.json "unit05_golden.json").GetProperty "ex2_model_capacity"

/// Exercise 2's data and a maker of its layers (PyTorch's default init from manual_seed(0) after the data's 16
/// normal draws), on the default backend.
let private ex2Setup () =
    let n = node ()
    let x = golden32 [| 16; 1 |] (n.GetProperty "data_x")
    let y = golden32 [| 16; 1 |] (n.GetProperty "data_y")
    let g = Generator(0UL)
    Sampling.randn32 g 16 |> ignore
    let lin inF outF =
        let w, b = InitMath.defaultInit32 g [| outF; inF |] true
        Parameter(Tensor.ofArray [| outF; inF |] w), Parameter(Tensor.ofArray [| outF |] b)
    x, y, lin

/// Exercise 2's 4-layer ReLU network (H=10) trained with SGD(0.05) for 1000 iterations on the default backend;
/// returns the losses and the final parameters.
let private trainEx2 () =
    let x, y, lin = ex2Setup ()
    let layers = [ lin 1 10; lin 10 10; lin 10 10; lin 10 1 ]
    let ps = layers |> List.collect (fun (w, b) -> [ w; b ])
    let apply (w: Parameter, b: Parameter) (h: Tensor) = Tensor.MatMul(h, w.Value.T) + b.Value
    let model (x: Tensor) =
        match layers with
        | [ l1; l2; l3; l4 ] -> x |> apply l1 |> Tensor.relu |> apply l2 |> Tensor.relu |> apply l3 |> Tensor.relu |> apply l4
        | _ -> failwith "four layers"
    let mse = MSELoss()
    let printed = ResizeArray()
    let losses = Trainer.Fit(SGD(ps, 0.05), (fun () -> mse.Forward(model x, y)), 1000, 1000, (fun k l -> printed.Add(Fit.progressLine k l)))
    losses, ps, printed.ToArray(), x.Raw.Backend.Name

/// Exercise 2's network for 200 SGD steps, the step written once: run as a plain loop, or through Tensor.Capture
/// (which on torch records nothing and runs the step again on every Run()); returns the losses, the final
/// parameters' values and the plan's kernel count (0 for the loop).
let private trainStepwise (captured: bool) =
    let x, y, lin = ex2Setup ()
    let layers = [ lin 1 10; lin 10 10; lin 10 1 ]
    let ps = layers |> List.collect (fun (w, b) -> [ w; b ])
    let opt = SGD(ps, 0.05, momentum = 0.9)
    let mse = MSELoss()
    let step () =
        let mutable h = x
        for i, (w, b) in List.indexed layers do
            h <- Tensor.MatMul(h, w.Value.T) + b.Value
            if i < 2 then h <- Tensor.relu h
        let loss = mse.Forward(h, y)
        opt.ZeroGrad()
        loss.Backward()
        opt.Step()
        loss
    let losses, kernels =
        if captured then
            let plan = Tensor.Capture(System.Func<Tensor>(step))
            let first = plan.Output.ToDouble()
            let rest = [| for _ in 2 .. 199 -> plan.Run().ToDouble() |]
            // The profile of an unrecorded step is the step itself, run once more (the 200th step).
            let profile = plan.Profile 1
            Expect.equal profile.Length 1 "one profile row"
            let struct (what, _, _) = profile.[0]
            Expect.stringContains what "torch" "the row names the backend"
            Array.concat [ [| first |]; rest; [| plan.Output.ToDouble() |] ], plan.KernelCount
        else [| for _ in 1 .. 200 -> (step ()).ToDouble() |], 0
    losses, ps |> List.map (fun p -> p.Value.Raw.ToFloat32Array()), kernels, x.Raw.Backend.Name

[<Tests>]
let tests =
    testList "Torch.Training" [
        torchCase "exercise 2 on torch prints the golden losses to 6 decimals up to iteration 1000 and tracks the managed run" <| fun () ->
            let lt, pt, printed, backend = withBackend BackendKind.Torch trainEx2
            Expect.equal backend "torch" "trained on torch"
            Expect.equal printed [| "Iteration 1000 | Loss = 0.297972" |] "printed line"
            for p in (node ()).GetProperty("losses_iter_1to10_and_every_100").EnumerateObject() do
                let k = int p.Name
                if k <= 1000 then
                    Expect.equal (PyFormat.toFixed 6 lt[k - 1]) (PyFormat.toFixed 6 (TestData.num p.Value)) (sprintf "loss at iteration %d, printed" k)
            let lm, pm, _, _ = withBackend BackendKind.Managed trainEx2
            for k in 0 .. 999 do
                Expect.floatClose { absolute = 0.0; relative = 1e-5 } lt[k] lm[k] (sprintf "torch vs managed loss at iteration %d" (k + 1))
            List.iter2 (fun (a: Parameter) (b: Parameter) -> close32 "final parameters, torch vs managed" b.Value.Raw a.Value.Raw) pt pm

        torchCase "Tensor.Capture on torch records nothing and runs the step on every Run(): the eager loop's losses and weights, bit for bit" <| fun () ->
            let le, we, _, backend = withBackend BackendKind.Torch (fun () -> trainStepwise false)
            let lc, wc, kernels, _ = withBackend BackendKind.Torch (fun () -> trainStepwise true)
            Expect.equal backend "torch" "trained on torch"
            Expect.equal kernels 0 "nothing recorded on torch"
            Expect.isLessThan le[199] le[0] "the loop trains"
            Expect.sequenceEqual (Array.map System.BitConverter.DoubleToInt64Bits lc) (Array.map System.BitConverter.DoubleToInt64Bits le) "losses"
            List.iter2 (fun (a: float32[]) (b: float32[]) ->
                Expect.sequenceEqual (Array.map System.BitConverter.SingleToInt32Bits a) (Array.map System.BitConverter.SingleToInt32Bits b) "final parameters") wc we
    ]
