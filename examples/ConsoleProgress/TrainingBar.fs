namespace Fluxion.Examples

open System
open System.Globalization
open Fluxion.Optim
open Spectre.Console

/// A training progress bar for the example programs: on an interactive terminal a Spectre.Console bar with the
/// iteration, the current loss and the elapsed time; otherwise (output redirected, as in the golden comparisons)
/// nothing at all, so only the program's own loss lines are printed.
[<AbstractClass; Sealed>]
type TrainingBar =

    /// The console the bar draws on: standard error, so that standard output carries only the program's lines;
    /// null when standard error is redirected, where no bar is drawn (see IsLive).
    static member StandardError() : IAnsiConsole =
        // Spectre's terminal detection costs a short program tens of milliseconds: skip it where no bar can show.
        if Console.IsErrorRedirected then null
        else AnsiConsole.Create(AnsiConsoleSettings(Out = AnsiConsoleOutput(Console.Error)))

    /// True when a bar can be drawn: the console is interactive and understands ANSI sequences (never when redirected).
    static member IsLive(console: IAnsiConsole) : bool =
        not (isNull console) && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi

    /// The bar's text: `label  k/n  loss 0.123456`.
    static member Describe(label: string, p: FitProgress) : string =
        sprintf "%s  %d/%d  loss %s" label p.Iteration p.Iterations (Fluxion.Printing.PyFormat.toFixed 6 p.Loss)

    /// Runs `body` with a progress sink: on a live console (see IsLive) it drives a bar labelled `label`
    /// for `iterations` iterations; elsewhere the sink ignores every report. Returns what `body` returns.
    static member Run<'T>(console: IAnsiConsole, label: string, iterations: int, body: Func<IProgress<FitProgress>, 'T>) : 'T =
        if isNull body then raise (ArgumentNullException("body", "TrainingBar.Run: body is null"))
        if iterations < 0 then raise (ArgumentOutOfRangeException("iterations", sprintf "TrainingBar.Run: iterations must be >= 0, got %d" iterations))
        if not (TrainingBar.IsLive console) then
            body.Invoke({ new IProgress<FitProgress> with member _.Report _ = () })
        else
            console.Progress()
                // The finished bar stays on the terminal as a record of the run (iterations, last loss, time).
                .AutoClear(false)
                .HideCompleted(false)
                .Columns([| TaskDescriptionColumn() :> ProgressColumn; ProgressBarColumn(); PercentageColumn(); ElapsedTimeColumn() |])
                .Start(fun ctx ->
                    let task = ctx.AddTask(Markup.Escape label, true, float iterations)
                    let sink =
                        { new IProgress<FitProgress> with
                            member _.Report p =
                                task.Description <- Markup.Escape(TrainingBar.Describe(label, p))
                                task.Value <- float p.Iteration }
                    let result = body.Invoke sink
                    // The bar redraws on a timer: draw the last report before the display ends.
                    ctx.Refresh()
                    task.StopTask()
                    result)
