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
    let baseLrs = optimizer.ParamGroups |> Array.map (fun g -> g.InitialLr)
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
    /// Advances one epoch and sets every group's learning rate.
    member this.Step() =
        lastEpoch <- lastEpoch + 1
        let gs = optimizer.ParamGroups
        for i in 0 .. gs.Length - 1 do
            gs[i].Lr <- this.NextLr(gs[i].Lr, baseLrs[i], lastEpoch)
        lastLr <- gs |> Array.map (fun g -> g.Lr)
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
