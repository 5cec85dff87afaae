namespace Fluxion.Optim

open System
open System.Runtime.InteropServices

/// Base of the learning-rate schedulers (torch.optim.lr_scheduler): PyTorch's recursive ("chainable")
/// formulas on each group's current lr, so the rates equal PyTorch's doubles exactly.
[<AbstractClass>]
type LRScheduler(optimizer: TorchOptimizer) =
    do
        if isNull (box optimizer) then raise (ArgumentNullException("optimizer", "LRScheduler: optimizer is null"))
        for g in optimizer.ParamGroups do
            if Double.IsNaN g.InitialLr then g.InitialLr <- g.Lr
    let mutable baseLrs = optimizer.ParamGroups |> Array.map (fun g -> g.InitialLr)
    let mutable lastEpoch = 0
    let mutable lastLr = optimizer.ParamGroups |> Array.map (fun g -> g.Lr)
    /// The optimizer whose groups are scheduled.
    member _.Optimizer = optimizer
    /// The learning rates the groups started from (PyTorch's `base_lrs`).
    member _.BaseLrs = Array.copy baseLrs
    /// Number of Step() calls so far (PyTorch's `last_epoch`).
    member _.LastEpoch = lastEpoch
    /// The next rate of a group given its current rate, its base rate and the new epoch (≥ 1).
    abstract NextLr: current: float * baseLr: float * epoch: int -> float
    default _.NextLr(current, _, _) = current
    /// The rate of group `index` at `epoch` (0 is the construction step of the closed-form schedulers); NextLr by default.
    abstract GroupLr: index: int * current: float * baseLr: float * epoch: int -> float
    default this.GroupLr(_, current, baseLr, epoch) = this.NextLr(current, baseLr, epoch)
    /// Updates per-step state before the groups' rates are computed for `epoch`.
    abstract Advance: epoch: int -> unit
    default _.Advance _ = ()
    member private _.Apply(epoch: int, this: LRScheduler) =
        let gs = optimizer.ParamGroups
        for i in 0 .. gs.Length - 1 do
            gs[i].Lr <- this.GroupLr(i, gs[i].Lr, baseLrs[i], epoch)
        lastLr <- gs |> Array.map (fun g -> g.Lr)
    /// PyTorch's construction-time step of the closed-form schedulers: the rates at epoch 0 (which may differ
    /// from the base rate in the last bit).
    member internal this.InitialStep(initialLrs: float[]) =
        if not (isNull initialLrs) then
            baseLrs <- Array.copy initialLrs
            optimizer.ParamGroups |> Array.iteri (fun i g -> g.InitialLr <- initialLrs[i])
        this.Apply(0, this)
    /// Advances one epoch and sets every group's learning rate.
    member this.Step() =
        this.Advance(lastEpoch + 1)
        lastEpoch <- lastEpoch + 1
        this.Apply(lastEpoch, this)
    /// The rates set by the last Step() (PyTorch's `get_last_lr()`).
    member _.GetLastLr() : float[] = Array.copy lastLr

/// Multiplies the rate by gamma every stepSize epochs (torch.optim.lr_scheduler.StepLR).
type StepLR(optimizer: TorchOptimizer, stepSize: int, [<Optional; DefaultParameterValue(0.1)>] gamma: float) =
    inherit LRScheduler(optimizer)
    do if stepSize <= 0 then invalidArg "stepSize" (sprintf "StepLR: stepSize must be positive, got %d" stepSize)
    /// Epochs between decays.
    member _.StepSize = stepSize
    /// The decay factor.
    member _.Gamma = gamma
    override _.NextLr(current, _, epoch) = if epoch % stepSize <> 0 then current else current * gamma

/// Multiplies the rate by gamma every epoch (torch.optim.lr_scheduler.ExponentialLR).
type ExponentialLR(optimizer: TorchOptimizer, gamma: float) =
    inherit LRScheduler(optimizer)
    /// The decay factor.
    member _.Gamma = gamma
    override _.NextLr(current, _, _) = current * gamma

