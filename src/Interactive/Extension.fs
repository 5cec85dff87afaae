namespace Fluxion.Interactive

open System
open System.IO
open System.Threading.Tasks
open Plotly.NET
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.CSharp
open Microsoft.DotNet.Interactive
open Microsoft.DotNet.Interactive.Formatting

module internal Registration =
    let mutable registered = false
    let gate = obj ()

    let both<'T> (html: 'T -> string) (text: 'T -> string) =
        Formatter.Register<'T>(Action<'T, TextWriter>(fun v w -> w.Write(html v)), "text/html")
        Formatter.Register<'T>(Action<'T, TextWriter>(fun v w -> w.Write(text v)), "text/plain")
        Formatter.SetPreferredMimeTypesFor(typeof<'T>, [| "text/html"; "text/plain" |])

open Registration

/// Registers Fluxion's notebook formatters with .NET Interactive.
[<AbstractClass; Sealed>]
type Formatters =

    /// Tensors (PyTorch's text; a table for 2-D), parameters, modules (repr), summaries (torchinfo), optimizers
    /// (PyTorch's printout) and figures (drawn inline, plotly.js inlined once). Idempotent.
    static member Register() : unit =
        lock gate (fun () ->
            if not registered then
                registered <- true
                Render.resetPlotly ()
                both<Tensor> Render.tensorHtml Render.tensorText
                both<Parameter> (fun p -> Render.pre "fluxion-tensor" (p.ToString())) (fun p -> p.ToString())
                both<Module> Render.moduleHtml (fun m -> m.ToString())
                both<ModelSummary> Render.summaryHtml (fun s -> s.Text)
                both<TorchOptimizer> Render.optimizerHtml (fun o -> o.ToString())
                both<Figure> Render.figureHtml (fun f -> Render.figureText (f.ToJson()))
                both<GenericChart> Render.chartHtml (fun c -> Render.figureText (GenericChart.toJson c)))

    /// torchinfo's table for a model fed inputs of these sizes, as a value that displays as the table.
    static member Summary(model: Module, [<ParamArray>] inputSize: int[]) : ModelSummary =
        ModelSummary(Fluxion.CSharp.Nn.Summary(model, inputSize))

/// The extension that `#r` of Fluxion.Interactive (or its package) loads into a kernel: registers the formatters.
[<Sealed>]
type FluxionKernelExtension() =
    interface IKernelExtension with
        member _.OnLoadAsync(_kernel: Kernel) : Task =
            Formatters.Register()
            Task.CompletedTask
