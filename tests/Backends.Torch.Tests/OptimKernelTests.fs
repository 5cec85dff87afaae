/// The torch.optim-style optimizers on the Torch backend: updates run in place with libtorch kernels
/// (IOptimizerStorage), agree with the managed backend's PyTorch-exact kernels, and their state survives the
/// dispose scope of the step that created it.
module OptimKernelTests

open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Backends.Torch
open TorchTestUtil

/// Every optimizer with the settings that take different branches of its update.
let private configs : (string * (Parameter[] -> TorchOptimizer)) list =
    [ "SGD", fun ps -> SGD(ps, 0.1)
      "SGD momentum, dampening, weight decay", fun ps -> SGD(ps, 0.1, momentum = 0.8, dampening = 0.1, weightDecay = 0.01)
      "SGD nesterov, maximize", fun ps -> SGD(ps, 0.05, momentum = 0.9, nesterov = true, maximize = true)
      "Adam", fun ps -> Adam(ps, 0.03)
      "Adam amsgrad, weight decay", fun ps -> Adam(ps, 0.03, weightDecay = 0.1, amsgrad = true)
      "AdamW", fun ps -> AdamW(ps, 0.03)
      "AdamW amsgrad, maximize", fun ps -> AdamW(ps, 0.03, amsgrad = true, maximize = true)
      "RMSprop", fun ps -> RMSprop(ps, 0.01)
      "RMSprop centered, momentum, weight decay", fun ps -> RMSprop(ps, 0.01, momentum = 0.5, centered = true, weightDecay = 0.1)
      "Adagrad (pure update copied back)", fun ps -> Adagrad(ps, 0.1, lrDecay = 0.01) ]

/// Five steps on loss = Σ(c·p + p²·p) from the same start on one backend, each inside a dispose scope on Torch;
/// returns the parameter's final values and the optimizer.
let private train (kind: BackendKind) (make: Parameter[] -> TorchOptimizer) =
    withBackend kind (fun () ->
        let p = Parameter(Tensor.ofArray [| 3; 4 |] (values 41 12 -1.5 1.5 |> Array.map float32))
        let c = Tensor.ofArray [| 3; 4 |] (values 42 12 -1.0 1.0 |> Array.map float32)
        let opt = make [| p |]
        let storage = p.Data.Raw
        for _ in 1 .. 5 do
            use _ = if kind = BackendKind.Torch then TorchBackend.Scope() :> System.IDisposable else null
            let loss = (c * p.Value + p.Value * p.Value * p.Value).Sum()
            opt.ZeroGrad()
            loss.Backward()
            opt.Step()
        Expect.isTrue (obj.ReferenceEquals(storage, p.Data.Raw)) "the parameter keeps its storage (updated in place)"
        p.Data.ToFloat32Array(), opt, p)

[<Tests>]
let tests =
    testList "Torch.Optimizers" [
        for name, make in configs do
            torchCase (name + ": five scoped steps on torch match the managed kernels, and the state outlives the scopes") <| fun () ->
                let expected, _, _ = train BackendKind.Managed make
                let actual, opt, p = train BackendKind.Torch make
                Expect.isFalse ((p.Data.Raw :?> TorchRaw).Tensor.IsInvalid) "parameter storage alive"
                for i in 0 .. expected.Length - 1 do
                    let e, a = float expected.[i], float actual.[i]
                    if abs (e - a) > 1e-5 + 1e-5 * abs e then
                        failtestf "%s: element %d is %.9g on torch but %.9g on managed" name i a e
                match opt.TryGetState p with
                | true, s ->
                    Expect.equal s.Step 5 "five updates recorded"
                    for KeyValue(bn, b) in s.Buffers do
                        for t in Params.leaves b do
                            Expect.equal t.Raw.Backend.Name "torch" (sprintf "buffer %s stays on torch" bn)
                            Expect.isTrue (Array.forall System.Single.IsFinite (t.ToFloat32Array())) (sprintf "buffer %s readable after the scopes" bn)
                | _ -> failtest "the optimizer has no state for the parameter"
    ]