/// Cosine annealing from the base rate to etaMin over tMax epochs (torch.optim.lr_scheduler.CosineAnnealingLR).
type CosineAnnealingLR(optimizer: TorchOptimizer, tMax: int, [<Optional; DefaultParameterValue(0.0)>] etaMin: float) =
    inherit LRScheduler(optimizer)
    do if tMax <= 0 then invalidArg "tMax" (sprintf "CosineAnnealingLR: tMax must be positive, got %d" tMax)
    /// Half period in epochs.
    member _.TMax = tMax
    /// The smallest rate.
    member _.EtaMin = etaMin
    override _.NextLr(current, baseLr, epoch) =
        let t = float tMax
        if (epoch - 1 - tMax) % (2 * tMax) = 0 then
            current + (baseLr - etaMin) * (1.0 - Math.Cos(Math.PI / t)) / 2.0
        else
            (1.0 + Math.Cos(Math.PI * float epoch / t)) / (1.0 + Math.Cos(Math.PI * float (epoch - 1) / t)) * (current - etaMin) + etaMin

/// Cosine annealing restarted every period, the period growing by tMult (torch.optim.lr_scheduler.CosineAnnealingWarmRestarts).
type CosineAnnealingWarmRestarts(optimizer: TorchOptimizer, t0: int, [<Optional; DefaultParameterValue(1)>] tMult: int,
                                 [<Optional; DefaultParameterValue(0.0)>] etaMin: float) as this =
    inherit LRScheduler(optimizer)
    do
        if t0 <= 0 then raise (ArgumentOutOfRangeException("t0", t0, sprintf "Expected positive integer T_0, but got %d" t0))
        if tMult < 1 then raise (ArgumentOutOfRangeException("tMult", tMult, sprintf "Expected integer T_mult >= 1, but got %d" tMult))
    let mutable tI = t0
    let mutable tCur = 0
    do this.InitialStep null
    /// The first period in epochs (PyTorch's `T_0`).
    member _.T0 = t0
    /// The factor by which each period grows.
    member _.TMult = tMult
    /// The smallest rate.
    member _.EtaMin = etaMin
    /// Epochs since the last restart (PyTorch's `T_cur`).
    member _.TCur = tCur
    /// The current period (PyTorch's `T_i`).
    member _.TI = tI
    override _.Advance _ =
        tCur <- tCur + 1
        if tCur >= tI then
            tCur <- tCur - tI
            tI <- tI * tMult
    override _.GroupLr(_, _, baseLr, _) =
        etaMin + (baseLr - etaMin) * (1.0 + Math.Cos(Math.PI * float tCur / float tI)) / 2.0

/// How OneCycleLR interpolates within a phase.
type AnnealStrategy =
    /// Half a cosine (PyTorch's 'cos', the default).
    | Cos = 0
    /// A straight line (PyTorch's 'linear').
    | Linear = 1

