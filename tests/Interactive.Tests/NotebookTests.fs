/// The notebooks executed headless by notebooks/run.sh: no cell fails, the C# unit prints what PyTorch printed,
/// every figure cell draws, and plotly.js travels once per notebook.
module NotebookTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open Expecto

open ExampleRunner

/// One output of an executed notebook: its cell index, the cell's source, the output type, stream name and data.
type Output = { Cell: int; Source: string; Kind: string; Stream: string; Text: string; Html: string }

let private joined (e: JsonElement) =
    if e.ValueKind = JsonValueKind.Array then String.Join("", [| for s in e.EnumerateArray() -> s.GetString() |])
    elif e.ValueKind = JsonValueKind.String then e.GetString()
    else ""

let private prop (e: JsonElement) (name: string) =
    match e.TryGetProperty name with
    | true, v -> Some v
    | _ -> None

/// The code cells' outputs of an executed notebook, in order.
let outputs (path: string) : Output list =
    use doc = JsonDocument.Parse(File.ReadAllText path)
    [ for i, cell in Seq.indexed (doc.RootElement.GetProperty("cells").EnumerateArray()) do
        if cell.GetProperty("cell_type").GetString() = "code" then
            let source = joined (cell.GetProperty "source")
            for o in cell.GetProperty("outputs").EnumerateArray() do
                let data = prop o "data"
                let field name = data |> Option.bind (fun d -> prop d name) |> Option.map joined |> Option.defaultValue ""
                yield { Cell = i; Source = source; Kind = o.GetProperty("output_type").GetString()
                        Stream = prop o "name" |> Option.map (fun n -> n.GetString()) |> Option.defaultValue ""
                        Text = (match prop o "text" with Some t -> joined t | None -> field "text/plain")
                        Html = field "text/html" } ]

/// Runs `bash notebooks/run.sh` once for all the tests: (exit code, its output).
let private run =
    lazy (
        let psi = ProcessStartInfo("bash", "notebooks/run.sh", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
        psi.WorkingDirectory <- repoRoot
        use p = Process.Start psi
        let out = p.StandardOutput.ReadToEndAsync()
        let err = p.StandardError.ReadToEndAsync()
        if not (p.WaitForExit 600_000) then (p.Kill true; failtest "notebooks/run.sh did not finish within 10 minutes")
        p.ExitCode, out.Result + err.Result)

let private executed (name: string) =
    let code, log = run.Force()
    Expect.equal code 0 (sprintf "notebooks/run.sh failed:\n%s" log)
    let path = Path.Combine(repoRoot, "notebooks", "out", name)
    Expect.isTrue (File.Exists path) (sprintf "the executed copy %s exists" path)
    outputs path

/// Cells that make a figure: a line (not a binding) that starts with a figure of Plots (C#) or Figures (F#),
/// shown as the cell's value or through display.
let private isFigureCell (source: string) =
    source.Split('\n') |> Array.exists (fun line ->
        let l = line.Trim()
        [ "Plots."; "Figures."; "display(Plots."; "display (Figures." ] |> List.exists (fun p -> l.StartsWith p))

let private checkNotebook (name: string) (figures: int) =
    let outs = executed name
    let errors = outs |> List.filter (fun o -> o.Kind = "error" || o.Stream = "stderr")
    Expect.isEmpty errors (sprintf "%s: no cell error (%A)" name (errors |> List.map (fun o -> o.Cell, o.Text)))
    let figureOutputs = outs |> List.filter (fun o -> o.Html.Contains "class=\"plotly-figure\"")
    Expect.equal figureOutputs.Length figures (sprintf "%s: %d figures drawn" name figures)
    let figureCells = outs |> List.map (fun o -> o.Cell, o.Source) |> List.distinct |> List.filter (snd >> isFigureCell) |> List.map fst
    for c in figureCells do
        Expect.exists figureOutputs (fun o -> o.Cell = c) (sprintf "%s: cell %d made a figure and shows a plotly output" name c)
    let withLibrary = outs |> List.filter (fun o -> o.Html.StartsWith "<script type=\"text/javascript\">(function () { var define = undefined; ")
    Expect.equal withLibrary.Length 1 (sprintf "%s: plotly.js is inlined once" name)
    Expect.equal withLibrary.Head.Cell figureOutputs.Head.Cell "with the first figure"
    Expect.isFalse (outs |> List.exists (fun o -> Text.RegularExpressions.Regex.IsMatch(o.Html, "<script[^>]+src=\"https?:"))) "no script is fetched from the network"
    // One live bar per training run (the six runs of the unit); nbclient's saved copy keeps each bar as first shown,
    // since the kernel's in-place updates carry no display id that nbclient could match.
    let bars = outs |> List.filter (fun o -> o.Html.StartsWith "<div class=\"fluxion-progress\"><progress max=\"")
    Expect.equal bars.Length 6 (sprintf "%s: a progress bar for each of the six training runs" name)
    outs

[<Tests>]
let tests =
    testSequenced <| testList "Interactive.Notebooks" [
        testCase "Unit05.ipynb runs without error, prints PyTorch's printout line for line and draws its 12 figures" <| fun () ->
            let outs = checkNotebook "Unit05.ipynb" 12
            let printed = String.Join("", [| for o in outs do if o.Kind = "stream" && o.Stream = "stdout" then yield o.Text |])
            compareWithGolden (printed.Replace("\r\n", "\n"))
            let tables = outs |> List.filter (fun o -> o.Html.StartsWith "<table class=\"fluxion-tensor\">")
            Expect.stringContains tables.Head.Html "<tr><td>-2.0275</td><td>1.7172</td></tr>" "the trained weight as a table"
            Expect.exists outs (fun o -> o.Html.StartsWith "<pre class=\"fluxion-optimizer\">SGD (") "the optimizer's printout"
            Expect.exists outs (fun o -> o.Html.StartsWith "<pre class=\"fluxion-summary\">") "the summary as a value"

        testCase "Unit05.FSharp.ipynb runs without error, prints the course's losses and draws its 12 figures" <| fun () ->
            let outs = checkNotebook "Unit05.FSharp.ipynb" 12
            let printed = String.Join("", [| for o in outs do if o.Kind = "stream" && o.Stream = "stdout" then yield o.Text |])
            for line in [ "Iteration 4000 | Loss: 0.0732"; "Learned parameters: a = 1.4412,  b = -2.0275,  c = 1.7172"
                          "Iteration 4000 | Loss = 0.065949"; "start(3.0,0.0) RMSprop           steps= 22 stop@22" ] do
                Expect.stringContains printed line "a line of PyTorch's printout"
    ]
