namespace Fluxion.Optim

open System
open Fluxion
open Fluxion.Nn
open Fluxion.Kernels.OptimKernels

/// State of a pure optimizer or transform: updates applied so far, named buffer trees shaped like the
/// parameters (e.g. `exp_avg`), and the states of chained parts. Pure updates never mutate it (they return a new
/// one); only a torch-style optimizer counts `Step` up in place, on the private copy it never hands out.
type OptState =
    { /// Updates applied so far (the torch-style optimizers count their private copy up in place).
      mutable Step: int
      /// Named buffer trees shaped like the parameters, in PyTorch's order.
      Buffers: Collections.Generic.KeyValuePair<string, Params>[]
      /// The states of chained parts (transforms, then the optimizer).
      Children: OptState[] }

/// A pure optimizer (optax style): Update takes gradients, state and parameters and returns NEW parameters
/// and state, so PyTorch's fused `p.add(d, alpha=-lr)` stays one rounding.
type Optimizer =
    internal
        { InitFn: Params -> OptState
          UpdateFn: Params -> OptState -> Params -> Params * OptState }

    /// The initial state for these parameters.
    member o.Init(parameters: Params) : OptState = o.InitFn parameters
    /// One update: (gradients, state, parameters) → (new parameters, new state).
    member o.Update(grads: Params, state: OptState, parameters: Params) : struct (Params * OptState) =
        let p, s = o.UpdateFn grads state parameters
        struct (p, s)
    /// An optimizer from an initial-state function and an update function.
    static member Create(init: Func<Params, OptState>, update: Func<Params, OptState, Params, struct (Params * OptState)>) : Optimizer =
        if isNull init then nullArg "init"
        if isNull update then nullArg "update"
        { InitFn = init.Invoke
          UpdateFn = fun g s p -> let struct (p', s') = update.Invoke(g, s, p) in p', s' }

/// A gradient transform chained in front of an optimizer: maps (grads, state, params) to new grads and state.
type GradientTransform =
    internal
        { TInitFn: Params -> OptState
          ApplyFn: Params -> OptState -> Params -> Params * OptState }

    /// The initial state for these parameters.
    member t.Init(parameters: Params) : OptState = t.TInitFn parameters
    /// One application: (gradients, state, parameters) → (new gradients, new state).
    member t.Apply(grads: Params, state: OptState, parameters: Params) : struct (Params * OptState) =
        let g, s = t.ApplyFn grads state parameters
        struct (g, s)
    /// A transform from an initial-state function and an application function.
    static member Create(init: Func<Params, OptState>, apply: Func<Params, OptState, Params, struct (Params * OptState)>) : GradientTransform =
        if isNull init then nullArg "init"
        if isNull apply then nullArg "apply"
        { TInitFn = init.Invoke
          ApplyFn = fun g s p -> let struct (g', s') = apply.Invoke(g, s, p) in g', s' }

/// Learning-rate schedules as functions from the update index (0 for the first update) to a learning rate.
[<RequireQualifiedAccess>]
module Schedule =
    /// The same rate at every step.
    let constant (lr: float) : int -> float = fun _ -> lr
    /// lr·gamma^⌊k/stepSize⌋ (StepLR's closed form).
    let step (lr: float) (stepSize: int) (gamma: float) : int -> float =
        if stepSize <= 0 then invalidArg "stepSize" (sprintf "Schedule.step: stepSize must be positive, got %d" stepSize)
        fun k -> lr * Math.Pow(gamma, float (k / stepSize))
    /// lr·gamma^k (ExponentialLR's closed form).
    let exponential (lr: float) (gamma: float) : int -> float = fun k -> lr * Math.Pow(gamma, float k)
    /// etaMin + (lr − etaMin)·(1 + cos(πk/tMax))/2 (CosineAnnealingLR's closed form).
    let cosineAnnealing (lr: float) (tMax: int) (etaMin: float) : int -> float =
        if tMax <= 0 then invalidArg "tMax" (sprintf "Schedule.cosineAnnealing: tMax must be positive, got %d" tMax)
        fun k -> etaMin + (lr - etaMin) * (1.0 + Math.Cos(Math.PI * float k / float tMax)) / 2.0

