/// The torch.optim-style shell: validation, repr, groups, state dicts, schedulers, fit; and pure transforms.
module OptimShellTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open OptimTestUtil

let private throwsWith (msgPart: string) (f: unit -> unit) =
    let ex = Expect.throwsC f id
    Expect.isTrue (ex :? ArgumentException) (sprintf "ArgumentException expected, got %s: %s" (ex.GetType().Name) ex.Message)
    Expect.stringContains ex.Message msgPart "message"

let private reprOf (i: int) = ((TestData.json "repr.json").GetProperty "modules").[i].GetProperty("repr").GetString()
let private bitsOf (xs: float[]) = xs |> Array.map (fun v -> sprintf "0x%016x" (BitConverter.DoubleToUInt64Bits v))
let private param () = Parameter(Tensor.ofArray [| 2 |] [| 1.0f; 2.0f |])

/// A small regression problem for trajectory comparisons.
let private x = Tensor.ofArray [| 4; 2 |] [| 0.3f; -1.2f; 2.0f; 0.7f; -0.5f; 0.1f; 1.1f; 1.4f |]
let private y = Tensor.ofArray [| 4; 1 |] [| 1.0f; 0.0f; -0.5f; 2.0f |]
let private model (w: Tensor) (b: Tensor) = Tensor.relu (Tensor.MatMul(x, w) + b)

