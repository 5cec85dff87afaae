namespace Fluxion.Optim

open System
open System.Collections.Generic
open System.Numerics
open System.Runtime.InteropServices
open Fluxion
open Fluxion.Backend
open Fluxion.Nn
open Fluxion.Kernels.OptimKernels
open Fluxion.Printing

/// Parameters sharing hyper-parameters (an entry of PyTorch's `param_groups`); a null lr or weight decay
/// takes the optimizer's value.
[<Sealed; AllowNullLiteral>]
type ParamGroup(parameters: seq<Parameter>,
                [<Optional>] lr: Nullable<float>,
                [<Optional>] weightDecay: Nullable<float>) =
    let ps = if isNull parameters then [||] else Array.ofSeq parameters
    /// The parameters of the group.
    member _.Parameters: Parameter[] = ps
    /// The current learning rate (schedulers change it).
    member val Lr: float = (if lr.HasValue then lr.Value else nan) with get, set
    /// The weight decay of the group.
    member val WeightDecay: float = (if weightDecay.HasValue then weightDecay.Value else nan) with get, set
    /// The learning rate when a scheduler was attached (PyTorch's `initial_lr`), NaN before.
    member val InitialLr: float = nan with get, set
    /// The group's momentum (SGD, RMSprop) or first beta (Adam, AdamW) when a scheduler cycles it; NaN takes the optimizer's value.
    member val Momentum: float = nan with get, set
    /// Numbers a scheduler keeps in the group (OneCycleLR's `max_lr`, `min_lr`, `max_momentum`, `base_momentum`), in
    /// the order PyTorch adds them: they show in the state dict after `initial_lr` and in the repr.
    member val internal Extras = Collections.Generic.List<KeyValuePair<string, float>>() with get
    /// Sets a scheduler's number in the group, keeping the first-set order.
    member internal g.SetExtra(key: string, value: float) =
        match Seq.tryFindIndex (fun (kv: KeyValuePair<string, float>) -> kv.Key = key) g.Extras with
        | Some i -> g.Extras[i] <- KeyValuePair(key, value)
        | None -> g.Extras.Add(KeyValuePair(key, value))
    /// A scheduler's number by PyTorch's key (`max_lr`, `min_lr`, ...), or NaN when the group has none.
    member g.GetExtra(key: string) : float =
        match Seq.tryFind (fun (kv: KeyValuePair<string, float>) -> kv.Key = key) g.Extras with
        | Some kv -> kv.Value
        | None -> nan

/// How an optimizer writes `step` in its per-parameter state (as PyTorch 1.13 does).
type StepFormat =
    /// No step entry (SGD).
    | NoStep = 0
    /// A float32 0-dim tensor (Adam, AdamW, Adagrad).
    | TensorStep = 1
    /// A Python int (RMSprop).
    | IntStep = 2

/// Reading PyTorch-layout optimizer state dicts: nested dictionaries, lists, numbers and tensors.
module internal OptDict =
    let fail (name: string) (msg: string) : 'a = raise (ArgumentException(sprintf "%s.LoadStateDict: %s" name msg))
    let asDict (name: string) (what: string) (v: obj) : Collections.IDictionary =
        match v with
        | :? Collections.IDictionary as d -> d
        | _ -> fail name (sprintf "%s must be a dict, got %s" what (if isNull v then "None" else v.GetType().Name))
    let asList (name: string) (what: string) (v: obj) : obj[] =
        match v with
        | :? string | null -> fail name (sprintf "%s must be a list" what)
        | :? Collections.IEnumerable as e -> [| for x in e -> x |]
        | _ -> fail name (sprintf "%s must be a list, got %s" what (v.GetType().Name))
    let asInt (name: string) (what: string) (v: obj) : int =
        match v with
        | :? int as i -> i
        | :? int64 as i when i >= int64 Int32.MinValue && i <= int64 Int32.MaxValue -> int i
        | :? Tensor as t when t.Numel = 1 -> int (t.ToDouble())
        | :? float as f when f = Math.Floor f -> int f
        | _ -> fail name (sprintf "%s must be an int, got %O" what v)
    let asFloat (v: obj) : float option =
        match v with
        | :? float as f -> Some f
        | :? float32 as f -> Some(float f)
        | :? int as i -> Some(float i)
        | :? int64 as i -> Some(float i)
        | :? bool as b -> Some(if b then 1.0 else 0.0)
        | _ -> None
    /// The entries of a non-generic dictionary (its IEnumerable may yield KeyValuePairs, not DictionaryEntries).
    let entries (d: Collections.IDictionary) : (obj * obj)[] =
        let e = d.GetEnumerator()
        [| while e.MoveNext() do yield e.Key, e.Value |]
    let tryGet (d: Collections.IDictionary) (key: string) : obj option = if d.Contains key then Some d.[key] else None
    /// Python's repr of a hyper-parameter value for error messages.
    let rec repr (v: obj) : string =
        match v with
        | null -> "None"
        | :? bool as b -> if b then "True" else "False"
        | :? float as f -> PyFormat.floatRepr f
        | :? (obj[]) as xs -> "(" + String.Join(", ", xs |> Array.map repr) + ")"
        | _ -> string v
    /// Whether a saved hyper-parameter equals this optimizer's (numbers by value, tuples and lists elementwise).
    let rec same (a: obj) (b: obj) : bool =
        match asFloat a, asFloat b with
        | Some x, Some y -> x = y
        | _ ->
            match a, b with
            | null, null -> true
            | (:? Collections.IEnumerable as x), (:? Collections.IEnumerable as y) when not (a :? string) && not (b :? string) ->
                let xs, ys = [| for v in x -> v |], [| for v in y -> v |]
                xs.Length = ys.Length && Array.forall2 same xs ys
            | _ -> obj.Equals(a, b)

