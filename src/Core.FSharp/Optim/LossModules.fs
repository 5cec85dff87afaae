namespace Fluxion.Optim

open System.Runtime.InteropServices
open Fluxion

module internal LossArgs =
    let opt (t: Tensor) = if isNull (box t) then None else Some t

/// Base of the loss objects (PyTorch's `nn.*Loss`): `Forward(input, target)` or `Invoke`.
[<AbstractClass>]
type LossModule(name: string, reduction: Reduction) =
    /// The reduction applied to elementwise losses.
    member _.Reduction = reduction
    /// The loss of input against target.
    abstract Forward: input: Tensor * target: Tensor -> Tensor
    /// Same as Forward (PyTorch's `__call__`).
    member this.Invoke(input: Tensor, target: Tensor) = this.Forward(input, target)
    /// PyTorch's repr, e.g. `MSELoss()`.
    override _.ToString() = name + "()"

/// Mean squared error (`nn.MSELoss`).
type MSELoss([<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
    inherit LossModule("MSELoss", reduction)
    /// The loss.
    override _.Forward(input, target) = Loss.mse reduction input target

/// Mean absolute error (`nn.L1Loss`).
type L1Loss([<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
    inherit LossModule("L1Loss", reduction)
    /// The loss.
    override _.Forward(input, target) = Loss.l1 reduction input target

/// Huber loss (`nn.HuberLoss`, delta 1 by default).
type HuberLoss([<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
               [<Optional; DefaultParameterValue(1.0)>] delta: float) =
    inherit LossModule("HuberLoss", reduction)
    do if not (delta > 0.0) then invalidArg "delta" (sprintf "HuberLoss: delta must be positive, got %g" delta)
    /// The threshold between the quadratic and linear parts.
    member _.Delta = delta
    /// The loss.
    override _.Forward(input, target) = Loss.huber delta reduction input target

/// Smooth L1 loss (`nn.SmoothL1Loss`, beta 1 by default).
type SmoothL1Loss([<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                  [<Optional; DefaultParameterValue(1.0)>] beta: float) =
    inherit LossModule("SmoothL1Loss", reduction)
    do if beta < 0.0 || System.Double.IsNaN beta then invalidArg "beta" (sprintf "SmoothL1Loss: beta must be non-negative, got %g" beta)
    /// The threshold between the quadratic and linear parts.
    member _.Beta = beta
    /// The loss.
    override _.Forward(input, target) = Loss.smoothL1 beta reduction input target

/// Cross-entropy of logits against class indices or probabilities (`nn.CrossEntropyLoss`); weight may be null.
type CrossEntropyLoss([<Optional>] weight: Tensor,
                      [<Optional; DefaultParameterValue(-100L)>] ignoreIndex: int64,
                      [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                      [<Optional; DefaultParameterValue(0.0)>] labelSmoothing: float) =
    inherit LossModule("CrossEntropyLoss", reduction)
    do if not (labelSmoothing >= 0.0 && labelSmoothing <= 1.0) then
        invalidArg "labelSmoothing" (sprintf "CrossEntropyLoss: labelSmoothing must be in [0, 1], got %g" labelSmoothing)
    /// Per-class weights, or null.
    member _.Weight = weight
    /// The class index whose samples are skipped.
    member _.IgnoreIndex = ignoreIndex
    /// The label smoothing amount.
    member _.LabelSmoothing = labelSmoothing
    /// The loss.
    override _.Forward(input, target) = Loss.crossEntropyWith (LossArgs.opt weight) ignoreIndex labelSmoothing reduction input target

/// Negative log-likelihood of log-probabilities (`nn.NLLLoss`); weight may be null.
type NLLLoss([<Optional>] weight: Tensor,
             [<Optional; DefaultParameterValue(-100L)>] ignoreIndex: int64,
             [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
    inherit LossModule("NLLLoss", reduction)
    /// The loss.
    override _.Forward(input, target) = Loss.nllWith "NLLLoss" (LossArgs.opt weight) ignoreIndex reduction input target

/// Binary cross-entropy of probabilities (`nn.BCELoss`); weight may be null.
type BCELoss([<Optional>] weight: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
    inherit LossModule("BCELoss", reduction)
    /// The loss.
    override _.Forward(input, target) = Loss.bceWith (LossArgs.opt weight) reduction input target

/// Binary cross-entropy on logits (`nn.BCEWithLogitsLoss`); weight and posWeight may be null.
type BCEWithLogitsLoss([<Optional>] weight: Tensor,
                       [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                       [<Optional>] posWeight: Tensor) =
    inherit LossModule("BCEWithLogitsLoss", reduction)
    /// The loss.
    override _.Forward(input, target) = Loss.bceWithLogitsWith (LossArgs.opt weight) (LossArgs.opt posWeight) reduction input target