[<Tests>]
let tests =
    testList "Optim.Shell" [
        testCase "invalid hyper-parameters and empty parameter lists are rejected at construction" <| fun () ->
            throwsWith "SGD: invalid learning rate -0.1" (fun () -> SGD([ param () ], -0.1) |> ignore)
            throwsWith "SGD: invalid learning rate NaN" (fun () -> SGD([ param () ], nan) |> ignore)
            throwsWith "invalid momentum 1" (fun () -> SGD([ param () ], 0.1, momentum = 1.0) |> ignore)
            throwsWith "invalid momentum -0.5" (fun () -> SGD([ param () ], 0.1, momentum = -0.5) |> ignore)
            throwsWith "nesterov momentum requires a momentum > 0 and zero dampening" (fun () -> SGD([ param () ], 0.1, nesterov = true) |> ignore)
            throwsWith "dampening 0.1" (fun () -> SGD([ param () ], 0.1, momentum = 0.9, dampening = 0.1, nesterov = true) |> ignore)
            throwsWith "Adam: invalid beta parameter at index 0 1" (fun () -> Adam([ param () ], beta1 = 1.0) |> ignore)
            throwsWith "invalid beta parameter at index 1 -0.1" (fun () -> AdamW([ param () ], beta2 = -0.1) |> ignore)
            throwsWith "Adam: invalid epsilon -1e-08" (fun () -> Adam([ param () ], eps = -1e-8) |> ignore)
            throwsWith "RMSprop: invalid learning rate -1" (fun () -> RMSprop([ param () ], lr = -1.0) |> ignore)
            throwsWith "Adagrad: invalid lr decay -1" (fun () -> Adagrad([ param () ], lrDecay = -1.0) |> ignore)
            throwsWith "SGD: optimizer got an empty parameter list" (fun () -> SGD(List.empty<Parameter>, 0.1) |> ignore)
            throwsWith "Adam: optimizer got an empty parameter list" (fun () -> Adam(Seq.empty<Parameter>) |> ignore)
            let p = param ()
            throwsWith "more than one parameter group" (fun () -> SGD([ ParamGroup([ p ]); ParamGroup([ p ]) ], 0.1) |> ignore)
            throwsWith "Optim.sgd: invalid learning rate -1" (fun () -> Optim.sgd -1.0 |> ignore)
            throwsWith "invalid momentum 1.5" (fun () -> Optim.sgdWith { Fluxion.Kernels.OptimKernels.SgdHyper.Default 0.1 with Momentum = 1.5 } |> ignore)

        testCase "ToString is PyTorch 1.13's optimizer repr, with one block per group and initial_lr once scheduled" <| fun () ->
            Expect.equal (SGD([ param () ], 0.01, momentum = 0.5).ToString()) (reprOf 3) "SGD"
            Expect.equal (Adam([ param () ], lr = 0.03).ToString()) (reprOf 4) "Adam"
            let groups = SGD([ ParamGroup([ param () ]); ParamGroup([ param () ], lr = 0.5) ], 0.1, momentum = 0.9).ToString()
            Expect.stringContains groups "Parameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    lr: 0.1\n" "group 0"
            Expect.stringContains groups "\n\nParameter Group 1\n    dampening: 0\n    differentiable: False\n    foreach: None\n    lr: 0.5\n    maximize: False\n    momentum: 0.9\n" "group 1"
            let o = SGD([ param () ], 0.1)
            let s = CosineAnnealingLR(o, 5, etaMin = 0.01)
            for _ in 1 .. 12 do s.Step()
            Expect.equal (o.ToString())
                "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n    initial_lr: 0.1\n    lr: 0.06890576474687268\n    maximize: False\n    momentum: 0\n    nesterov: False\n    weight_decay: 0\n)" "scheduled"
            Expect.equal (Adagrad([ param () ]).ToString())
                "Adagrad (\nParameter Group 0\n    eps: 1e-10\n    foreach: None\n    initial_accumulator_value: 0\n    lr: 0.01\n    lr_decay: 0\n    maximize: False\n    weight_decay: 0\n)" "Adagrad"

        testCase "parameter groups keep their own learning rates (matches PyTorch's numbers bit for bit)" <| fun () ->
            // torch: SGD([{'params':[w]},{'params':[b],'lr':0.5}], lr=0.1, momentum=0.9); 3 steps of mse(x@w.unsqueeze(1)+b, y).
            let w = Parameter(Tensor.ofArray [| 2 |] [| 1.0f; 2.0f |])
            let b = Parameter(Tensor.ofArray [| 1 |] [| 0.5f |])
            let opt = SGD([ ParamGroup([ w ]); ParamGroup([ b ], lr = 0.5) ], 0.1, momentum = 0.9)
            let xs = Tensor.ofArray [| 2; 2 |] [| 0.3f; -1.2f; 2.0f; 0.7f |]
            let ys = Tensor.ofArray [| 2; 1 |] [| 1.0f; 0.0f |]
            for _ in 1 .. 3 do
                opt.ZeroGrad()
                (Loss.mse Reduction.Mean (Tensor.MatMul(xs, Tensor.unsqueeze 1 w.Value) + b.Value) ys).Backward()
                opt.Step()
            let bits = Array.append (w.Value.ToFloat32Array()) (b.Value.ToFloat32Array()) |> Array.map (fun v -> sprintf "0x%08x" (BitConverter.SingleToUInt32Bits v))
            Expect.equal bits [| "0xbf8922ed"; "0xbf0faeb5"; "0x3fa6a04a" |] "params after 3 steps"

        testCase "Step records nothing on the graph and skips parameters without gradients" <| fun () ->
            let w = Parameter(Tensor.ofArray [| 2 |] [| 1.0f; 2.0f |])
            let frozen = Parameter(Tensor.ofArray [| 2 |] [| 5.0f; 6.0f |])
            let opt = Adam([ w; frozen ], lr = 0.1)
            (w.Value * w.Value).Sum().Backward()
            opt.Step()
            Expect.isTrue w.Value.IsLeaf "still a leaf"
            Expect.isTrue w.Value.RequiresGrad "still requires grad"
            Expect.isNull w.Value.GradFnName "no grad_fn"
            Expect.isTrue GradMode.IsEnabled "grad mode restored"
            Expect.equal (frozen.Value.ToFloat32Array()) [| 5.0f; 6.0f |] "frozen parameter untouched"
            Expect.isFalse (fst (opt.TryGetState frozen)) "no state for a parameter without grad"
            Expect.equal ((snd (opt.TryGetState w)).Step) 1 "one update"
            opt.ZeroGrad()
            Expect.isNull (box w.Grad) "ZeroGrad sets grads to None"

        testCase "StateDict/LoadStateDict resume an Adam run exactly" <| fun () ->
            let run (w: Parameter) (b: Parameter) (opt: TorchOptimizer) n =
                for _ in 1 .. n do
                    opt.ZeroGrad()
                    (Loss.mse Reduction.Mean (model w.Value b.Value) y).Backward()
                    opt.Step()
            let mk () = Parameter(Tensor.ofArray [| 2; 1 |] [| 0.4f; -0.3f |]), Parameter(Tensor.ofArray [| 1 |] [| 0.2f |])
            let w1, b1 = mk ()
            let o1 = Adam([ ParamGroup([ w1 ]); ParamGroup([ b1 ], lr = 0.05) ], lr = 0.01, amsgrad = true)
            run w1 b1 o1 5
            let snap = o1.StateDict()
            Expect.equal (snap.["state"] :?> Collections.Generic.Dictionary<int64, obj>).Count 2 "two states"
            let asList (o: obj) = o :?> Collections.Generic.List<obj>
            let ids = [| for g in asList snap.["param_groups"] -> [| for i in asList (g :?> Collections.Generic.Dictionary<string, obj>).["params"] -> i :?> int64 |] |]
            Expect.equal ids [| [| 0L |]; [| 1L |] |] "indices"
            let w2 = Parameter(w1.Value.Detach().Cast Dtype.Float32 * 1.0)
            let b2 = Parameter(b1.Value.Detach() * 1.0)
            let o2 = Adam([ ParamGroup([ w2 ]); ParamGroup([ b2 ]) ], lr = 0.01, amsgrad = true)
            o2.LoadStateDict snap
            Expect.equal o2.ParamGroups[1].Lr 0.05 "group lr restored"
            run w1 b1 o1 5
            run w2 b2 o2 5
            Expect.equal (w2.Value.ToFloat32Array()) (w1.Value.ToFloat32Array()) "weights"
            Expect.equal (b2.Value.ToFloat32Array()) (b1.Value.ToFloat32Array()) "bias"
            let o3 = Adam([ w2 ])
            throwsWith "loaded state dict has a different number of parameter groups (2, the optimizer has 1)" (fun () -> o3.LoadStateDict snap)

        testCase "StepLR, ExponentialLR and CosineAnnealingLR give PyTorch's learning rates bit for bit" <| fun () ->
            // Bit patterns of get_last_lr() after each step, printed by PyTorch 1.13.1 (initial lr 0.1).
            let run (mk: TorchOptimizer -> LRScheduler) n =
                let o = SGD([ param () ], 0.1)
                let s = mk o
                Expect.equal (s.GetLastLr()) [| 0.1 |] "initial"
                [| for _ in 1 .. n do
                     o.Step()
                     s.Step()
                     yield s.GetLastLr()[0] |] |> bitsOf
            Expect.equal (run (fun o -> CosineAnnealingLR(o, 5, etaMin = 0.01)) 12)
                [| "0x3fb7665e4240f1ad"; "0x3fb1a3cee617fbea"; "0x3fa50a4db8eec07c"; "0x3f930a5e0139a9f0"; "0x3f847ae147ae147b"; "0x3f930a5e0139a9f0"
                   "0x3fa50a4db8eec080"; "0x3fb1a3cee617fbed"; "0x3fb7665e4240f1b1"; "0x3fb999999999999e"; "0x3fb7665e4240f1b3"; "0x3fb1a3cee617fbee" |] "cosine"
            Expect.equal (run (fun o -> StepLR(o, 3, gamma = 0.5)) 7)
                [| "0x3fb999999999999a"; "0x3fb999999999999a"; "0x3fa999999999999a"; "0x3fa999999999999a"; "0x3fa999999999999a"; "0x3f9999999999999a"; "0x3f9999999999999a" |] "step"
            Expect.equal (run (fun o -> ExponentialLR(o, 0.9)) 5)
                [| "0x3fb70a3d70a3d70b"; "0x3fb4bc6a7ef9db24"; "0x3fb2a9930be0ded4"; "0x3fb0cbd1244a6225"; "0x3fae3baba7b91710" |] "exponential"

        testCase "object and pure optimizers give identical trajectories on a small ReLU regression" <| fun () ->
            let w0 = Tensor.ofArray [| 2; 1 |] [| 0.4f; -0.3f |]
            let b0 = Tensor.ofArray [| 1 |] [| 0.2f |]
            let objects : (string * (Parameter list -> TorchOptimizer) * Optimizer) list =
                [ "sgd", (fun ps -> SGD(ps, 0.05, momentum = 0.9, nesterov = true) :> _),
                  Optim.sgdWith { Fluxion.Kernels.OptimKernels.SgdHyper.Default 0.05 with Momentum = 0.9; Nesterov = true }
                  "adamw", (fun ps -> AdamW(ps, lr = 0.02, amsgrad = true) :> _), Optim.adamWWith { Fluxion.Kernels.OptimKernels.AdamHyper.AdamW with Lr = 0.02; Amsgrad = true }
                  "rmsprop", (fun ps -> RMSprop(ps, lr = 0.01, momentum = 0.5, centered = true) :> _),
                  Optim.rmspropWith { Fluxion.Kernels.OptimKernels.RmspropHyper.Default with Momentum = 0.5; Centered = true }
                  "adagrad", (fun ps -> Adagrad(ps, lr = 0.1, lrDecay = 0.01) :> _), Optim.adagradWith { Fluxion.Kernels.OptimKernels.AdagradHyper.Default with Lr = 0.1; LrDecay = 0.01 } ]
            for (name, mkObj, pureOpt) in objects do
                // Parameter shares its tensor's storage, so give it copies and keep w0/b0 for the pure run.
                let w = Parameter(w0 * 1.0)
                let b = Parameter(b0 * 1.0)
                let losses = Trainer.Fit(mkObj [ w; b ], (fun () -> Loss.mse Reduction.Mean (model w.Value b.Value) y), 200)
                let res = Fit.fit pureOpt (fun p -> Loss.mse Reduction.Mean (model (Params.find "w" p) (Params.find "b" p)) y) (FitOptions.Create 200) (fun _ _ -> ())
                              (Params.group [ "w", Params.leaf w0; "b", Params.leaf b0 ])
                Expect.equal (bitsOf res.Losses) (bitsOf losses) (name + ": losses")
                Expect.equal ((Params.find "w" res.Params).ToFloat32Array()) (w.Value.ToFloat32Array()) (name + ": weights")
                Expect.isLessThan losses[199] losses[0] (name + ": it learns")

        testCase "fit reports progress every k steps, stops on loss_tol, and stops with an error on a NaN loss" <| fun () ->
            let w = Parameter(Tensor.ofArray [| 1 |] [| 3.0f |])
            let reports = ResizeArray()
            let losses = Trainer.Fit(SGD([ w ], 0.1), (fun () -> (w.Value * w.Value).Sum()), 10, 3, (fun k l -> reports.Add((k, l))))
            Expect.equal (reports |> Seq.map fst |> List.ofSeq) [ 3; 6; 9 ] "reported iterations"
            Expect.equal (reports |> Seq.map snd |> List.ofSeq) [ losses[2]; losses[5]; losses[8] ] "reported losses"
            let w = Parameter(Tensor.ofArray [| 1 |] [| 3.0f |])
            let stopped = Trainer.Fit(SGD([ w ], 0.1), (fun () -> (w.Value * w.Value).Sum()), 1000, lossTol = 1e-3)
            let n = stopped.Length
            Expect.isLessThan (abs (stopped[n - 1] - stopped[n - 2])) 1e-3 "last change below tol"
            Expect.isGreaterThanOrEqual (abs (stopped[n - 2] - stopped[n - 3])) 1e-3 "previous change not below tol"
            // The loss blows up: w ← w − lr·2w with lr = 10 multiplies w by −19 each step; 9·361^15 overflows float32.
            let w = Parameter(Tensor.ofArray [| 1 |] [| 3.0f |])
            let ex = Expect.throwsC (fun () -> Trainer.Fit(SGD([ w ], 10.0), (fun () -> (w.Value * w.Value).Sum()), 100) |> ignore) id
            Expect.isTrue (ex :? ArithmeticException) "ArithmeticException"
            Expect.stringContains ex.Message "the loss became Infinity at iteration 16" "names the iteration"
            let w = Parameter(Tensor.ofArray [| 1 |] [| 3.0f |])
            let all = Trainer.Fit(SGD([ w ], 10.0), (fun () -> (w.Value * w.Value).Sum()), 20, allowNonFinite = true)
            Expect.equal all.Length 20 "opt-out runs on"
            let ex = Expect.throwsC (fun () ->
                        Fit.fit (Optim.sgd 10.0) (fun p -> (Params.find "w" p * Params.find "w" p).Sum()) (FitOptions.Create 100) (fun _ _ -> ())
                            (Params.group [ "w", Params.leaf (Tensor.ofArray [| 1 |] [| 3.0f |]) ]) |> ignore) id
            Expect.stringContains ex.Message "at iteration 16" "pure form names the iteration"
            Expect.equal (Fit.progressLine 1000 0.12669196724891663) "Iteration 1000 | Loss = 0.126692" "progress line"

        testCase "chained transforms and schedules compose with the pure optimizers" <| fun () ->
            let p = Params.group [ "a", Params.leaf (Tensor.ofArray64 [| 2 |] [| 1.0; -2.0 |]) ]
            let g = Params.group [ "a", Params.leaf (Tensor.ofArray64 [| 2 |] [| 3.0; 4.0 |]) ]
            // Clipping to norm 1 scales (3, 4) by 1/(5 + 1e-6).
            let clipped = Optim.chain [ Optim.clipByGlobalNorm 1.0 ] (Optim.sgd 1.0)
            let struct (p1, s1) = clipped.Update(g, (clipped.Init p), p)
            let c = 1.0 / (5.0 + 1e-6)
            Expect.equal ((Params.find "a" p1).ToDoubleArray()) [| 1.0 - 3.0 * c; -2.0 - 4.0 * c |] "clipped step"
            Expect.equal s1.Children.Length 2 "transform and optimizer states"
            // Coupled weight decay in front of plain SGD equals SGD's own weight_decay on exact binary values.
            let wdChain = Optim.chain [ Optim.addWeightDecay 0.25 ] (Optim.sgd 0.5)
            let wdOwn = Optim.sgdWith { Fluxion.Kernels.OptimKernels.SgdHyper.Default 0.5 with WeightDecay = 0.25 }
            let struct (pa, _) = wdChain.Update(g, (wdChain.Init p), p)
            let struct (pb, _) = wdOwn.Update(g, (wdOwn.Init p), p)
            Expect.equal ((Params.find "a" pa).ToDoubleArray()) ((Params.find "a" pb).ToDoubleArray()) "weight decay"
            Expect.equal ((Params.find "a" pa).ToDoubleArray()) [| 1.0 - 0.5 * 3.25; -2.0 - 0.5 * 3.5 |] "values"
            // A step schedule: lr 1, 1, 0.5, 0.5 on a constant gradient.
            let sched = Optim.withSchedule (Schedule.step 1.0 2 0.5) Optim.sgd
            let mutable q = p
            let mutable s = sched.Init p
            for _ in 1 .. 4 do
                let struct (q', s') = sched.Update(g, s, q)
                q <- q'
                s <- s'
            Expect.equal ((Params.find "a" q).ToDoubleArray()) [| 1.0 - 3.0 * 3.0; -2.0 - 4.0 * 3.0 |] "scheduled steps"
            Expect.floatClose Accuracy.veryHigh (Schedule.cosineAnnealing 0.1 5 0.01 5) 0.01 "cosine closed form at tMax"
            Expect.floatClose Accuracy.veryHigh (Schedule.exponential 0.1 0.9 2) 0.081 "exponential closed form"
    ]