/// Validation of hyper-parameters shared by the pure optimizers and the torch.optim-style objects.
module internal Check =
    let fail (msg: string) = raise (ArgumentException msg)
    let lr (name: string) (lr: float) =
        if Double.IsNaN lr || lr < 0.0 then fail (sprintf "%s: invalid learning rate %g (must be a number >= 0)" name lr)
    let nonNeg (name: string) (what: string) (v: float) =
        if Double.IsNaN v || v < 0.0 then fail (sprintf "%s: invalid %s %g (must be a number >= 0)" name what v)
    let unit01 (name: string) (what: string) (v: float) =
        if Double.IsNaN v || v < 0.0 || v >= 1.0 then fail (sprintf "%s: invalid %s %g (must be in [0, 1))" name what v)
    let sgd (name: string) (hp: SgdHyper) =
        lr name hp.Lr
        unit01 name "momentum" hp.Momentum
        nonNeg name "weight decay" hp.WeightDecay
        if Double.IsNaN hp.Dampening then fail (sprintf "%s: invalid dampening %g" name hp.Dampening)
        if hp.Nesterov && (hp.Momentum <= 0.0 || hp.Dampening <> 0.0) then
            fail (sprintf "%s: nesterov momentum requires a momentum > 0 and zero dampening (got momentum %g, dampening %g)" name hp.Momentum hp.Dampening)
    let adam (name: string) (hp: AdamHyper) =
        lr name hp.Lr
        nonNeg name "epsilon" hp.Eps
        unit01 name "beta parameter at index 0" hp.Beta1
        unit01 name "beta parameter at index 1" hp.Beta2
        nonNeg name "weight decay" hp.WeightDecay
    let rmsprop (name: string) (hp: RmspropHyper) =
        lr name hp.Lr
        nonNeg name "epsilon" hp.Eps
        nonNeg name "momentum" hp.Momentum
        nonNeg name "weight decay" hp.WeightDecay
        nonNeg name "alpha" hp.Alpha
    let adagrad (name: string) (hp: AdagradHyper) =
        lr name hp.Lr
        nonNeg name "lr decay" hp.LrDecay
        nonNeg name "weight decay" hp.WeightDecay
        nonNeg name "initial accumulator value" hp.InitialAccumulatorValue
        nonNeg name "epsilon" hp.Eps

