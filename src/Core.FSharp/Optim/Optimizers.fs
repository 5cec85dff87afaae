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

/// Per-group hyper-parameters of a saved optimizer.
type GroupState = { Lr: float; InitialLr: float; WeightDecay: float; Params: int[] }

/// A snapshot of an optimizer (PyTorch's `state_dict()`): state per parameter index (numbered across groups
/// in order) and the groups' hyper-parameters. States are immutable, so the snapshot shares them safely.
type OptimizerStateDict = { State: Map<int, OptState>; ParamGroups: GroupState[] }

/// Helpers of the in-place step: storage of managed tensors and private copies of states.
module internal InPlace =
    /// The raw tensor of a state's i-th buffer (a one-leaf tree), or null.
    let buf (s: OptState) (i: int) : RawTensor =
        if i >= s.Buffers.Length then Unchecked.defaultof<RawTensor>
        else
            match snd s.Buffers.[i] with
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
            Buffers = s.Buffers |> Array.map (fun (n, b) -> n, Params.map copy b)
            Children = s.Children |> Array.map clone }
    /// The held state with a pure update's results copied into its buffers, so buffers keep their storage (the
    /// fresh ones may be freed with the step's scope); a fresh state of another structure is kept as a copy.
    let rec adopt (held: OptState) (fresh: OptState) : OptState =
        let sameLayout =
            held.Buffers.Length = fresh.Buffers.Length && held.Children.Length = fresh.Children.Length
            && Array.forall2 (fun (hn, hb) (fn, fb) ->
                    hn = fn
                    && (let hl, fl = Params.leaves hb, Params.leaves fb
                        hl.Length = fl.Length && Array.forall2 (fun (h: Tensor) (f: Tensor) -> h.Dtype = f.Dtype && Shape.equal h.Shape f.Shape) hl fl))
                held.Buffers fresh.Buffers
        if not sameLayout then clone fresh
        else
            for (_, hb), (_, fb) in Array.zip held.Buffers fresh.Buffers do
                Array.iter2 (fun (h: Tensor) (f: Tensor) -> if not (obj.ReferenceEquals(h.Raw, f.Raw)) then h.Raw.CopyFrom f.Raw) (Params.leaves hb) (Params.leaves fb)
            { held with Step = fresh.Step; Children = Array.map2 adopt held.Children fresh.Children }
    /// Storage that runs optimizer updates with its backend's own kernels.
    let (|Storage|_|) (r: RawTensor) : IOptimizerStorage option =
        match box r with
        | :? IOptimizerStorage as s -> Some s
        | _ -> None
    /// True when param and grad are storages of the same type and shape.
    let sameKind (p: RawTensor) (g: RawTensor) =
        obj.ReferenceEquals(p.GetType(), g.GetType()) && Shape.equal p.Shape g.Shape

