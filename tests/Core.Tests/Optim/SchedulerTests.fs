/// CosineAnnealingWarmRestarts, OneCycleLR and ReduceLROnPlateau against torch 1.13's sequences (tests/data/schedulers.json).
module OptimSchedulerTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim

let private data = lazy (TestData.json "schedulers.json")
let private case (name: string) =
    (data.Force().GetProperty "cases").EnumerateArray() |> Seq.find (fun c -> c.GetProperty("name").GetString() = name)
let private error (name: string) = (data.Force().GetProperty "errors").GetProperty(name).GetString()
let private args (c: JsonElement) = c.GetProperty "args"
let private int (c: JsonElement) (k: string) (d: int) = match (args c).TryGetProperty k with | true, e -> e.GetInt32() | _ -> d
let private flt (c: JsonElement) (k: string) (d: float) = match (args c).TryGetProperty k with | true, e -> e.GetDouble() | _ -> d
let private str (c: JsonElement) (k: string) (d: string) = match (args c).TryGetProperty k with | true, e -> e.GetString() | _ -> d
let private rows (e: JsonElement) = [| for r in e.EnumerateArray() -> [| for x in r.EnumerateArray() -> (if x.ValueKind = JsonValueKind.Null then nan else x.GetDouble()) |] |]
let private bits (xs: float[][]) = xs |> Array.map (Array.map (fun v -> BitConverter.DoubleToUInt64Bits v))

let private param () = Parameter(Tensor.ofArray [| 2 |] [| 0.0f; 0.0f |])
let private optimizer (kind: string) (lrs: float list) (momentum: float) : TorchOptimizer =
    let groups = [ for lr in lrs -> ParamGroup([ param () ], lr = Nullable lr) ]
    match kind with
    | "sgd" -> SGD(groups, lrs.Head, momentum = momentum)
    | "adam" -> Adam(groups, lr = lrs.Head)
    | "rmsprop" -> RMSprop(groups, lr = lrs.Head, momentum = momentum)
    | _ -> Adagrad(groups, lr = lrs.Head)

/// The group's momentum or beta1 as PyTorch's param_groups hold it (None for Adagrad).
let private momentumOf (o: TorchOptimizer) =
    [| for g in o.ParamGroups ->
        match o.GroupEntries g |> Array.tryFind (fun kv -> kv.Key = "momentum" || kv.Key = "betas") with
        | Some kv when kv.Key = "betas" -> unbox<float> ((kv.Value :?> obj[])[0])
        | Some kv -> unbox<float> kv.Value
        | None -> nan |]

/// OneCycleLR with the case's keyword arguments.
let private oneCycle (c: JsonElement) (o: TorchOptimizer) =
    OneCycleLR(o, flt c "max_lr" nan, totalSteps = int c "total_steps" 0, epochs = int c "epochs" 0,
               stepsPerEpoch = int c "steps_per_epoch" 0, pctStart = flt c "pct_start" 0.3,
               annealStrategy = (if str c "anneal_strategy" "cos" = "linear" then AnnealStrategy.Linear else AnnealStrategy.Cos),
               cycleMomentum = (match (args c).TryGetProperty "cycle_momentum" with | true, e -> e.GetBoolean() | _ -> true),
               baseMomentum = flt c "base_momentum" 0.85, maxMomentum = flt c "max_momentum" 0.95,
               divFactor = flt c "div_factor" 25.0, finalDivFactor = flt c "final_div_factor" 1e4,
               threePhase = (match (args c).TryGetProperty "three_phase" with | true, e -> e.GetBoolean() | _ -> false))