/// Helpers of the in-place step: storage of managed tensors and private copies of states.
module internal InPlace =
    /// The raw tensor of a state's i-th buffer (a one-leaf tree), or null.
    let buf (s: OptState) (i: int) : RawTensor =
        if i >= s.Buffers.Length then Unchecked.defaultof<RawTensor>
        else
            match s.Buffers.[i].Value with
            | Params.Leaf t -> t.Raw
            | _ -> Unchecked.defaultof<RawTensor>
    /// A deep copy: in-place steps mutate buffers, so states handed out or taken in are never shared. The copies
    /// are long-lived state, so they are kept out of any scope that frees a step's temporaries.
    let rec clone (s: OptState) : OptState =
        let copy (t: Tensor) =
            let r = t.Raw.Clone()
            r.KeepAlive()
            Tensor.OfRaw r
        { s with
            Buffers = s.Buffers |> Array.map (fun (KeyValue(n, b)) -> KeyValuePair(n, Params.map copy b))
            Children = s.Children |> Array.map clone }
    /// The held state with a pure update's results copied into its buffers, so buffers keep their storage (the
    /// fresh ones may be freed with the step's scope); a fresh state of another structure is kept as a copy.
    let rec adopt (held: OptState) (fresh: OptState) : OptState =
        let sameLayout =
            held.Buffers.Length = fresh.Buffers.Length && held.Children.Length = fresh.Children.Length
            && Array.forall2 (fun (KeyValue(hn, hb)) (KeyValue(fn, fb)) ->
                    hn = fn
                    && (let hl, fl = Params.leaves hb, Params.leaves fb
                        hl.Length = fl.Length && Array.forall2 (fun (h: Tensor) (f: Tensor) -> h.Dtype = f.Dtype && Shape.equal h.Shape f.Shape) hl fl))
                held.Buffers fresh.Buffers
        if not sameLayout then clone fresh
        else
            for KeyValue(_, hb), KeyValue(_, fb) in Array.zip held.Buffers fresh.Buffers do
                Array.iter2 (fun (h: Tensor) (f: Tensor) -> if not (obj.ReferenceEquals(h.Raw, f.Raw)) then h.Raw.CopyFrom f.Raw) (Params.leaves hb) (Params.leaves fb)
            { held with Step = fresh.Step; Children = Array.map2 adopt held.Children fresh.Children }
    /// Storage that runs optimizer updates with its backend's own kernels.
    [<return: Struct>]
    let (|Storage|_|) (r: RawTensor) : IOptimizerStorage voption =
        match box r with
        | :? IOptimizerStorage as s -> ValueSome s
        | _ -> ValueNone
    /// Bitwise equality of two hyper-parameters (a cached record is reused only for exactly the same values).
    let same (a: float) (b: float) = BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b
    /// True when param and grad are storages of the same type and shape.
    let sameKind (p: RawTensor) (g: RawTensor) =
        obj.ReferenceEquals(p.GetType(), g.GetType()) && Shape.equal p.Shape g.Shape

