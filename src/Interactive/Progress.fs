namespace Fluxion.Interactive

open System
open System.Diagnostics
open System.Globalization
open Fluxion.Optim
open Microsoft.DotNet.Interactive
open Microsoft.DotNet.Interactive.Formatting
open Microsoft.AspNetCore.Html

/// The HTML of a training progress bar.
module ProgressHtml =
    let private inv (f: string) (v: float) = v.ToString(f, CultureInfo.InvariantCulture)

    /// A bar (a <progress> element) with "iteration / total", the loss with six decimals and the elapsed seconds.
    let render (p: FitProgress) : string =
        if p.Iterations < 0 || p.Iteration < 0 then
            raise (ArgumentOutOfRangeException("p", sprintf "ProgressHtml.render: iteration %d and iterations %d must be >= 0" p.Iteration p.Iterations))
        sprintf "<div class=\"fluxion-progress\"><progress max=\"%d\" value=\"%d\"></progress> <span>%d/%d</span> <span>loss %s</span> <span>%ss</span></div>"
            p.Iterations p.Iteration p.Iteration p.Iterations (Fluxion.Printing.PyFormat.toFixed 6 p.Loss) (inv "0.0" p.Elapsed.TotalSeconds)

/// A live progress bar in the notebook's output: shown at the first report, then updated in place (at most
/// ten times a second, and always at the last iteration). Pass it to `Trainer.Fit` or call `Report(k, loss)`.
[<Sealed>]
type LiveProgress(iterations: int) =
    do if iterations < 0 then raise (ArgumentOutOfRangeException("iterations", sprintf "LiveProgress: iterations must be >= 0, got %d" iterations))
    let clock = Stopwatch.StartNew()
    let mutable shown: DisplayedValue = null
    let mutable lastUpdate = TimeSpan.MinValue
    let mutable last = None

    /// The last report received (None before the first).
    member _.Last: FitProgress option = last

    /// Reports iteration k (1-based) with its loss.
    member this.Report(iteration: int, loss: float) =
        (this :> IProgress<FitProgress>).Report { Iteration = iteration; Iterations = iterations; Loss = loss; Elapsed = clock.Elapsed }

    interface IProgress<FitProgress> with
        member _.Report(p: FitProgress) =
            last <- Some p
            let html = HtmlString(ProgressHtml.render p)
            if isNull shown then
                // Not Kernel.display (= object.Display()): in dotnet-interactive 1.0.712001 that publishes one
                // DisplayedValue and returns another, whose Update then goes out under a new display id that no
                // Jupyter client can match. The context's Display returns the very value it published, so every
                // update_display_data carries the display_data's id and the bar is redrawn in place.
                shown <-
                    match KernelInvocationContext.Current with
                    | null -> Kernel.display(html, [| "text/html" |])
                    | context -> context.Display(html, [| "text/html" |])
                lastUpdate <- p.Elapsed
            elif p.Iteration >= p.Iterations || (p.Elapsed - lastUpdate).TotalMilliseconds >= 100.0 then
                shown.Update html
                lastUpdate <- p.Elapsed
