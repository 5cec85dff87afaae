namespace Fluxion.Examples

open System
open System.Diagnostics
open System.Globalization
open System.Threading.Tasks
open Fluxion.Optim
open Spectre.Console

/// How the example programs show training progress on standard error (the FLUXION_PROGRESS environment variable).
type ProgressMode =
    /// A bar when standard error is an interactive ANSI terminal, nothing otherwise (FLUXION_PROGRESS unset or "auto").
    | Auto = 0
    /// One plain line per report, "label  k/n  loss L  1.2s", terminal or not ("plain"): progress in a log file.
    | Plain = 1
    /// Nothing at all ("off").
    | Off = 2

/// One training run's progress: `Report(k, loss)` after each iteration (or epoch), `Complete()` (or Dispose) after the last.
[<Sealed; AllowNullLiteral>]
type TrainingProgress internal (iterations: int, sink: IProgress<FitProgress>, finish: unit -> unit) =
    let clock = Stopwatch.StartNew()
    let mutable finished = false

    /// The run's length (the bar's 100%).
    member _.Iterations = iterations

    /// Reports iteration (or epoch) k, 1-based, with its loss; ignored once the run is complete.
    member _.Report(iteration: int, loss: float) =
        if not finished then sink.Report { Iteration = iteration; Iterations = iterations; Loss = loss; Elapsed = clock.Elapsed }

    /// Ends the run: a bar draws its last report and stays on the terminal. Later calls do nothing.
    member _.Complete() =
        if not finished then
            finished <- true
            finish ()

    interface IProgress<FitProgress> with
        member _.Report p = if not finished then sink.Report p

    interface IDisposable with
        member this.Dispose() = this.Complete()