/// Pure optimizers with PyTorch 1.13's arithmetic (bit for bit), gradient transforms, chaining and schedules.
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Optim =
    // Results stay on the parameter's backend (the kernels run on copied-out arrays).
    let private ofArr32 (like: Tensor) (a: float32[]) = Tensor.OfRaw(like.Raw.Backend.OfFloat32(a, like.Shape))
    let private ofArr64 (like: Tensor) (a: float[]) = Tensor.OfRaw(like.Raw.Backend.OfFloat64(a, like.Shape))

    /// Reading a tensor's values as kernel arrays of one float type, and writing arrays back shaped like a tensor.
    type private ElementIO<'T> = { Read: Tensor -> 'T[]; Write: Tensor -> 'T[] -> Tensor }
    let private io32 = { Read = (fun (t: Tensor) -> t.ToFloat32Array()); Write = ofArr32 }
    let private io64 = { Read = (fun (t: Tensor) -> t.ToDoubleArray()); Write = ofArr64 }

    /// The buffer tree called `name` in a state.
    let buffer (name: string) (state: OptState) : Params =
        match state.Buffers |> Array.tryFind (fun kv -> kv.Key = name) with
        | Some kv -> kv.Value
        | None -> invalidArg "state" (sprintf "Optim.buffer: the state has no buffer '%s' (has: %s)" name (String.Join(", ", state.Buffers |> Array.map (fun kv -> kv.Key))))

    let private kv (n: string, p: Params) = Collections.Generic.KeyValuePair(n, p)
    let private emptyState = { Step = 0; Buffers = [||]; Children = [||] }

    /// One leaf step: parameter, gradient (same dtype and shape), buffers and the 0-based update index → new parameter and buffers.
    type private LeafStep = Tensor -> Tensor -> Tensor[] -> int -> Tensor * Tensor[]

    let private updateLeaves (fn: string) (names: string[]) (step: LeafStep) (grads: Params) (state: OptState) (ps: Params) =
        let pl = Params.flatten ps
        let gl = Params.leaves grads
        if gl.Length <> pl.Length then
            invalidArg "grads" (sprintf "%s: %d gradients for %d parameters" fn gl.Length pl.Length)
        let bl = names |> Array.map (fun n -> Params.leaves (buffer n state))
        let results =
            Array.init pl.Length (fun i ->
                let name, p = pl[i]
                if not (Dtype.isFloat p.Dtype) then
                    invalidArg "params" (sprintf "%s: parameter '%s' has dtype %s; only float32/float64 can be optimized" fn name (Dtype.name p.Dtype))
                let g = gl[i]
                if not (Shape.equal g.Shape p.Shape) then
                    raise (ShapeException(sprintf "%s: gradient of '%s' has shape %s but the parameter has %s" fn name (Shape.toString g.Shape) (Shape.toString p.Shape), "grads"))
                let g = if g.Dtype = p.Dtype then g else g.Detach().Cast p.Dtype
                step p g (bl |> Array.map (fun b -> b[i])) state.Step)
        let newParams = Params.withLeaves ps (results |> Array.map fst)
        let buffers = names |> Array.mapi (fun j n -> Collections.Generic.KeyValuePair(n, Params.withLeaves ps (results |> Array.map (fun r -> (snd r)[j]))))
        newParams, { state with Step = state.Step + 1; Buffers = buffers }

    let private is32 (p: Tensor) = p.Dtype = Dtype.Float32

    /// SGD with full hyper-parameters (momentum buffer created from the first direction, as PyTorch does).
    let sgdWith (hp: SgdHyper) : Optimizer =
        Check.sgd "Optim.sgd" hp
        let names = [| "momentum_buffer" |]
        let leaf (io: ElementIO<'T>) (kernel: 'T[] -> 'T[] -> SgdState<'T> -> SgdHyper -> unit) : LeafStep = fun p g bufs k ->
            let useBuf = hp.Momentum <> 0.0
            let pa = io.Read p
            let st = { MomentumBuffer = (if useBuf then io.Read bufs[0] else [||]); HasBuffer = k > 0 }
            kernel pa (io.Read g) st hp
            io.Write p pa, [| (if useBuf then io.Write p st.MomentumBuffer else bufs[0]) |]
        let step32, step64 = leaf io32 sgdStep32, leaf io64 sgdStep64
        let step: LeafStep = fun p g bufs k -> (if is32 p then step32 else step64) p g bufs k
        { InitFn = fun p -> { emptyState with Buffers = [| kv ("momentum_buffer", Params.zerosLike p) |] }
          UpdateFn = fun g s p -> updateLeaves "Optim.sgd" names step g s p }

    /// torch.optim.SGD(lr) with every other setting at its default.
    let sgd (lr: float) : Optimizer = sgdWith (SgdHyper.Default lr)

    let private adamLike (fn: string) (decoupled: bool) (hp: AdamHyper) : Optimizer =
        Check.adam fn hp
        let names = [| "exp_avg"; "exp_avg_sq"; "max_exp_avg_sq" |]
        let leaf (io: ElementIO<'T>) (kernel: 'T[] -> 'T[] -> AdamState<'T> -> AdamHyper -> unit) : LeafStep = fun p g bufs k ->
            let pa = io.Read p
            let st: AdamState<'T> =
                { ExpAvg = io.Read bufs[0]; ExpAvgSq = io.Read bufs[1]
                  MaxExpAvgSq = (if hp.Amsgrad then io.Read bufs[2] else [||]); Step = float k }
            kernel pa (io.Read g) st hp
            io.Write p pa, [| io.Write p st.ExpAvg; io.Write p st.ExpAvgSq; (if hp.Amsgrad then io.Write p st.MaxExpAvgSq else bufs[2]) |]
        let step32 = leaf io32 (if decoupled then adamWStep32 else adamStep32)
        let step64 = leaf io64 (if decoupled then adamWStep64 else adamStep64)
        let step: LeafStep = fun p g bufs k -> (if is32 p then step32 else step64) p g bufs k
        { InitFn = fun p ->
            let z = Params.zerosLike p
            { emptyState with Buffers = [| kv ("exp_avg", z); kv ("exp_avg_sq", z); kv ("max_exp_avg_sq", z) |] }
          UpdateFn = fun g s p -> updateLeaves fn names step g s p }

    /// Adam with full hyper-parameters (1.13 formulas; set Torch2x for 2.x's).
    let adamWith (hp: AdamHyper) : Optimizer = adamLike "Optim.adam" false hp
    /// torch.optim.Adam(lr) with default betas (0.9, 0.999), eps 1e-8, no weight decay.
    let adam (lr: float) : Optimizer = adamWith { AdamHyper.Adam with Lr = lr }
    /// AdamW (decoupled weight decay) with full hyper-parameters.
    let adamWWith (hp: AdamHyper) : Optimizer = adamLike "Optim.adamW" true hp
    /// torch.optim.AdamW(lr) with default weight decay 1e-2.
    let adamW (lr: float) : Optimizer = adamWWith { AdamHyper.AdamW with Lr = lr }

    /// RMSprop with full hyper-parameters.
    let rmspropWith (hp: RmspropHyper) : Optimizer =
        Check.rmsprop "Optim.rmsprop" hp
        let names = [| "square_avg"; "momentum_buffer"; "grad_avg" |]
        let leaf (io: ElementIO<'T>) (kernel: 'T[] -> 'T[] -> RmspropState<'T> -> RmspropHyper -> unit) : LeafStep = fun p g bufs k ->
            let useMom = hp.Momentum > 0.0
            let pa = io.Read p
            let st: RmspropState<'T> =
                { SquareAvg = io.Read bufs[0]; MomentumBuffer = (if useMom then io.Read bufs[1] else [||])
                  GradAvg = (if hp.Centered then io.Read bufs[2] else [||]); Step = float k }
            kernel pa (io.Read g) st hp
            io.Write p pa,
            [| io.Write p st.SquareAvg; (if useMom then io.Write p st.MomentumBuffer else bufs[1])
               (if hp.Centered then io.Write p st.GradAvg else bufs[2]) |]
        let step32, step64 = leaf io32 rmspropStep32, leaf io64 rmspropStep64
        let step: LeafStep = fun p g bufs k -> (if is32 p then step32 else step64) p g bufs k
        { InitFn = fun p ->
            let z = Params.zerosLike p
            { emptyState with Buffers = [| kv ("square_avg", z); kv ("momentum_buffer", z); kv ("grad_avg", z) |] }
          UpdateFn = fun g s p -> updateLeaves "Optim.rmsprop" names step g s p }

    /// torch.optim.RMSprop(lr) with alpha 0.99, eps 1e-8.
    let rmsprop (lr: float) : Optimizer = rmspropWith { RmspropHyper.Default with Lr = lr }

    /// Adagrad with full hyper-parameters (the sum starts at InitialAccumulatorValue).
    let adagradWith (hp: AdagradHyper) : Optimizer =
        Check.adagrad "Optim.adagrad" hp
        let names = [| "sum" |]
        let leaf (io: ElementIO<'T>) (kernel: 'T[] -> 'T[] -> AdagradState<'T> -> AdagradHyper -> unit) : LeafStep = fun p g bufs k ->
            let pa = io.Read p
            let st: AdagradState<'T> = { Sum = io.Read bufs[0]; Step = float k }
            kernel pa (io.Read g) st hp
            io.Write p pa, [| io.Write p st.Sum |]
        let step32, step64 = leaf io32 adagradStep32, leaf io64 adagradStep64
        let step: LeafStep = fun p g bufs k -> (if is32 p then step32 else step64) p g bufs k
        { InitFn = fun p -> { emptyState with Buffers = [| kv ("sum", Params.map (fun t -> t.FullLike hp.InitialAccumulatorValue) p) |] }
          UpdateFn = fun g s p -> updateLeaves "Optim.adagrad" names step g s p }

    /// torch.optim.Adagrad(lr) with eps 1e-10 and no decay.
    let adagrad (lr: float) : Optimizer = adagradWith { AdagradHyper.Default with Lr = lr }

    // ---------------------------------------------------------------- transforms, chaining, schedules

    let private stateless (f: Params -> Params -> Params) : GradientTransform =
        { TInitFn = fun _ -> emptyState
          ApplyFn = fun g s p -> f g p, { s with Step = s.Step + 1 } }

    /// Scales all gradients so their joint L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_: coef = maxNorm/(norm + 1e-6), clamped at 1).
    let clipByGlobalNorm (maxNorm: float) : GradientTransform =
        if Double.IsNaN maxNorm || maxNorm <= 0.0 then invalidArg "maxNorm" (sprintf "Optim.clipByGlobalNorm: maxNorm must be positive, got %g" maxNorm)
        stateless (fun g _ ->
            let leaves = Params.leaves g
            if leaves.Length = 0 then g
            else
                let sq = leaves |> Array.sumBy (fun t -> let d = t.ToDoubleArray() in Array.sumBy (fun v -> v * v) d)
                let coef = min 1.0 (maxNorm / (Math.Sqrt sq + 1e-6))
                Params.map (fun t -> t.Detach() * coef) g)

    /// Clamps every gradient element into [lo, hi].
    let clipByValue (lo: float) (hi: float) : GradientTransform =
        if not (lo <= hi) then invalidArg "lo" (sprintf "Optim.clipByValue: lo %g must not exceed hi %g" lo hi)
        stateless (fun g _ -> Params.map (fun t -> Fluxion.Ops.Elementwise.clamp lo hi (t.Detach())) g)

    /// Adds wd·p to every gradient (coupled L2 weight decay).
    let addWeightDecay (wd: float) : GradientTransform =
        Check.nonNeg "Optim.addWeightDecay" "weight decay" wd
        stateless (fun g p -> Params.map2 (fun gt pt -> gt.Detach() + pt.Detach() * wd) g p)

    /// Multiplies every gradient by s.
    let scaleGradients (s: float) : GradientTransform = stateless (fun g _ -> Params.map (fun t -> t.Detach() * s) g)

    /// Runs the transforms in order on the gradients, then the optimizer.
    let chain (transforms: GradientTransform list) (opt: Optimizer) : Optimizer =
        let ts = Array.ofList transforms
        { InitFn = fun p -> { emptyState with Children = Array.append (ts |> Array.map (fun t -> t.TInitFn p)) [| opt.InitFn p |] }
          UpdateFn = fun g s p ->
            let mutable g = g
            let children = Array.copy s.Children
            for i in 0 .. ts.Length - 1 do
                let g', c = ts[i].ApplyFn g children[i] p
                g <- g'
                children[i] <- c
            let p', c = opt.UpdateFn g children[ts.Length] p
            children[ts.Length] <- c
            p', { s with Step = s.Step + 1; Children = children } }

    /// An optimizer whose learning rate follows a schedule: update k uses `make (schedule k)`.
    let withSchedule (schedule: int -> float) (make: float -> Optimizer) : Optimizer =
        { InitFn = fun p -> { emptyState with Children = [| (make (schedule 0)).InitFn p |] }
          UpdateFn = fun g s p ->
            let p', c = (make (schedule s.Step)).UpdateFn g s.Children[0] p
            p', { s with Step = s.Step + 1; Children = [| c |] } }