[<Tests>]
let storageTests =
    testList "Torch.OptimizerStorage" [
        torchCase "torch tensors run every SGD, Adam, AdamW and RMSprop setting themselves, in place" <| fun () ->
            let b = torchB ()
            let fresh () = f32 b 41 -1.0 1.0 [| 5 |]
            let zeros () = b.Full([| 5 |], 0.0, Dtype.Float32)
            let check (what: string) (run: IOptimizerStorage -> Fluxion.Backend.RawTensor -> bool) =
                let p = fresh ()
                let before = p.ToFloat32Array()
                Expect.isTrue (run (box p :?> IOptimizerStorage) (f32 b 42 -1.0 1.0 [| 5 |])) (what + ": handled by libtorch")
                Expect.notEqual (p.ToFloat32Array()) before (what + ": parameter updated in place")
            let sgd = Kernels.OptimKernels.SgdHyper.Default 0.1
            check "SGD" (fun s g -> s.SgdStep(g, null, false, sgd))
            check "SGD nesterov" (fun s g -> s.SgdStep(g, zeros (), true, { sgd with Momentum = 0.9; Nesterov = true; WeightDecay = 0.1; Maximize = true }))
            let adam = { Kernels.OptimKernels.AdamHyper.Adam with Lr = 0.1 }
            for decoupled in [ false; true ] do
                for ams in [ false; true ] do
                    for t2 in [ false; true ] do
                        check (sprintf "Adam decoupled=%b amsgrad=%b 2.x=%b" decoupled ams t2)
                            (fun s g -> s.AdamStep(g, zeros (), zeros (), zeros (), 3, decoupled, { adam with Amsgrad = ams; Torch2x = t2; WeightDecay = 0.1 }))
            let rms = { Kernels.OptimKernels.RmspropHyper.Default with Lr = 0.1 }
            for centered in [ false; true ] do
                for mom in [ 0.0; 0.5 ] do
                    check (sprintf "RMSprop centered=%b momentum=%g" centered mom)
                        (fun s g -> s.RmspropStep(g, zeros (), zeros (), zeros (), { rms with Centered = centered; Momentum = mom }))

        torchCase "pure optimizers return parameters and state on the parameters' backend" <| fun () ->
            let b = torchB ()
            let p = Params.leaf (Tensor.OfRaw(f32 b 41 -1.0 1.0 [| 5 |]))
            let g = Params.leaf (Tensor.OfRaw(f32 b 42 -1.0 1.0 [| 5 |]))
            // The default backend stays managed here: results must follow the parameters, not the default.
            for name, opt in [ "sgd", Optim.sgdWith { Kernels.OptimKernels.SgdHyper.Default 0.1 with Momentum = 0.9 }; "adam", Optim.adam 0.1; "rmsprop", Optim.rmspropWith { Kernels.OptimKernels.RmspropHyper.Default with Lr = 0.1 } ] do
                let struct (p1, s1) = opt.Update(g, opt.Init p, p)
                Expect.equal (Params.leaves p1).[0].Raw.Backend.Name "torch" (name + ": parameter")
                for KeyValue(bn, buf) in s1.Buffers do
                    Expect.equal (Params.leaves buf).[0].Raw.Backend.Name "torch" (sprintf "%s: buffer %s" name bn)

        torchCase "a missing buffer or a managed gradient is declined, leaving the parameter untouched" <| fun () ->
            let b = torchB ()
            let p = f32 b 41 -1.0 1.0 [| 5 |]
            let before = p.ToFloat32Array()
            let s = box p :?> IOptimizerStorage
            let sgd = { Kernels.OptimKernels.SgdHyper.Default 0.1 with Momentum = 0.9 }
            Expect.isFalse (s.SgdStep(f32 b 42 -1.0 1.0 [| 5 |], null, true, sgd)) "momentum without a buffer"
            Expect.isFalse (s.SgdStep(f32 managed 42 -1.0 1.0 [| 5 |], b.Full([| 5 |], 0.0, Dtype.Float32), true, sgd)) "managed gradient"
            Expect.equal (p.ToFloat32Array()) before "untouched"
    ]