/// Base of the torch.optim-style optimizers: a thin shell that runs a pure `Optimizer` per parameter.
[<AbstractClass>]
type TorchOptimizer(name: string, groups: ParamGroup[], defaultLr: float, defaultWeightDecay: float) =
    let state = Dictionary<Parameter, OptState>(HashIdentity.Reference)
    // Moves whenever a parameter's state record is replaced (LoadStateDict, an out-of-place update): a captured
    // step's cached records are looked up again.
    let mutable stateEpoch = 0
    do
        if isNull groups || groups.Length = 0 || groups |> Array.forall (fun g -> isNull g || g.Parameters.Length = 0) then
            raise (ArgumentException(sprintf "%s: optimizer got an empty parameter list" name))
        let seen = HashSet<Parameter>(HashIdentity.Reference)
        for gi in 0 .. groups.Length - 1 do
            let g = groups[gi]
            if isNull g then raise (ArgumentException(sprintf "%s: parameter group %d is null" name gi))
            for p in g.Parameters do
                if isNull p then raise (ArgumentException(sprintf "%s: parameter group %d contains a null parameter" name gi))
                if not (seen.Add p) then raise (ArgumentException(sprintf "%s: some parameters appear in more than one parameter group (group %d)" name gi))
                if not (Dtype.isFloat p.Dtype) then raise (ArgumentException(sprintf "%s: can't optimize a %s parameter" name (Dtype.name p.Dtype)))
            if Double.IsNaN g.Lr then g.Lr <- defaultLr
            if Double.IsNaN g.WeightDecay then g.WeightDecay <- defaultWeightDecay

    /// The optimizer's name (`SGD`, `Adam`...).
    member _.Name = name
    /// The parameter groups.
    member _.ParamGroups: ParamGroup[] = groups
    /// The pure optimizer for a group's current hyper-parameters (validates them).
    abstract Pure: group: ParamGroup -> Optimizer
    /// The group's `key: value` pairs as PyTorch's repr prints them (without `params`).
    abstract ReprEntries: group: ParamGroup -> KeyValuePair<string, string>[]
    /// Runs the update in place on the parameter's storage and the state's buffers through IOptimizerStorage (the
    /// managed storage runs the pure optimizer's own kernels: same arithmetic, no copies); false when there is no
    /// such path (the pure update runs and its result is copied back).
    abstract StepInPlace: group: ParamGroup * param: RawTensor * grad: RawTensor * state: OptState -> bool
    default _.StepInPlace(_, _, _, _) = false

    /// Clears the gradients of all parameters (PyTorch's default `set_to_none=True`).
    member _.ZeroGrad() =
        for g in groups do
            for p in g.Parameters do p.ZeroGrad()

    /// One update of every parameter with a gradient; records nothing on the AD graph.
    member this.Step() =
        if CaptureState.Recording then
            // Inside Tensor.Capture: the update runs now and on every replay on the gradients this step produced,
            // re-reading the step counts and learning rates each time. Each parameter's state is looked up again
            // only when LoadStateDict replaced the states (the epoch moved).
            let work = [| for g in groups do
                            for p in g.Parameters do
                                let grad = p.Grad
                                if not (isNull (box grad)) then yield struct (g, p, p.Leaf.Raw, grad.Raw) |]
            let states : OptState[] = Array.zeroCreate work.Length
            let mutable seen = -1
            Capture.Action(fun () ->
                use _ = GradMode.NoGrad()
                if seen <> stateEpoch then
                    Array.fill states 0 states.Length Unchecked.defaultof<OptState>
                    seen <- stateEpoch
                for i in 0 .. work.Length - 1 do
                    let struct (g, p, raw, grad) = work.[i]
                    states.[i] <- this.StepOne(g, p, raw, grad, states.[i], true))
        else
        use _ = GradMode.NoGrad()
        for g in groups do
            for p in g.Parameters do
                let grad = p.Grad
                if not (isNull (box grad)) then this.StepOne(g, p, p.Leaf.Raw, grad.Raw, Unchecked.defaultof<OptState>, false) |> ignore

    // One parameter's update; `known` is its state when the caller holds it (null: look it up). Returns the state.
    member private this.StepOne(g: ParamGroup, p: Parameter, raw: RawTensor, grad: RawTensor, known: OptState, captured: bool) : OptState =
        let mutable held = true
        let s =
            if not (isNull (box known)) then known
            else
            match state.TryGetValue p with
            | true, s -> s
            | _ ->
                held <- false
                // Fresh buffers of its own: Init may share one zero tensor between buffers.
                InPlace.clone ((this.Pure g).Init(Params.Leaf(p.Data)))
        if this.StepInPlace(g, raw, grad, s) then
            raw.BumpVersion()
            // The held state is private (only copies are handed out), so its count goes up in place:
            // a new record per parameter and step was most of a training step's garbage.
            s.Step <- s.Step + 1
            if not held then state[p] <- s
            s
        elif captured then
            raise (NotSupportedException(sprintf "Tensor.Capture: %s has no in-place update for this parameter (%s, %s); a replay needs one. Run this step without Capture." name (Dtype.name p.Dtype) raw.Backend.Name))
        else
            let newP, s' = (this.Pure g).UpdateFn (Params.Leaf(Tensor.OfRaw grad)) s (Params.Leaf(p.Data))
            match newP with
            | Params.Leaf t -> p.SetData t
            | _ -> ()
            let s2 = InPlace.adopt s s'
            state[p] <- s2
            stateEpoch <- stateEpoch + 1
            s2

    /// Re-evaluates the loss with `closure` (which should zero grads and call Backward), then steps; returns the loss.
    member this.Step(closure: Func<Tensor>) : Tensor =
        let loss = closure.Invoke()
        this.Step()
        loss

    /// The state of a parameter, if it has been updated.
    member _.TryGetState(p: Parameter, [<Out>] result: byref<OptState>) : bool =
        match state.TryGetValue p with
        | true, s ->
            result <- InPlace.clone s
            true
        | _ -> false

    /// The group's hyper-parameters as PyTorch's `param_groups` entry holds them, in its order (without
    /// `params`); `lr`, `weight_decay` and `initial_lr` are per group, the others fixed at construction.
    abstract GroupEntries: group: ParamGroup -> KeyValuePair<string, obj>[]
    /// The hyper-parameter a momentum-cycling scheduler changes (`momentum` or `betas`, PyTorch's defaults key), null when none.
    abstract MomentumKey: string
    default _.MomentumKey = null
    default _.GroupEntries g = [| KeyValuePair("lr", box g.Lr); KeyValuePair("weight_decay", box g.WeightDecay) |]
    /// How `step` appears in the per-parameter state.
    abstract StepFormat: StepFormat
    default _.StepFormat = StepFormat.TensorStep
    /// The state buffers PyTorch saves for the current settings, in its order; null (the default) saves
    /// every buffer of the state.
    abstract SavedBuffers: string[]
    default _.SavedBuffers = null
    /// State entries PyTorch saves as None for the current settings (SGD's buffer without momentum).
    abstract NoneEntries: string[]
    default _.NoneEntries = [||]

    /// PyTorch's `state_dict()`: `state` maps a parameter's index (numbered across groups in order) to its
    /// state (`step`, `exp_avg`, ... as tensors), `param_groups` lists each group's hyper-parameters and the
    /// indices of its `params`. The tensors are copies, so later steps do not change the snapshot.
    member this.StateDict() : Dictionary<string, obj> =
        let st = Dictionary<int64, obj>()
        let gs = List<obj>()
        let mutable idx = 0L
        for g in groups do
            let ids = List<obj>()
            for p in g.Parameters do
                match state.TryGetValue p with
                | true, s ->
                    let s = InPlace.clone s
                    let e = Dictionary<string, obj>()
                    match this.StepFormat with
                    | StepFormat.TensorStep -> e.["step"] <- box (Fluxion.Ops.Creation.scalar (float s.Step) Dtype.Float32)
                    | StepFormat.IntStep -> e.["step"] <- box (int64 s.Step)
                    | _ -> ()
                    let saved = match this.SavedBuffers with null -> s.Buffers |> Array.map (fun kv -> kv.Key) | b -> b
                    for n in saved do
                        match s.Buffers |> Array.tryFind (fun kv -> kv.Key = n) with
                        | Some(KeyValue(_, Params.Leaf t)) -> e.[n] <- box t
                        | _ -> ()
                    for n in this.NoneEntries do e.[n] <- null
                    st.[idx] <- box e
                | _ -> ()
                ids.Add(box idx)
                idx <- idx + 1L
            let d = Dictionary<string, obj>()
            for KeyValue(k, v) in this.GroupEntries g do d.[k] <- v
            if not (Double.IsNaN g.InitialLr) then d.["initial_lr"] <- box g.InitialLr
            for KeyValue(k, v) in g.Extras do d.[k] <- box v
            d.["params"] <- box ids
            gs.Add(box d)
        let result = Dictionary<string, obj>()
        result.["state"] <- box st
        result.["param_groups"] <- box gs
        result

    /// PyTorch's `load_state_dict`: restores a state dict from `StateDict()` or a PyTorch checkpoint of the
    /// same optimizer over parameters of the same shapes. Everything is checked before anything changes.
    member this.LoadStateDict(stateDict: IDictionary<string, obj>) =
        if isNull stateDict then nullArg "stateDict"
        let fail (msg: string) : 'a = OptDict.fail name msg
        let get k = match stateDict.TryGetValue k with | true, v -> v | _ -> fail (sprintf "the state dict has no '%s' entry" k)
        let savedGroups = OptDict.asList name "param_groups" (get "param_groups") |> Array.mapi (fun i g -> OptDict.asDict name (sprintf "param_groups[%d]" i) g)
        let savedState = OptDict.asDict name "state" (get "state")
        if savedGroups.Length <> groups.Length then
            fail (sprintf "loaded state dict has a different number of parameter groups (%d, the optimizer has %d)" savedGroups.Length groups.Length)
        // PyTorch matches saved indices to parameters by position across groups.
        let idToParam = Dictionary<int, Parameter>()
        for gi in 0 .. groups.Length - 1 do
            let sg = savedGroups.[gi]
            let ids =
                match OptDict.tryGet sg "params" with
                | Some v -> OptDict.asList name (sprintf "param_groups[%d]['params']" gi) v |> Array.map (OptDict.asInt name "a parameter index")
                | None -> fail (sprintf "param_groups[%d] has no 'params'" gi)
            if ids.Length <> groups.[gi].Parameters.Length then
                fail (sprintf "loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group %d has %d parameters in the state dict, %d here)" gi ids.Length groups.[gi].Parameters.Length)
            Array.iteri (fun j id -> idToParam.[id] <- groups.[gi].Parameters.[j]) ids
            // A momentum-cycling scheduler (OneCycleLR) leaves base_momentum in the group: its momentum, or the first
            // beta, is the scheduler's current value and comes back with the group; the second beta must still match.
            let cycled = (OptDict.tryGet sg "base_momentum").IsSome && not (isNull this.MomentumKey)
            let withoutCycled (k: string) (v: obj) =
                if not cycled || k <> this.MomentumKey then v
                elif k = "betas" then (match v with :? Collections.IEnumerable as e -> box (Array.skip 1 [| for x in e -> x |]) | _ -> v)
                else null
            for KeyValue(k, mine) in this.GroupEntries groups.[gi] do
                if k <> "lr" && k <> "weight_decay" && k <> "foreach" && k <> "differentiable" && k <> "capturable" && k <> "fused" then
                    match OptDict.tryGet sg k |> Option.map (withoutCycled k) with
                    | Some v when not (OptDict.same v (withoutCycled k mine)) ->
                        fail (sprintf "param_groups[%d] has %s=%s but this optimizer has %s=%s; construct the optimizer with the saved value" gi k (OptDict.repr v) k (OptDict.repr mine))
                    | _ -> ()
            for k in [ "lr"; "weight_decay" ] do
                match OptDict.tryGet sg k |> Option.bind OptDict.asFloat with
                | Some _ -> ()
                | None -> fail (sprintf "param_groups[%d] has no number '%s'" gi k)
        let fresh = Dictionary<Parameter, OptState>(HashIdentity.Reference)
        for key, value in OptDict.entries savedState do
            let id = OptDict.asInt name "a state key" key
            let p =
                match idToParam.TryGetValue id with
                | true, p -> p
                | _ -> fail (sprintf "state for parameter %d, which is in no parameter group" id)
            let ps = OptDict.asDict name (sprintf "state[%d]" id) value
            let g = groups |> Array.find (fun g -> g.Parameters |> Array.exists (fun q -> obj.ReferenceEquals(q, p)))
            let init = InPlace.clone ((this.Pure g).Init(Params.Leaf(p.Data)))
            let step =
                match this.StepFormat with
                | StepFormat.NoStep -> 1
                | _ ->
                    match OptDict.tryGet ps "step" with
                    | Some v -> OptDict.asInt name (sprintf "state[%d]['step']" id) v
                    | None -> fail (sprintf "state[%d] has no 'step'" id)
            let saved = this.SavedBuffers
            let buffers =
                init.Buffers |> Array.map (fun (KeyValue(bn, b)) ->
                    if (if isNull saved then ps.Contains bn else Array.contains bn saved) then
                        match OptDict.tryGet ps bn with
                        | Some(:? Tensor as t) ->
                            if not (Shape.equal t.Shape p.Shape) then
                                fail (sprintf "state[%d]['%s'] has shape %s but the parameter has %s" id bn (Shape.toString t.Shape) (Shape.toString p.Shape))
                            let r = (if t.Dtype = p.Dtype then t.Raw else t.Raw.Cast p.Dtype).Clone()
                            r.KeepAlive()
                            KeyValuePair(bn, Params.Leaf(Tensor.OfRaw r))
                        | Some v -> fail (sprintf "state[%d]['%s'] must be a tensor, got %s" id bn (OptDict.repr v))
                        | None -> fail (sprintf "state[%d] has no '%s'" id bn)
                    else KeyValuePair(bn, b))
            fresh.[p] <- { init with Step = step; Buffers = buffers }
        state.Clear()
        for KeyValue(p, s) in fresh do state.[p] <- s
        stateEpoch <- stateEpoch + 1
        for gi in 0 .. groups.Length - 1 do
            let g, sg = groups.[gi], savedGroups.[gi]
            g.Lr <- (OptDict.tryGet sg "lr" |> Option.bind OptDict.asFloat).Value
            g.WeightDecay <- (OptDict.tryGet sg "weight_decay" |> Option.bind OptDict.asFloat).Value
            g.InitialLr <- (match OptDict.tryGet sg "initial_lr" |> Option.bind OptDict.asFloat with Some v -> v | None -> nan)
            if (OptDict.tryGet sg "base_momentum").IsSome && not (isNull this.MomentumKey) then
                match OptDict.tryGet sg this.MomentumKey with
                | Some(:? Collections.IEnumerable as e) when this.MomentumKey = "betas" ->
                    g.Momentum <- (Seq.cast<obj> e |> Seq.head |> OptDict.asFloat).Value
                | Some v -> g.Momentum <- (OptDict.asFloat v).Value
                | None -> ()
            // A scheduler's numbers (OneCycleLR's max_lr, ...) come back as PyTorch restores every group key.
            let known = set [ "params"; "lr"; "weight_decay"; "initial_lr" ] + set [ for KeyValue(k, _) in this.GroupEntries g -> k ]
            g.Extras.Clear()
            for k, v in OptDict.entries sg do
                match k with
                | :? string as key when not (known.Contains key) && not (v :? bool) ->
                    match OptDict.asFloat v with
                    | Some f -> g.Extras.Add(KeyValuePair(key, f))
                    | None -> ()
                | _ -> ()

    /// PyTorch 1.13's repr: one block per group, keys sorted.
    override this.ToString() =
        let entries (g: ParamGroup) =
            let e = this.ReprEntries g |> Array.map (fun (KeyValue(k, v)) -> k, v) |> List.ofArray
            let e = if Double.IsNaN g.InitialLr then e else ("initial_lr", PyFormat.floatRepr g.InitialLr) :: e
            e @ [ for KeyValue(k, v) in g.Extras -> k, PyFormat.floatRepr v ]
        OptimizerFormat.optimizerRepr name (groups |> Array.map entries |> List.ofArray)

