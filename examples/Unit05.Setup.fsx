// Shared by the unit's F# script: references to the Release build and two small helpers.
// `dotnet build -c Release` puts Fluxion.dll, Fluxion.Plot.dll and Plotly.NET with its dependencies in the
// plotting library's bin folder, and the course's data sets (examples/Course) in their own.
module Unit05Setup

#I "../src/Plot/bin/Release/net10.0"
#r "Fluxion.dll"
#r "Plotly.NET.dll"
#r "Fluxion.Plot.dll"
#r "Course/bin/Release/net10.0/Fluxion.Course.dll"

open System
open System.Text
open Plotly.NET
open Fluxion
open Fluxion.Nn
open Fluxion.Plot
open Fluxion.Random

/// torchinfo's table for a pure layer: a module view of it runs on `torch.rand(*inputSize)`. The view
/// creates its own parameters; the generator is put back first, so only the input's draws count, as in PyTorch.
let summaryOfLayer (layer: Layer) (inputSize: int[]) : string =
    let saved = Generator.Default.GetState()
    let view = Modules.ofLayer layer
    Generator.Default.SetState saved
    Summary.summary view inputSize

/// Prints the unit's lines and, when a report path was given, collects them with the figures into an HTML page.
type ReportWriter(path: string option, title: string) =
    let report = Report(title)
    let pending = StringBuilder()
    let flush () =
        if pending.Length > 0 then
            report.AddText(pending.ToString().TrimEnd('\n'))
            pending.Clear() |> ignore

    /// `--report <file.html>` among the script's arguments turns the report on.
    static member FromArgs(args: string[], title: string) =
        match Array.tryFindIndex ((=) "--report") args with
        | Some i when i + 1 < args.Length -> ReportWriter(Some args[i + 1], title)
        | Some _ -> raise (ArgumentException "Unit05.fsx: --report needs a file name, e.g. --report unit05.html")
        | None -> ReportWriter(None, title)

    /// Prints a line (it may hold line breaks) as Python's print would.
    member _.Say(line: string) =
        stdout.WriteLine line
        if path.IsSome then pending.Append(line).Append('\n') |> ignore

    /// Starts a section of the report.
    member _.Heading(text: string) =
        if path.IsSome then
            flush ()
            report.AddHeading text

    /// Adds a figure; it is only built when a report is written.
    member _.Figure(make: unit -> GenericChart) =
        if path.IsSome then
            flush ()
            report.AddFigure(make ())

    /// Writes the report, if any.
    member _.Finish() =
        match path with
        | Some p ->
            flush ()
            report.Save p
            eprintfn "Report written to %s" (IO.Path.GetFullPath p)
        | None -> ()