/// Base of the torch.optim-style optimizers: a thin shell that runs a pure `Optimizer` per parameter.
[<AbstractClass>]
type TorchOptimizer(name: string, groups: ParamGroup[], defaultLr: float, defaultWeightDecay: float) =
    let state = Dictionary<Parameter, OptState>(HashIdentity.Reference)
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
    abstract ReprEntries: group: ParamGroup -> (string * string) list
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
        use _ = GradMode.NoGrad()
        for g in groups do
            let mutable opt = Unchecked.defaultof<Optimizer>
            for p in g.Parameters do
                let grad = p.Grad
                if not (isNull (box grad)) then
                    let raw = p.Leaf.Raw
                    let s =
                        match state.TryGetValue p with
                        | true, s -> s
                        | _ ->
                            if isNull (box opt) then opt <- this.Pure g
                            // Fresh buffers of its own: Init may share one zero tensor between buffers.
                            InPlace.clone (opt.Init(Params.Leaf(p.Data)))
                    if this.StepInPlace(g, raw, grad.Raw, s) then state[p] <- { s with Step = s.Step + 1 }
                    else
                        if isNull (box opt) then opt <- this.Pure g
                        let newP, s' = opt.Update (Params.Leaf(grad.Detach())) s (Params.Leaf(p.Data))
                        match newP with
                        | Params.Leaf t -> p.SetData t
                        | _ -> ()
                        state[p] <- InPlace.adopt s s'

    /// Re-evaluates the loss with `closure` (which should zero grads and call Backward), then steps; returns the loss.
    member this.Step(closure: Func<Tensor>) : Tensor =
        let loss = closure.Invoke()
        this.Step()
        loss

    /// The state of a parameter, if it has been updated.
    member _.TryGetState(p: Parameter) : OptState option =
        match state.TryGetValue p with
        | true, s -> Some(InPlace.clone s)
        | _ -> None

    /// A snapshot of the per-parameter state and the groups' hyper-parameters.
    member _.StateDict() : OptimizerStateDict =
        let mutable idx = 0
        let mutable st = Map.empty
        let gs =
            groups |> Array.map (fun g ->
                let ids =
                    g.Parameters |> Array.map (fun p ->
                        match state.TryGetValue p with
                        | true, s -> st <- st.Add(idx, InPlace.clone s)
                        | _ -> ()
                        idx <- idx + 1
                        idx - 1)
                { Lr = g.Lr; InitialLr = g.InitialLr; WeightDecay = g.WeightDecay; Params = ids })
        { State = st; ParamGroups = gs }

    /// Restores a snapshot taken from an optimizer with the same group structure.
    member _.LoadStateDict(sd: OptimizerStateDict) =
        if sd.ParamGroups.Length <> groups.Length then
            raise (ArgumentException(sprintf "%s.LoadStateDict: the snapshot has %d parameter groups but the optimizer has %d" name sd.ParamGroups.Length groups.Length))
        for gi in 0 .. groups.Length - 1 do
            if sd.ParamGroups[gi].Params.Length <> groups[gi].Parameters.Length then
                raise (ArgumentException(sprintf "%s.LoadStateDict: group %d has %d parameters in the snapshot but %d here" name gi sd.ParamGroups[gi].Params.Length groups[gi].Parameters.Length))
        let all = groups |> Array.collect (fun g -> g.Parameters)
        for KeyValue(i, s) in sd.State do
            if i < 0 || i >= all.Length then
                raise (ArgumentException(sprintf "%s.LoadStateDict: state for parameter %d but there are %d parameters" name i all.Length))
            for (bn, b) in s.Buffers do
                for t in Params.leaves b do
                    if not (Shape.equal t.Shape all[i].Shape) then
                        raise (ShapeException(sprintf "%s.LoadStateDict: buffer '%s' of parameter %d has shape %s but the parameter has %s" name bn i (Shape.toString t.Shape) (Shape.toString all[i].Shape)))
        state.Clear()
        for KeyValue(i, s) in sd.State do state[all[i]] <- InPlace.clone s
        for gi in 0 .. groups.Length - 1 do
            let g, sg = groups[gi], sd.ParamGroups[gi]
            g.Lr <- sg.Lr
            g.InitialLr <- sg.InitialLr
            g.WeightDecay <- sg.WeightDecay

    /// PyTorch 1.13's repr: one block per group, keys sorted.
    override this.ToString() =
        let entries (g: ParamGroup) =
            let e = this.ReprEntries g
            if Double.IsNaN g.InitialLr then e else ("initial_lr", PyFormat.floatRepr g.InitialLr) :: e
        OptimizerFormat.optimizerRepr name (groups |> Array.map entries |> List.ofArray)

/// Python-style rendering of hyper-parameters whose PyTorch defaults are ints (0 prints as `0`, not `0.0`).
module internal Repr =
    let num (v: float) = if v = Math.Floor v && abs v < 1e15 then string (int64 v) else PyFormat.floatRepr v
    let flt (v: float) = PyFormat.floatRepr v
    let b (v: bool) = OptimizerFormat.pyBool v
    let groupsOf (ps: seq<Parameter>) = [| ParamGroup(ps, Nullable(), Nullable()) |]
    let groupsOfSeq (gs: seq<ParamGroup>) = if isNull gs then [||] else Array.ofSeq gs