/// A param_groups value as comparable text: numbers by their bits (ints as doubles), None, True/False, tuples.
let rec private canonJson (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.Null -> "None"
    | JsonValueKind.True -> "True"
    | JsonValueKind.False -> "False"
    | JsonValueKind.Number -> sprintf "%016x" (BitConverter.DoubleToUInt64Bits(e.GetDouble()))
    | JsonValueKind.Array -> "(" + String.Join(", ", [ for x in e.EnumerateArray() -> canonJson x ]) + ")"
    | _ -> e.GetRawText()
let rec private canonObj (v: obj) =
    match v with
    | null -> "None"
    | :? bool as b -> if b then "True" else "False"
    | :? float as f -> sprintf "%016x" (BitConverter.DoubleToUInt64Bits f)
    | :? int as i -> sprintf "%016x" (BitConverter.DoubleToUInt64Bits(float i))
    | :? int64 as i -> sprintf "%016x" (BitConverter.DoubleToUInt64Bits(float i))
    | :? (obj[]) as a -> "(" + String.Join(", ", a |> Array.map canonObj) + ")"
    | _ -> string v
/// PyTorch's state_dict()['param_groups'] of the case (keys in order, without params) and Fluxion's.
let private groupsJson (e: JsonElement) = [ for g in e.EnumerateArray() -> [ for p in g.EnumerateObject() -> p.Name, canonJson p.Value ] ]
let private groupsOf (o: TorchOptimizer) =
    [ for g in (o.StateDict()["param_groups"] :?> Collections.Generic.List<obj>) ->
        [ for KeyValue(k, v) in (g :?> Collections.Generic.Dictionary<string, obj>) do if k <> "params" then yield k, canonObj v ] ]

let private raisesMsg<'e when 'e :> exn> (msg: string) (f: unit -> obj) =
    let ex = Expect.throwsC (f >> ignore) id
    Expect.isTrue (ex :? 'e) (sprintf "%s expected, got %s: %s" typeof<'e>.Name (ex.GetType().Name) ex.Message)
    Expect.stringStarts ex.Message msg "PyTorch's message"

[<Tests>]
let tests =
    testList "Optim.Schedulers" [
        for name in [ "warm_t3"; "warm_t2_mult2_eta"; "warm_t4_mult3" ] do
            testCase (sprintf "CosineAnnealingWarmRestarts %s gives torch 1.13's rates bit for bit" name) <| fun () ->
                let c = case name
                let o = optimizer "sgd" [ 0.1; 0.05 ] 0.0
                let s = CosineAnnealingWarmRestarts(o, int c "T_0" 0, tMult = int c "T_mult" 1, etaMin = flt c "eta_min" 0.0)
                let expected = rows (c.GetProperty "lrs")
                let got = [| yield s.GetLastLr(); for _ in 2 .. expected.Length do s.Step(); yield s.GetLastLr() |]
                Expect.equal (bits got) (bits expected) "lrs"
                Expect.equal (o.ParamGroups |> Array.map (fun g -> g.Lr)) (Array.last expected) "group lrs"

        for name in [ "cos_sgd"; "linear_sgd"; "three_phase_sgd"; "epochs_adam"; "no_momentum_adagrad"; "rmsprop_custom_momentum" ] do
            testCase (sprintf "OneCycleLR %s gives torch 1.13's rates and momenta bit for bit" name) <| fun () ->
                let c = case name
                let okw = c.GetProperty "optimizer_args"
                let mom = match okw.TryGetProperty "momentum" with | true, e -> e.GetDouble() | _ -> 0.0
                let o = optimizer (c.GetProperty("optimizer").GetString()) [ 0.1 ] mom
                let s = oneCycle c o
                let lrs = rows (c.GetProperty "lrs")
                let moms = rows (c.GetProperty "momenta")
                let gotLr = ResizeArray [ s.GetLastLr() ]
                let gotMom = ResizeArray [ momentumOf o ]
                for _ in 2 .. lrs.Length do
                    s.Step()
                    gotLr.Add(s.GetLastLr())
                    gotMom.Add(momentumOf o)
                Expect.equal (bits (gotLr.ToArray())) (bits lrs) "lrs"
                Expect.equal (bits (gotMom.ToArray())) (bits moms) "momenta"
                Expect.equal s.TotalSteps (lrs.Length - 1) "total steps"
                let ex = Expect.throwsC (fun () -> s.Step()) id
                Expect.isTrue (ex :? InvalidOperationException) "overstepping is an InvalidOperationException"
                Expect.equal ex.Message (c.GetProperty("overstep_error").GetString()) "PyTorch's message"

        for name in [ "cos_sgd"; "linear_sgd"; "three_phase_sgd"; "epochs_adam"; "no_momentum_adagrad"; "rmsprop_custom_momentum" ] do
            testCase (sprintf "OneCycleLR %s: param_groups hold initial_lr, max_lr, min_lr and the cycled momentum as torch 1.13's state_dict and repr" name) <| fun () ->
                let c = case name
                let okw = c.GetProperty "optimizer_args"
                let mom = match okw.TryGetProperty "momentum" with | true, e -> e.GetDouble() | _ -> 0.0
                let o = optimizer (c.GetProperty("optimizer").GetString()) [ 0.1 ] mom
                let s = oneCycle c o
                Expect.equal (groupsOf o) (groupsJson (c.GetProperty "param_groups_start")) "state_dict param_groups after construction"
                Expect.equal (string o) (c.GetProperty("repr_start").GetString()) "repr after construction"
                for _ in 1 .. s.TotalSteps do s.Step()
                Expect.equal (groupsOf o) (groupsJson (c.GetProperty "param_groups_end")) "state_dict param_groups after total_steps steps"
                Expect.equal (string o) (c.GetProperty("repr_end").GetString()) "repr after total_steps steps"
                let cycles = (match (args c).TryGetProperty "cycle_momentum" with | true, e -> e.GetBoolean() | _ -> true)
                let g = o.ParamGroups[0]
                Expect.equal (g.GetExtra "max_lr") (flt c "max_lr" nan) "GetExtra max_lr"
                Expect.equal (Double.IsNaN(g.GetExtra "max_momentum")) (not cycles) "max_momentum only when the momentum cycles"
                // load_state_dict restores the scheduler's keys with the rest of the group.
                let fresh = optimizer (c.GetProperty("optimizer").GetString()) [ 0.1 ] mom
                fresh.LoadStateDict(o.StateDict())
                Expect.equal (groupsOf fresh) (groupsOf o) "param_groups after a state_dict round trip"

        testCase "OneCycleLR's cycled momentum drives the SGD update" <| fun () ->
            // With momentum cycled to 0.95 at step 0, the second update uses buffer*0.95 + grad.
            let p = Parameter(Tensor.ofArray [| 1 |] [| 1.0f |])
            let o = SGD([ p ], 0.1, momentum = 0.5)
            let s = OneCycleLR(o, 1.0, totalSteps = 10)
            Expect.equal (o.ParamGroups[0].Momentum) 0.95 "max momentum at step 0"
            let lr0 = o.ParamGroups[0].Lr
            p.Value.Sum().Backward()
            o.Step()
            s.Step()
            o.ZeroGrad()
            let m1, lr1 = o.ParamGroups[0].Momentum, o.ParamGroups[0].Lr
            p.Value.Sum().Backward()
            o.Step()
            Expect.isTrue (m1 < 0.95 && m1 > 0.85) "momentum moved towards the base"
            Expect.floatClose { absolute = 1e-7; relative = 1e-6 } (float (p.Value.ToFloat32Array()[0])) (float (1.0f - float32 lr0 - float32 (lr1 * (m1 + 1.0)))) "two steps with the cycled momentum"

        for name in [ "min_rel"; "min_abs_cooldown"; "max_rel"; "max_abs_minlrs"; "min_eps" ] do
            testCase (sprintf "ReduceLROnPlateau %s gives torch 1.13's rates bit for bit" name) <| fun () ->
                let c = case name
                let o = optimizer "sgd" [ 0.1; 0.05 ] 0.0
                let minLr =
                    match (args c).TryGetProperty "min_lr" with
                    | true, e when e.ValueKind = JsonValueKind.Array -> [| for x in e.EnumerateArray() -> x.GetDouble() |]
                    | true, e -> [| e.GetDouble() |]
                    | _ -> null
                let s =
                    ReduceLROnPlateau(o, mode = (if str c "mode" "min" = "max" then PlateauMode.Max else PlateauMode.Min),
                                      factor = flt c "factor" 0.1, patience = int c "patience" 10, threshold = flt c "threshold" 1e-4,
                                      thresholdMode = (if str c "threshold_mode" "rel" = "abs" then ThresholdMode.Abs else ThresholdMode.Rel),
                                      cooldown = int c "cooldown" 0, minLr = minLr, eps = flt c "eps" 1e-8)
                let metrics = [| for m in (c.GetProperty "metrics").EnumerateArray() -> m.GetDouble() |]
                let expected = rows (c.GetProperty "lrs")
                let got = [| yield s.GetLastLr(); for m in metrics do s.Step m; yield s.GetLastLr() |]
                Expect.equal (bits got) (bits expected) "lrs"
                Expect.isTrue (expected |> Array.distinct |> Array.length > 2) "the case cuts the rate more than once"

        testCase "ReduceLROnPlateau.Step accepts a scalar loss tensor" <| fun () ->
            let o = optimizer "sgd" [ 0.1 ] 0.0
            let s = ReduceLROnPlateau(o, patience = 0, factor = 0.5)
            s.Step(Tensor.ofArray [||] [| 2.0f |])
            s.Step(Tensor.ofArray [||] [| 3.0f |])
            Expect.equal (s.GetLastLr()) [| 0.05 |] "halved after one bad epoch"
            Expect.equal s.Best 2.0 "best"

        testCase "argument checks raise PyTorch's messages" <| fun () ->
            let sgd () = optimizer "sgd" [ 0.1 ] 0.9
            raisesMsg<ArgumentOutOfRangeException> (error "warm_t0") (fun () -> box (CosineAnnealingWarmRestarts(sgd (), 0)))
            raisesMsg<ArgumentOutOfRangeException> (error "warm_tmult") (fun () -> box (CosineAnnealingWarmRestarts(sgd (), 2, tMult = 0)))
            raisesMsg<ArgumentException> (error "onecycle_none") (fun () -> box (OneCycleLR(sgd (), 0.1)))
            raisesMsg<ArgumentOutOfRangeException> "Expected positive integer total_steps, but got -3" (fun () -> box (OneCycleLR(sgd (), 0.1, totalSteps = -3)))
            raisesMsg<ArgumentOutOfRangeException> (error "onecycle_epochs") (fun () -> box (OneCycleLR(sgd (), 0.1, epochs = 0, stepsPerEpoch = 3)))
            raisesMsg<ArgumentOutOfRangeException> (error "onecycle_spe") (fun () -> box (OneCycleLR(sgd (), 0.1, epochs = 2, stepsPerEpoch = -1)))
            raisesMsg<ArgumentOutOfRangeException> (error "onecycle_pct") (fun () -> box (OneCycleLR(sgd (), 0.1, totalSteps = 10, pctStart = 1.5)))
            raisesMsg<ArgumentException> (error "onecycle_momentum") (fun () -> box (OneCycleLR(optimizer "adagrad" [ 0.1 ] 0.0, 0.1, totalSteps = 10)))
            raisesMsg<ArgumentException> ((error "onecycle_maxlr_count").Replace("got 1", "got 3")) (fun () -> box (OneCycleLR(optimizer "sgd" [ 0.1; 0.2 ] 0.9, [| 0.1; 0.2; 0.3 |], totalSteps = 10)))
            raisesMsg<ArgumentOutOfRangeException> (error "plateau_factor") (fun () -> box (ReduceLROnPlateau(sgd (), factor = 1.0)))
            raisesMsg<ArgumentException> (error "plateau_minlr") (fun () -> box (ReduceLROnPlateau(sgd (), minLr = [| 0.1; 0.2 |])))
            raisesMsg<ArgumentNullException> "LRScheduler: optimizer is null" (fun () -> box (OneCycleLR(Unchecked.defaultof<_>, 0.1, totalSteps = 3)))
    ]
