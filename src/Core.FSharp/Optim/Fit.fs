namespace Fluxion.Optim

open System
open System.Runtime.InteropServices
open Fluxion
open Fluxion.Nn

/// Settings of a training run: iterations, progress period, early stop on a loss change below LossTol
/// (the course's `loss_tol`; 0 disables it) and whether a NaN/infinite loss may continue.
type FitOptions =
    { Iterations: int
      ReportEvery: int
      LossTol: float
      AllowNonFinite: bool }
    /// N iterations, no progress reports, no early stop, non-finite losses stop with an error.
    static member Create(iterations: int) = { Iterations = iterations; ReportEvery = 0; LossTol = 0.0; AllowNonFinite = false }

/// One progress report of a training run: the iteration just done (1-based), the run's length, that
/// iteration's loss and the time since the run started.
[<Struct>]
type FitProgress =
    { Iteration: int
      Iterations: int
      Loss: float
      Elapsed: TimeSpan }

/// Outcome of the pure `Fit.fit`: final parameters and state, the loss of every iteration (before its update)
/// and whether the loss tolerance stopped the run early.
type FitResult =
    { Params: Params
      State: OptState
      Losses: float[]
      EarlyStopped: bool }

/// Training loops: loss before the k-th update recorded, update applied, stop after the update when
/// |loss_k − loss_(k−1)| < LossTol (the course's optimize_himmelblau semantics).
module Fit =
    let private checkOptions (fn: string) (o: FitOptions) =
        if o.Iterations < 0 then invalidArg "options" (sprintf "%s: Iterations must be >= 0, got %d" fn o.Iterations)
        if o.ReportEvery < 0 then invalidArg "options" (sprintf "%s: ReportEvery must be >= 0, got %d" fn o.ReportEvery)
        if Double.IsNaN o.LossTol || o.LossTol < 0.0 then invalidArg "options" (sprintf "%s: LossTol must be >= 0, got %g" fn o.LossTol)

    let private checkFinite (fn: string) (o: FitOptions) (k: int) (loss: float) =
        if not o.AllowNonFinite && (Double.IsNaN loss || Double.IsInfinity loss) then
            raise (ArithmeticException(sprintf "%s: the loss became %s at iteration %d; stopping (set AllowNonFinite to continue)" fn (string loss) k))

    /// `Iteration 1000 | Loss = 0.126692`, as the course prints progress.
    let progressLine (iteration: int) (loss: float) : string =
        sprintf "Iteration %4d | Loss = %s" iteration (Fluxion.Printing.PyFormat.toFixed 6 loss)

    /// Pure training: minimises `loss` from `init` with `opt` (gradients by Params.valueAndGrad); `progress`
    /// is called with (iteration, loss) every ReportEvery iterations.
    let fit (opt: Optimizer) (loss: Params -> Tensor) (options: FitOptions) (progress: int -> float -> unit) (init: Params) : FitResult =
        checkOptions "Fit.fit" options
        let losses = ResizeArray()
        let mutable p = init
        let mutable s = opt.InitFn init
        let mutable k = 1
        let mutable stop = false
        while not stop && k <= options.Iterations do
            let v, g = Params.valueAndGrad loss p
            let lv = v.ToDouble()
            checkFinite "Fit.fit" options k lv
            let p', s' = opt.UpdateFn g s p
            p <- p'
            s <- s'
            losses.Add lv
            if options.ReportEvery > 0 && k % options.ReportEvery = 0 then progress k lv
            if losses.Count > 1 && abs (lv - losses[losses.Count - 2]) < options.LossTol then stop <- true
            k <- k + 1
        { Params = p; State = s; Losses = losses.ToArray(); EarlyStopped = stop }

    /// `fit` reporting every ReportEvery-th iteration (every one when ReportEvery is 0) to `progress` with the
    /// run's length and the time since the start (a progress bar, or `Progress<T>` for a UI thread).
    let fitWithProgress (opt: Optimizer) (loss: Params -> Tensor) (options: FitOptions) (progress: IProgress<FitProgress>) (init: Params) : FitResult =
        if isNull progress then raise (ArgumentNullException("progress", "Fit.fitWithProgress: progress is null (use Fit.fit without one)"))
        let clock = Diagnostics.Stopwatch.StartNew()
        let options = if options.ReportEvery = 0 then { options with ReportEvery = 1 } else options
        fit opt loss options (fun k l -> progress.Report { Iteration = k; Iterations = options.Iterations; Loss = l; Elapsed = clock.Elapsed }) init