/// torch.optim.SGD over parameters (lr is required, as in PyTorch).
type SGD private (groups: ParamGroup[], lr: float, momentum: float, dampening: float, weightDecay: float, nesterov: bool, maximize: bool) as this =
    inherit TorchOptimizer("SGD", groups, lr, weightDecay)
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
        { Lr = g.Lr; Momentum = momentum; Dampening = dampening; WeightDecay = g.WeightDecay; Nesterov = nesterov; Maximize = maximize }
    override this.Pure g = Optim.sgdWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            let hp = this.Hyper g
            Check.sgd "Optim.sgd" hp
            match p with
            | InPlace.Storage st -> st.SgdStep(grad, InPlace.buf s 0, s.Step > 0, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "dampening", Repr.num dampening; "differentiable", "False"; "foreach", "None"; "lr", Repr.flt g.Lr
          "maximize", Repr.b maximize; "momentum", Repr.num momentum; "nesterov", Repr.b nesterov; "weight_decay", Repr.num g.WeightDecay ]

/// torch.optim.Adam.
type Adam private (groups: ParamGroup[], lr: float, beta1: float, beta2: float, eps: float, weightDecay: float, amsgrad: bool, maximize: bool) as this =
    inherit TorchOptimizer("Adam", groups, lr, weightDecay)
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
        { AdamHyper.Adam with Lr = g.Lr; Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = g.WeightDecay; Amsgrad = amsgrad; Maximize = maximize }
    override this.Pure g = Optim.adamWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            let hp = this.Hyper g
            Check.adam "Optim.adam" hp
            match p with
            | InPlace.Storage st -> st.AdamStep(grad, InPlace.buf s 0, InPlace.buf s 1, InPlace.buf s 2, s.Step + 1, false, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "amsgrad", Repr.b amsgrad; "betas", OptimizerFormat.floatTuple [ beta1; beta2 ]; "capturable", "False"
          "differentiable", "False"; "eps", Repr.flt eps; "foreach", "None"; "fused", "False"; "lr", Repr.flt g.Lr
          "maximize", Repr.b maximize; "weight_decay", Repr.num g.WeightDecay ]

/// torch.optim.AdamW (decoupled weight decay, default 1e-2).
type AdamW private (groups: ParamGroup[], lr: float, beta1: float, beta2: float, eps: float, weightDecay: float, amsgrad: bool, maximize: bool) as this =
    inherit TorchOptimizer("AdamW", groups, lr, weightDecay)
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
        { AdamHyper.AdamW with Lr = g.Lr; Beta1 = beta1; Beta2 = beta2; Eps = eps; WeightDecay = g.WeightDecay; Amsgrad = amsgrad; Maximize = maximize }
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
        [ "amsgrad", Repr.b amsgrad; "betas", OptimizerFormat.floatTuple [ beta1; beta2 ]; "capturable", "False"
          "eps", Repr.flt eps; "foreach", "None"; "lr", Repr.flt g.Lr; "maximize", Repr.b maximize; "weight_decay", Repr.num g.WeightDecay ]

/// torch.optim.RMSprop.
type RMSprop private (groups: ParamGroup[], lr: float, alpha: float, eps: float, weightDecay: float, momentum: float, centered: bool, maximize: bool) as this =
    inherit TorchOptimizer("RMSprop", groups, lr, weightDecay)
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
        { RmspropHyper.Default with Lr = g.Lr; Alpha = alpha; Eps = eps; WeightDecay = g.WeightDecay; Momentum = momentum; Centered = centered; Maximize = maximize }
    override this.Pure g = Optim.rmspropWith (this.Hyper g)
    override this.StepInPlace(g, p, grad, s) =
        if not (InPlace.sameKind p grad) then false
        else
            let hp = this.Hyper g
            Check.rmsprop "Optim.rmsprop" hp
            match p with
            | InPlace.Storage st -> st.RmspropStep(grad, InPlace.buf s 0, InPlace.buf s 1, InPlace.buf s 2, hp)
            | _ -> false
    override _.ReprEntries g =
        [ "alpha", Repr.flt alpha; "centered", Repr.b centered; "differentiable", "False"; "eps", Repr.flt eps; "foreach", "None"
          "lr", Repr.flt g.Lr; "maximize", Repr.b maximize; "momentum", Repr.num momentum; "weight_decay", Repr.num g.WeightDecay ]

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