/// Python-style rendering of hyper-parameters whose PyTorch defaults are ints (0 prints as `0`, not `0.0`).
module internal Repr =
    let num (v: float) = if v = Math.Floor v && abs v < 1e15 then string (int64 v) else PyFormat.floatRepr v
    let flt (v: float) = PyFormat.floatRepr v
    let b (v: bool) = OptimizerFormat.pyBool v
    let groupsOf (ps: seq<Parameter>) =
        if isNull ps then raise (ArgumentNullException("parameters", "optimizer: the parameter list is null; pass model.Parameters()"))
        [| ParamGroup(ps, Nullable(), Nullable()) |]
    let groupsOfSeq (gs: seq<ParamGroup>) =
        if isNull gs then raise (ArgumentNullException("groups", "optimizer: the list of parameter groups is null"))
        Array.ofSeq gs
    let kvs (entries: (string * 'T) list) = entries |> List.map (fun (k, v) -> KeyValuePair(k, v)) |> Array.ofList

/// torch.optim.SGD over parameters (lr is required, as in PyTorch).
type SGD private (groups: ParamGroup[], lr: float, momentum: float, dampening: float, weightDecay: float, nesterov: bool, maximize: bool) as this =
    inherit TorchOptimizer("SGD", groups, lr, weightDecay)
    let mom (g: ParamGroup) = if Double.IsNaN g.Momentum then momentum else g.Momentum
    let mutable lastHyper = Unchecked.defaultof<SgdHyper>
    do for g in this.ParamGroups do Check.sgd "SGD" (this.Hyper g)
    /// SGD over parameters.
    new(parameters: seq<Parameter>, lr: float,
        [<Optional; DefaultParameterValue(0.0)>] momentum: float, [<Optional; DefaultParameterValue(0.0)>] dampening: float,
        [<Optional; DefaultParameterValue(0.0)>] weightDecay: float, [<Optional; DefaultParameterValue(false)>] nesterov: bool,
        [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        SGD(Repr.groupsOf parameters, lr, momentum, dampening, weightDecay, nesterov, maximize)
    /// SGD over parameter groups with their own learning rates.
    new(groups: seq<ParamGroup>, lr: float,
        [<Optional; DefaultParameterValue(0.0)>] momentum: float, [<Optional; DefaultParameterValue(0.0)>] dampening: float,
        [<Optional; DefaultParameterValue(0.0)>] weightDecay: float, [<Optional; DefaultParameterValue(false)>] nesterov: bool,
        [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        SGD(Repr.groupsOfSeq groups, lr, momentum, dampening, weightDecay, nesterov, maximize)
    /// The kernel hyper-parameters of a group.
    member _.Hyper(g: ParamGroup) : SgdHyper =
        { Lr = g.Lr; Momentum = mom g; Dampening = dampening; WeightDecay = g.WeightDecay; Nesterov = nesterov; Maximize = maximize }
    override this.Pure g = Optim.sgdWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            // One record per settings, not per parameter and step: a scheduler's new lr makes (and checks) a new one.
            let mutable hp = lastHyper
            if isNull (box hp) || not (InPlace.same hp.Lr g.Lr && InPlace.same hp.Momentum (mom g) && InPlace.same hp.WeightDecay g.WeightDecay) then
                hp <- this.Hyper g
                Check.sgd "Optim.sgd" hp
                lastHyper <- hp
            match p with
            | InPlace.Storage st -> st.SgdStep(grad, InPlace.buf s 0, s.Step > 0, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "dampening", Repr.num dampening; "differentiable", "False"; "foreach", "None"; "lr", Repr.flt g.Lr
          "maximize", Repr.b maximize; "momentum", Repr.num (mom g); "nesterov", Repr.b nesterov; "weight_decay", Repr.num g.WeightDecay ]
        |> Repr.kvs
    override _.GroupEntries g =
        [ "lr", box g.Lr; "momentum", box (mom g); "dampening", box dampening; "weight_decay", box g.WeightDecay
          "nesterov", box nesterov; "maximize", box maximize; "foreach", null; "differentiable", box false ]
        |> Repr.kvs
    override _.StepFormat = StepFormat.NoStep
    override _.MomentumKey = "momentum"
    override _.SavedBuffers = if momentum <> 0.0 then [| "momentum_buffer" |] else [||]
    override _.NoneEntries = if momentum <> 0.0 then [||] else [| "momentum_buffer" |]

/// torch.optim.Adam.
type Adam private (groups: ParamGroup[], lr: float, beta1: float, beta2: float, eps: float, weightDecay: float, amsgrad: bool, maximize: bool) as this =
    inherit TorchOptimizer("Adam", groups, lr, weightDecay)
    let mom (g: ParamGroup) = if Double.IsNaN g.Momentum then beta1 else g.Momentum
    let mutable lastHyper = Unchecked.defaultof<AdamHyper>
    do for g in this.ParamGroups do Check.adam "Adam" (this.Hyper g)
    /// Adam over parameters with PyTorch's defaults.
    new(parameters: seq<Parameter>, [<Optional; DefaultParameterValue(1e-3)>] lr: float,
        [<Optional; DefaultParameterValue(0.9)>] beta1: float, [<Optional; DefaultParameterValue(0.999)>] beta2: float,
        [<Optional; DefaultParameterValue(1e-8)>] eps: float, [<Optional; DefaultParameterValue(0.0)>] weightDecay: float,
        [<Optional; DefaultParameterValue(false)>] amsgrad: bool, [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        Adam(Repr.groupsOf parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    /// Adam over parameter groups.
    new(groups: seq<ParamGroup>, [<Optional; DefaultParameterValue(1e-3)>] lr: float,
        [<Optional; DefaultParameterValue(0.9)>] beta1: float, [<Optional; DefaultParameterValue(0.999)>] beta2: float,
        [<Optional; DefaultParameterValue(1e-8)>] eps: float, [<Optional; DefaultParameterValue(0.0)>] weightDecay: float,
        [<Optional; DefaultParameterValue(false)>] amsgrad: bool, [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        Adam(Repr.groupsOfSeq groups, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    /// The kernel hyper-parameters of a group.
    member _.Hyper(g: ParamGroup) : AdamHyper =
        { AdamHyper.Adam with Lr = g.Lr; Beta1 = mom g; Beta2 = beta2; Eps = eps; WeightDecay = g.WeightDecay; Amsgrad = amsgrad; Maximize = maximize }
    override this.Pure g = Optim.adamWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            let mutable hp = lastHyper
            if isNull (box hp) || not (InPlace.same hp.Lr g.Lr && InPlace.same hp.Beta1 (mom g) && InPlace.same hp.WeightDecay g.WeightDecay) then
                hp <- this.Hyper g
                Check.adam "Optim.adam" hp
                lastHyper <- hp
            match p with
            | InPlace.Storage st -> st.AdamStep(grad, InPlace.buf s 0, InPlace.buf s 1, InPlace.buf s 2, s.Step + 1, false, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "amsgrad", Repr.b amsgrad; "betas", OptimizerFormat.floatTuple [ mom g; beta2 ]; "capturable", "False"
          "differentiable", "False"; "eps", Repr.flt eps; "foreach", "None"; "fused", "False"; "lr", Repr.flt g.Lr
          "maximize", Repr.b maximize; "weight_decay", Repr.num g.WeightDecay ]
        |> Repr.kvs
    override _.MomentumKey = "betas"
    override _.GroupEntries g =
        [ "lr", box g.Lr; "betas", box [| box (mom g); box beta2 |]; "eps", box eps; "weight_decay", box g.WeightDecay
          "amsgrad", box amsgrad; "maximize", box maximize; "foreach", null; "capturable", box false
          "differentiable", box false; "fused", box false ]
        |> Repr.kvs
    override _.SavedBuffers = if amsgrad then [| "exp_avg"; "exp_avg_sq"; "max_exp_avg_sq" |] else [| "exp_avg"; "exp_avg_sq" |]

/// torch.optim.AdamW (decoupled weight decay, default 1e-2).
type AdamW private (groups: ParamGroup[], lr: float, beta1: float, beta2: float, eps: float, weightDecay: float, amsgrad: bool, maximize: bool) as this =
    inherit TorchOptimizer("AdamW", groups, lr, weightDecay)
    let mom (g: ParamGroup) = if Double.IsNaN g.Momentum then beta1 else g.Momentum
    do for g in this.ParamGroups do Check.adam "AdamW" (this.Hyper g)
    /// AdamW over parameters with PyTorch's defaults.
    new(parameters: seq<Parameter>, [<Optional; DefaultParameterValue(1e-3)>] lr: float,
        [<Optional; DefaultParameterValue(0.9)>] beta1: float, [<Optional; DefaultParameterValue(0.999)>] beta2: float,
        [<Optional; DefaultParameterValue(1e-8)>] eps: float, [<Optional; DefaultParameterValue(1e-2)>] weightDecay: float,
        [<Optional; DefaultParameterValue(false)>] amsgrad: bool, [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        AdamW(Repr.groupsOf parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    /// AdamW over parameter groups.
    new(groups: seq<ParamGroup>, [<Optional; DefaultParameterValue(1e-3)>] lr: float,
        [<Optional; DefaultParameterValue(0.9)>] beta1: float, [<Optional; DefaultParameterValue(0.999)>] beta2: float,
        [<Optional; DefaultParameterValue(1e-8)>] eps: float, [<Optional; DefaultParameterValue(1e-2)>] weightDecay: float,
        [<Optional; DefaultParameterValue(false)>] amsgrad: bool, [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        AdamW(Repr.groupsOfSeq groups, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    /// The kernel hyper-parameters of a group.
    member _.Hyper(g: ParamGroup) : AdamHyper =
        { AdamHyper.AdamW with Lr = g.Lr; Beta1 = mom g; Beta2 = beta2; Eps = eps; WeightDecay = g.WeightDecay; Amsgrad = amsgrad; Maximize = maximize }
    override this.Pure g = Optim.adamWWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            let hp = this.Hyper g
            Check.adam "Optim.adamW" hp
            match p with
            | InPlace.Storage st -> st.AdamStep(grad, InPlace.buf s 0, InPlace.buf s 1, InPlace.buf s 2, s.Step + 1, true, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "amsgrad", Repr.b amsgrad; "betas", OptimizerFormat.floatTuple [ mom g; beta2 ]; "capturable", "False"
          "eps", Repr.flt eps; "foreach", "None"; "lr", Repr.flt g.Lr; "maximize", Repr.b maximize; "weight_decay", Repr.num g.WeightDecay ]
        |> Repr.kvs
    override _.MomentumKey = "betas"
    override _.GroupEntries g =
        [ "lr", box g.Lr; "betas", box [| box (mom g); box beta2 |]; "eps", box eps; "weight_decay", box g.WeightDecay
          "amsgrad", box amsgrad; "foreach", null; "maximize", box maximize; "capturable", box false ]
        |> Repr.kvs
    override _.SavedBuffers = if amsgrad then [| "exp_avg"; "exp_avg_sq"; "max_exp_avg_sq" |] else [| "exp_avg"; "exp_avg_sq" |]

/// torch.optim.RMSprop.
type RMSprop private (groups: ParamGroup[], lr: float, alpha: float, eps: float, weightDecay: float, momentum: float, centered: bool, maximize: bool) as this =
    inherit TorchOptimizer("RMSprop", groups, lr, weightDecay)
    let mom (g: ParamGroup) = if Double.IsNaN g.Momentum then momentum else g.Momentum
    let mutable lastHyper = Unchecked.defaultof<RmspropHyper>
    do for g in this.ParamGroups do Check.rmsprop "RMSprop" (this.Hyper g)
    /// RMSprop over parameters with PyTorch's defaults.
    new(parameters: seq<Parameter>, [<Optional; DefaultParameterValue(1e-2)>] lr: float,
        [<Optional; DefaultParameterValue(0.99)>] alpha: float, [<Optional; DefaultParameterValue(1e-8)>] eps: float,
        [<Optional; DefaultParameterValue(0.0)>] weightDecay: float, [<Optional; DefaultParameterValue(0.0)>] momentum: float,
        [<Optional; DefaultParameterValue(false)>] centered: bool, [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        RMSprop(Repr.groupsOf parameters, lr, alpha, eps, weightDecay, momentum, centered, maximize)
    /// RMSprop over parameter groups.
    new(groups: seq<ParamGroup>, [<Optional; DefaultParameterValue(1e-2)>] lr: float,
        [<Optional; DefaultParameterValue(0.99)>] alpha: float, [<Optional; DefaultParameterValue(1e-8)>] eps: float,
        [<Optional; DefaultParameterValue(0.0)>] weightDecay: float, [<Optional; DefaultParameterValue(0.0)>] momentum: float,
        [<Optional; DefaultParameterValue(false)>] centered: bool, [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        RMSprop(Repr.groupsOfSeq groups, lr, alpha, eps, weightDecay, momentum, centered, maximize)
    /// The kernel hyper-parameters of a group.
    member _.Hyper(g: ParamGroup) : RmspropHyper =
        { RmspropHyper.Default with Lr = g.Lr; Alpha = alpha; Eps = eps; WeightDecay = g.WeightDecay; Momentum = mom g; Centered = centered; Maximize = maximize }
    override this.Pure g = Optim.rmspropWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            let mutable hp = lastHyper
            if isNull (box hp) || not (InPlace.same hp.Lr g.Lr && InPlace.same hp.Momentum (mom g) && InPlace.same hp.WeightDecay g.WeightDecay) then
                hp <- this.Hyper g
                Check.rmsprop "Optim.rmsprop" hp
                lastHyper <- hp
            match p with
            | InPlace.Storage st -> st.RmspropStep(grad, InPlace.buf s 0, InPlace.buf s 1, InPlace.buf s 2, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "alpha", Repr.flt alpha; "centered", Repr.b centered; "differentiable", "False"; "eps", Repr.flt eps; "foreach", "None"
          "lr", Repr.flt g.Lr; "maximize", Repr.b maximize; "momentum", Repr.num (mom g); "weight_decay", Repr.num g.WeightDecay ]
        |> Repr.kvs
    override _.MomentumKey = "momentum"
    override _.GroupEntries g =
        [ "lr", box g.Lr; "momentum", box (mom g); "alpha", box alpha; "eps", box eps; "centered", box centered
          "weight_decay", box g.WeightDecay; "foreach", null; "maximize", box maximize; "differentiable", box false ]
        |> Repr.kvs
    override _.StepFormat = StepFormat.IntStep
    override _.SavedBuffers =
        [| yield "square_avg"
           if momentum > 0.0 then yield "momentum_buffer"
           if centered then yield "grad_avg" |]

/// torch.optim.Adagrad.
type Adagrad private (groups: ParamGroup[], lr: float, lrDecay: float, weightDecay: float, initialAccumulatorValue: float, eps: float, maximize: bool) as this =
    inherit TorchOptimizer("Adagrad", groups, lr, weightDecay)
    do for g in this.ParamGroups do Check.adagrad "Adagrad" (this.Hyper g)
    /// Adagrad over parameters with PyTorch's defaults.
    new(parameters: seq<Parameter>, [<Optional; DefaultParameterValue(1e-2)>] lr: float,
        [<Optional; DefaultParameterValue(0.0)>] lrDecay: float, [<Optional; DefaultParameterValue(0.0)>] weightDecay: float,
        [<Optional; DefaultParameterValue(0.0)>] initialAccumulatorValue: float, [<Optional; DefaultParameterValue(1e-10)>] eps: float,
        [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        Adagrad(Repr.groupsOf parameters, lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)
    /// Adagrad over parameter groups.
    new(groups: seq<ParamGroup>, [<Optional; DefaultParameterValue(1e-2)>] lr: float,
        [<Optional; DefaultParameterValue(0.0)>] lrDecay: float, [<Optional; DefaultParameterValue(0.0)>] weightDecay: float,
        [<Optional; DefaultParameterValue(0.0)>] initialAccumulatorValue: float, [<Optional; DefaultParameterValue(1e-10)>] eps: float,
        [<Optional; DefaultParameterValue(false)>] maximize: bool) =
        Adagrad(Repr.groupsOfSeq groups, lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)
    /// The kernel hyper-parameters of a group.
    member _.Hyper(g: ParamGroup) : AdagradHyper =
        { Lr = g.Lr; LrDecay = lrDecay; WeightDecay = g.WeightDecay; InitialAccumulatorValue = initialAccumulatorValue; Eps = eps; Maximize = maximize }
    override this.Pure g = Optim.adagradWith (this.Hyper g)
    override _.ReprEntries g =
        [ "eps", Repr.flt eps; "foreach", "None"; "initial_accumulator_value", Repr.num initialAccumulatorValue; "lr", Repr.flt g.Lr
          "lr_decay", Repr.num lrDecay; "maximize", Repr.b maximize; "weight_decay", Repr.num g.WeightDecay ]
        |> Repr.kvs
    override _.GroupEntries g =
        [ "lr", box g.Lr; "lr_decay", box lrDecay; "eps", box eps; "weight_decay", box g.WeightDecay
          "initial_accumulator_value", box initialAccumulatorValue; "foreach", null; "maximize", box maximize ]
        |> Repr.kvs
    override _.SavedBuffers = [| "sum" |]