/// The object-form training loop over a torch.optim-style optimizer (C#-friendly).
[<AbstractClass; Sealed>]
type Trainer =
    /// Runs `iterations` of: loss = computeLoss(); ZeroGrad(); loss.Backward(); Step(); calls progress(iteration, loss)
    /// every reportEvery iterations; stops early when |loss − previous| < lossTol (0 = never); returns the losses.
    /// A NaN or infinite loss stops with an ArithmeticException naming the iteration unless allowNonFinite.
    static member Fit(optimizer: TorchOptimizer, computeLoss: Func<Tensor>, iterations: int,
                      [<Optional; DefaultParameterValue(0)>] reportEvery: int,
                      [<Optional>] progress: Action<int, float>,
                      [<Optional; DefaultParameterValue(0.0)>] lossTol: float,
                      [<Optional; DefaultParameterValue(false)>] allowNonFinite: bool) : float[] =
        if isNull (box optimizer) then raise (ArgumentNullException("optimizer", "Trainer.Fit: optimizer is null"))
        if isNull computeLoss then raise (ArgumentNullException("computeLoss", "Trainer.Fit: computeLoss is null"))
        let o = { Iterations = iterations; ReportEvery = reportEvery; LossTol = lossTol; AllowNonFinite = allowNonFinite }
        if o.Iterations < 0 then invalidArg "iterations" (sprintf "Trainer.Fit: iterations must be >= 0, got %d" iterations)
        if o.ReportEvery < 0 then invalidArg "reportEvery" (sprintf "Trainer.Fit: reportEvery must be >= 0, got %d" reportEvery)
        if Double.IsNaN lossTol || lossTol < 0.0 then invalidArg "lossTol" (sprintf "Trainer.Fit: lossTol must be >= 0, got %g" lossTol)
        let losses = ResizeArray()
        let mutable k = 1
        let mutable stop = false
        while not stop && k <= iterations do
            let loss = computeLoss.Invoke()
            let lv = loss.ToDouble()
            if not allowNonFinite && (Double.IsNaN lv || Double.IsInfinity lv) then
                raise (ArithmeticException(sprintf "Trainer.Fit: the loss became %s at iteration %d; stopping (pass allowNonFinite to continue)" (string lv) k))
            optimizer.ZeroGrad()
            loss.Backward()
            optimizer.Step()
            losses.Add lv
            if reportEvery > 0 && k % reportEvery = 0 && not (isNull progress) then progress.Invoke(k, lv)
            if losses.Count > 1 && abs (lv - losses[losses.Count - 2]) < lossTol then stop <- true
            k <- k + 1
        losses.ToArray()

    /// Runs like the other overload and reports each reportEvery-th iteration (every one by default) to `progress`
    /// (a progress bar, `Progress<T>` for the UI thread) with the run's length and the time since the start.
    static member Fit(optimizer: TorchOptimizer, computeLoss: Func<Tensor>, iterations: int, progress: IProgress<FitProgress>,
                      [<Optional; DefaultParameterValue(1)>] reportEvery: int,
                      [<Optional; DefaultParameterValue(0.0)>] lossTol: float,
                      [<Optional; DefaultParameterValue(false)>] allowNonFinite: bool) : float[] =
        if isNull progress then raise (ArgumentNullException("progress", "Trainer.Fit: progress is null (use the overload without it)"))
        let clock = Diagnostics.Stopwatch.StartNew()
        let report = Action<int, float>(fun k loss -> progress.Report { Iteration = k; Iterations = iterations; Loss = loss; Elapsed = clock.Elapsed })
        Trainer.Fit(optimizer, computeLoss, iterations, reportEvery, report, lossTol, allowNonFinite)