/// A training progress bar for the example programs: on an interactive terminal a Spectre.Console bar with the
/// iteration, the current loss and the elapsed time; otherwise (output redirected, as in the golden comparisons)
/// nothing at all, so only the program's own loss lines are printed.
[<AbstractClass; Sealed>]
type TrainingBar =

    /// The console the bar draws on: standard error, so that standard output carries only the program's lines.
    static member StandardError() : IAnsiConsole =
        AnsiConsole.Create(AnsiConsoleSettings(Out = AnsiConsoleOutput(Console.Error)))

    /// True when a bar can be drawn: the console is interactive and understands ANSI sequences (never when redirected).
    static member IsLive(console: IAnsiConsole) : bool =
        not (isNull console) && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi

    /// The bar's text: `label  k/n  loss 0.123456`.
    static member Describe(label: string, p: FitProgress) : string =
        sprintf "%s  %d/%d  loss %s" label p.Iteration p.Iterations (Fluxion.Printing.PyFormat.toFixed 6 p.Loss)

    /// The mode a FLUXION_PROGRESS value names: null, "" or "auto", "plain", "off" (any case).
    static member ParseMode(value: string) : ProgressMode =
        match (if isNull value then "" else value.Trim().ToLowerInvariant()) with
        | "" | "auto" -> ProgressMode.Auto
        | "plain" -> ProgressMode.Plain
        | "off" -> ProgressMode.Off
        | v -> raise (ArgumentException(sprintf "FLUXION_PROGRESS must be auto, plain or off, got '%s'" v, "value"))

    /// A live bar on `console`. Spectre's display runs until Complete: its refresh thread redraws the bar while the
    /// caller's loop reports, as inside Progress.Start, but the loop needs no callback around it.
    static member private Bar(console: IAnsiConsole, label: string, iterations: int) : TrainingProgress =
        let ready = TaskCompletionSource<ProgressContext * ProgressTask>(TaskCreationOptions.RunContinuationsAsynchronously)
        let stop = TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
        let display =
            console.Progress()
                // The finished bar stays on the terminal as a record of the run (iterations, last loss, time).
                .AutoClear(false)
                .HideCompleted(false)
                .Columns([| TaskDescriptionColumn() :> ProgressColumn; ProgressBarColumn(); PercentageColumn(); ElapsedTimeColumn() |])
                .StartAsync(Func<ProgressContext, Task>(fun ctx ->
                    ready.SetResult((ctx, ctx.AddTask(Markup.Escape label, true, float iterations)))
                    stop.Task :> Task))
        Task.WaitAny(ready.Task, display) |> ignore
        // A display that could not start (another one holds the console) fails here, in the caller.
        if display.IsFaulted then display.GetAwaiter().GetResult()
        let ctx, task = ready.Task.Result
        let sink =
            { new IProgress<FitProgress> with
                member _.Report p =
                    task.Description <- Markup.Escape(TrainingBar.Describe(label, p))
                    task.Value <- float p.Iteration }
        new TrainingProgress(iterations, sink, fun () ->
            // The bar redraws on a timer: draw the last report before the display ends.
            ctx.Refresh()
            task.StopTask()
            stop.SetResult true
            display.GetAwaiter().GetResult())

    /// Starts a training run's progress on `console` in `mode`: Auto draws a bar when the console is live (see IsLive)
    /// and nothing otherwise, Plain writes one line per report to the console's output, Off shows nothing.
    static member Start(console: IAnsiConsole, mode: ProgressMode, label: string, iterations: int) : TrainingProgress =
        if isNull console then raise (ArgumentNullException("console", "TrainingBar.Start: console is null"))
        if iterations < 0 then raise (ArgumentOutOfRangeException("iterations", sprintf "TrainingBar.Start: iterations must be >= 0, got %d" iterations))
        let silent = { new IProgress<FitProgress> with member _.Report _ = () }
        match mode with
        | ProgressMode.Plain ->
            let out = console.Profile.Out.Writer
            let line =
                { new IProgress<FitProgress> with
                    member _.Report p =
                        out.WriteLine(TrainingBar.Describe(label, p) + "  " + p.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s") }
            new TrainingProgress(iterations, line, ignore)
        | ProgressMode.Auto when TrainingBar.IsLive console -> TrainingBar.Bar(console, label, iterations)
        | ProgressMode.Auto | ProgressMode.Off -> new TrainingProgress(iterations, silent, ignore)
        | m -> raise (ArgumentOutOfRangeException("mode", sprintf "TrainingBar.Start: unknown mode %A" m))

    /// Starts a training run's progress on standard error in the mode FLUXION_PROGRESS names (see ProgressMode): by
    /// default a bar on a terminal and nothing when redirected, so standard output is the same either way.
    static member Start(label: string, iterations: int) : TrainingProgress =
        let mode = TrainingBar.ParseMode(Environment.GetEnvironmentVariable "FLUXION_PROGRESS")
        // Spectre's terminal detection costs a short program tens of milliseconds: skip it where no bar can show.
        if mode = ProgressMode.Off || (mode = ProgressMode.Auto && Console.IsErrorRedirected) then
            if iterations < 0 then raise (ArgumentOutOfRangeException("iterations", sprintf "TrainingBar.Start: iterations must be >= 0, got %d" iterations))
            new TrainingProgress(iterations, { new IProgress<FitProgress> with member _.Report _ = () }, ignore)
        else TrainingBar.Start(TrainingBar.StandardError(), mode, label, iterations)

    /// Runs `body` with a progress sink: on a live console (see IsLive) it drives a bar labelled `label`
    /// for `iterations` iterations; elsewhere the sink ignores every report. Returns what `body` returns.
    static member Run<'T>(console: IAnsiConsole, label: string, iterations: int, body: Func<IProgress<FitProgress>, 'T>) : 'T =
        if isNull body then raise (ArgumentNullException("body", "TrainingBar.Run: body is null"))
        if iterations < 0 then raise (ArgumentOutOfRangeException("iterations", sprintf "TrainingBar.Run: iterations must be >= 0, got %d" iterations))
        use progress = TrainingBar.Start(console, ProgressMode.Auto, label, iterations)
        body.Invoke progress

    /// Runs `body` with the progress of `Start(label, iterations)` (standard error, the FLUXION_PROGRESS mode) and
    /// completes it when `body` returns. Returns what `body` returns.
    static member Run<'T>(label: string, iterations: int, body: Func<IProgress<FitProgress>, 'T>) : 'T =
        if isNull body then raise (ArgumentNullException("body", "TrainingBar.Run: body is null"))
        use progress = TrainingBar.Start(label, iterations)
        body.Invoke progress