/// The one-cycle policy (torch.optim.lr_scheduler.OneCycleLR): the rate rises from maxLr/divFactor to maxLr, then
/// falls to maxLr/divFactor/finalDivFactor, with the momentum (SGD, RMSprop) or first beta (Adam) cycling inversely.
/// Give totalSteps, or epochs and stepsPerEpoch; maxLr, baseMomentum and maxMomentum hold one value or one per group.
type OneCycleLR(optimizer: TorchOptimizer, maxLr: float[], [<Optional; DefaultParameterValue(0)>] totalSteps: int,
                [<Optional; DefaultParameterValue(0)>] epochs: int, [<Optional; DefaultParameterValue(0)>] stepsPerEpoch: int,
                [<Optional; DefaultParameterValue(0.3)>] pctStart: float,
                [<Optional; DefaultParameterValue(AnnealStrategy.Cos)>] annealStrategy: AnnealStrategy,
                [<Optional; DefaultParameterValue(true)>] cycleMomentum: bool,
                [<Optional>] baseMomentum: float[], [<Optional>] maxMomentum: float[],
                [<Optional; DefaultParameterValue(25.0)>] divFactor: float,
                [<Optional; DefaultParameterValue(1e4)>] finalDivFactor: float,
                [<Optional; DefaultParameterValue(false)>] threePhase: bool) as this =
    inherit LRScheduler(optimizer)
    let groups = optimizer.ParamGroups
    let perGroup name (v: float[]) (dflt: float) =
        if isNull v || v.Length = 0 then Array.create groups.Length dflt
        elif v.Length = 1 then Array.create groups.Length v[0]
        elif v.Length <> groups.Length then
            raise (ArgumentException(sprintf "expected %d values for %s, got %d" groups.Length name v.Length, name))
        else Array.copy v
    let total =
        if totalSteps = 0 && epochs = 0 && stepsPerEpoch = 0 then
            raise (ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)"))
        elif totalSteps <> 0 then
            if totalSteps < 0 then raise (ArgumentOutOfRangeException("totalSteps", totalSteps, sprintf "Expected positive integer total_steps, but got %d" totalSteps))
            totalSteps
        else
            if epochs <= 0 then raise (ArgumentOutOfRangeException("epochs", epochs, sprintf "Expected positive integer epochs, but got %d" epochs))
            if stepsPerEpoch <= 0 then raise (ArgumentOutOfRangeException("stepsPerEpoch", stepsPerEpoch, sprintf "Expected positive integer steps_per_epoch, but got %d" stepsPerEpoch))
            epochs * stepsPerEpoch
    do
        if not (pctStart >= 0.0 && pctStart <= 1.0) then
            raise (ArgumentOutOfRangeException("pctStart", pctStart, sprintf "Expected float between 0 and 1 pct_start, but got %s" (Fluxion.Printing.PyFormat.floatRepr pctStart)))
        if annealStrategy <> AnnealStrategy.Cos && annealStrategy <> AnnealStrategy.Linear then
            raise (ArgumentException(sprintf "anneal_strategy must by one of 'cos' or 'linear', instead got %A" annealStrategy, "annealStrategy"))
    let maxLrs = perGroup "max_lr" maxLr nan
    do if maxLrs |> Array.exists Double.IsNaN then raise (ArgumentNullException("maxLr", "OneCycleLR: maxLr is required"))
    let initialLrs = maxLrs |> Array.map (fun m -> m / divFactor)
    let minLrs = initialLrs |> Array.map (fun i -> i / finalDivFactor)
    do
        if cycleMomentum && isNull optimizer.MomentumKey then
            raise (ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled", "optimizer"))
    let maxMoms = perGroup "max_momentum" maxMomentum 0.95
    let baseMoms = perGroup "base_momentum" baseMomentum 0.85
    do
        // PyTorch keeps these in each param group (after initial_lr), where state_dict() and the repr show them.
        groups |> Array.iteri (fun i g ->
            g.SetExtra("max_lr", maxLrs[i])
            g.SetExtra("min_lr", minLrs[i])
            if cycleMomentum then
                g.SetExtra("max_momentum", maxMoms[i])
                g.SetExtra("base_momentum", baseMoms[i])
                g.Momentum <- maxMoms[i])
    // Phase ends as PyTorch computes them (floats), with which end of each interpolation is which.
    let phases : (float * int * int) list =
        // 0 = initial/max momentum, 1 = max lr/base momentum, 2 = min lr/max momentum
        let t = float total
        if threePhase then [ pctStart * t - 1.0, 0, 1; 2.0 * pctStart * t - 2.0, 1, 0; t - 1.0, 0, 2 ]
        else [ pctStart * t - 1.0, 0, 1; t - 1.0, 1, 2 ]
    let anneal (start: float) (stop: float) (pct: float) =
        match annealStrategy with
        | AnnealStrategy.Linear -> (stop - start) * pct + start
        | _ -> stop + (start - stop) / 2.0 * (Math.Cos(Math.PI * pct) + 1.0)
    do this.InitialStep initialLrs
    /// Total number of steps in the cycle.
    member _.TotalSteps = total
    /// Whether the momentum (or first beta) cycles.
    member _.CycleMomentum = cycleMomentum
    /// The peak learning rates per group.
    member _.MaxLrs = Array.copy maxLrs
    /// The final learning rates per group (PyTorch's `min_lr`).
    member _.MinLrs = Array.copy minLrs
    /// One value of max_lr for every group.
    new(optimizer: TorchOptimizer, maxLr: float, [<Optional; DefaultParameterValue(0)>] totalSteps: int,
        [<Optional; DefaultParameterValue(0)>] epochs: int, [<Optional; DefaultParameterValue(0)>] stepsPerEpoch: int,
        [<Optional; DefaultParameterValue(0.3)>] pctStart: float,
        [<Optional; DefaultParameterValue(AnnealStrategy.Cos)>] annealStrategy: AnnealStrategy,
        [<Optional; DefaultParameterValue(true)>] cycleMomentum: bool,
        [<Optional; DefaultParameterValue(0.85)>] baseMomentum: float, [<Optional; DefaultParameterValue(0.95)>] maxMomentum: float,
        [<Optional; DefaultParameterValue(25.0)>] divFactor: float, [<Optional; DefaultParameterValue(1e4)>] finalDivFactor: float,
        [<Optional; DefaultParameterValue(false)>] threePhase: bool) =
        OneCycleLR(optimizer, [| maxLr |], totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
                   [| baseMomentum |], [| maxMomentum |], divFactor, finalDivFactor, threePhase)
    override _.Advance epoch =
        if epoch > total then
            raise (InvalidOperationException(sprintf "Tried to step %d times. The specified number of total steps is %d" (epoch + 1) total))
    override _.GroupLr(i, _, _, epoch) =
        let lrAt k = match k with 0 -> initialLrs[i] | 1 -> maxLrs[i] | _ -> minLrs[i]
        let momAt k = match k with 1 -> baseMoms[i] | _ -> maxMoms[i]
        let step = float epoch
        let rec find start (ps: (float * int * int) list) =
            match ps with
            | [ (e, a, b) ] -> start, e, a, b
            | (e, a, b) :: rest -> if step <= e then start, e, a, b else find e rest
            | [] -> failwith "unreachable"
        let start, e, a, b = find 0.0 phases
        let pct = (step - start) / (e - start)
        if cycleMomentum then groups[i].Momentum <- anneal (momAt a) (momAt b) pct
        anneal (lrAt a) (lrAt b) pct

/// Whether ReduceLROnPlateau's metric should fall or rise.
type PlateauMode =
    /// Lower is better (PyTorch's 'min', the default).
    | Min = 0
    /// Higher is better (PyTorch's 'max').
    | Max = 1

/// How ReduceLROnPlateau's threshold compares a metric with the best so far.
type ThresholdMode =
    /// Relative to the best value (PyTorch's 'rel', the default).
    | Rel = 0
    /// An absolute margin (PyTorch's 'abs').
    | Abs = 1

/// Cuts the learning rate by factor when a metric stops improving for more than patience epochs
/// (torch.optim.lr_scheduler.ReduceLROnPlateau); call Step(metric) once per epoch.
type ReduceLROnPlateau(optimizer: TorchOptimizer, [<Optional; DefaultParameterValue(PlateauMode.Min)>] mode: PlateauMode,
                       [<Optional; DefaultParameterValue(0.1)>] factor: float, [<Optional; DefaultParameterValue(10)>] patience: int,
                       [<Optional; DefaultParameterValue(1e-4)>] threshold: float,
                       [<Optional; DefaultParameterValue(ThresholdMode.Rel)>] thresholdMode: ThresholdMode,
                       [<Optional; DefaultParameterValue(0)>] cooldown: int, [<Optional>] minLr: float[],
                       [<Optional; DefaultParameterValue(1e-8)>] eps: float) =
    do
        if not (factor < 1.0) then raise (ArgumentOutOfRangeException("factor", factor, "Factor should be < 1.0."))
        if isNull (box optimizer) then raise (ArgumentNullException("optimizer", "ReduceLROnPlateau: optimizer is null"))
        if mode <> PlateauMode.Min && mode <> PlateauMode.Max then raise (ArgumentException(sprintf "mode %A is unknown!" mode, "mode"))
        if thresholdMode <> ThresholdMode.Rel && thresholdMode <> ThresholdMode.Abs then
            raise (ArgumentException(sprintf "threshold mode %A is unknown!" thresholdMode, "thresholdMode"))
    let groups = optimizer.ParamGroups
    let minLrs =
        if isNull minLr || minLr.Length = 0 then Array.zeroCreate groups.Length
        elif minLr.Length = 1 && groups.Length <> 1 then Array.create groups.Length minLr[0]
        elif minLr.Length <> groups.Length then
            raise (ArgumentException(sprintf "expected %d min_lrs, got %d" groups.Length minLr.Length, "minLr"))
        else Array.copy minLr
    let worse = if mode = PlateauMode.Min then infinity else -infinity
    let mutable best = worse
    let mutable numBad = 0
    let mutable cooldownCounter = 0
    let mutable lastEpoch = 0
    let mutable lastLr = groups |> Array.map (fun g -> g.Lr)
    let isBetter (a: float) (b: float) =
        match mode, thresholdMode with
        | PlateauMode.Min, ThresholdMode.Rel -> a < b * (1.0 - threshold)
        | PlateauMode.Min, _ -> a < b - threshold
        | _, ThresholdMode.Rel -> a > b * (threshold + 1.0)
        | _ -> a > b + threshold
    /// One value of min_lr for every group.
    new(optimizer: TorchOptimizer, mode: PlateauMode, factor: float, patience: int, threshold: float,
        thresholdMode: ThresholdMode, cooldown: int, minLr: float, [<Optional; DefaultParameterValue(1e-8)>] eps: float) =
        ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, [| minLr |], eps)
    /// The optimizer whose groups are scheduled.
    member _.Optimizer = optimizer
    /// The best metric so far.
    member _.Best = best
    /// Epochs without improvement since the last improvement or cut.
    member _.NumBadEpochs = numBad
    /// Number of Step() calls so far.
    member _.LastEpoch = lastEpoch
    /// Records this epoch's metric and cuts the rates once it has not improved for more than patience epochs.
    member _.Step(metric: float) =
        lastEpoch <- lastEpoch + 1
        if isBetter metric best then
            best <- metric
            numBad <- 0
        else numBad <- numBad + 1
        if cooldownCounter > 0 then
            cooldownCounter <- cooldownCounter - 1
            numBad <- 0
        if numBad > patience then
            for i in 0 .. groups.Length - 1 do
                let old = groups[i].Lr
                let nw = Math.Max(old * factor, minLrs[i])
                if old - nw > eps then groups[i].Lr <- nw
            cooldownCounter <- cooldown
            numBad <- 0
        lastLr <- groups |> Array.map (fun g -> g.Lr)
    /// Records a scalar tensor metric (a loss).
    member this.Step(metric: Fluxion.Tensor) : unit =
        if isNull (box metric) then raise (ArgumentNullException("metric", "ReduceLROnPlateau.Step: metric is null"))
        this.Step(metric.ToDouble())
    /// The rates after the last Step() (PyTorch's `_last_lr`).
    member _.GetLastLr() : float[] = Array.copy lastLr
