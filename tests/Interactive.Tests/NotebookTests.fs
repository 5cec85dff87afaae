/// The notebooks executed headless by notebooks/run.sh: no cell fails, the C# units print what PyTorch printed,
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
        [ "Plots."; "SignalPlots."; "Figures."; "display(Plots."; "display(SignalPlots."; "display (Figures." ]
        |> List.exists (fun p -> l.StartsWith p))

/// Checks an executed notebook: no cell error, `figures` figures (one at least in every figure cell), plotly.js
/// inlined once with the first figure, nothing fetched from the network, and `bars` live progress bars.
let private checkNotebook (name: string) (figures: int) (bars: int) =
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
    // One live bar per training run that shows one, updated in place: nbclient applies each update_display_data to
    // the output with its display id, so the saved bar is the last frame sent, the run's last iteration. Its loss is
    // the one the cell printed for that iteration ("Iteration N | Loss = L", six decimals as in the bar).
    let shown = outs |> List.filter (fun o -> o.Html.StartsWith "<div class=\"fluxion-progress\"><progress max=\"")
    Expect.equal shown.Length bars (sprintf "%s: %d progress bars" name bars)
    for cell, cellBars in shown |> List.groupBy (fun o -> o.Cell) do
        let frames =
            [ for o in cellBars ->
                let m = Text.RegularExpressions.Regex.Match(o.Html, "<progress max=\"([0-9]+)\" value=\"([0-9]+)\"></progress> <span>([0-9]+)/([0-9]+)</span> <span>loss ([0-9.]+)</span>")
                Expect.isTrue m.Success (sprintf "%s: cell %d's bar has the expected form (%s)" name cell o.Html)
                let n = m.Groups.[1].Value
                Expect.equal [ m.Groups.[2].Value; m.Groups.[3].Value; m.Groups.[4].Value ] [ n; n; n ]
                    (sprintf "%s: cell %d's bar shows its last frame, %s/%s (%s)" name cell n n o.Html)
                n, m.Groups.[5].Value ]
        let lengths = frames |> List.map fst |> set
        let printed = String.Join("", [| for o in outs do if o.Cell = cell && o.Kind = "stream" && o.Stream = "stdout" then yield o.Text |])
        let finals =
            [ for m in Text.RegularExpressions.Regex.Matches(printed, "(?m)^Iteration +([0-9]+) \\| Loss = ([0-9.]+)$") do
                if lengths.Contains m.Groups.[1].Value then yield m.Groups.[1].Value, m.Groups.[2].Value ]
        Expect.equal frames finals (sprintf "%s: cell %d's bars end at the iteration and loss the cell printed last" name cell)
    outs

/// What a notebook's cells printed on stdout, as lines.
let private printedLines (outs: Output list) =
    let printed = String.Join("", [| for o in outs do if o.Kind = "stream" && o.Stream = "stdout" then yield o.Text |])
    printed.Replace("\r\n", "\n").TrimEnd('\n').Split('\n')

let private goldenLines (file: string) = File.ReadAllText(TestData.path file).Replace("\r\n", "\n").TrimEnd('\n').Split('\n')

/// A line's form: every number replaced by '#' and every run of spaces by one space.
let private form (line: string) =
    Text.RegularExpressions.Regex.Replace(Text.RegularExpressions.Regex.Replace(line, @"-?[0-9]+(\.[0-9]+)?", "#"), " +", " ")

/// Compares a notebook's printout with its unit's golden printout line for line. The unit program's tests compare
/// a few lines by form only (chaotic training, timings): exactly the lines where the
/// program, running the same code, prints another line than PyTorch. There the notebook's line must have the
/// program's line's form (the numbers of a deterministic line equal the program's; timings vary from run to run).
let private compareWithProgram (printed: string[]) (golden: string[]) (project: string) (assembly: string) =
    let code, out, err = runExample project assembly "--no-report"
    Expect.equal code 0 (sprintf "%s ran (stderr: %s)" assembly err)
    let program = out.TrimEnd('\n').Split('\n')
    Expect.equal program.Length golden.Length (sprintf "%s prints as many lines as the golden printout" assembly)
    Expect.equal printed.Length golden.Length (sprintf "line count: got %d, golden %d" printed.Length golden.Length)
    let mutable byForm = 0
    for i in 0 .. golden.Length - 1 do
        if program.[i] = golden.[i] then
            Expect.equal printed.[i] golden.[i] (sprintf "golden line %d differs" (i + 1))
        else
            byForm <- byForm + 1
            Expect.equal (form printed.[i]) (form program.[i])
                (sprintf "line %d has the program's form (notebook: %s; program: %s)" (i + 1) printed.[i] program.[i])
    byForm

[<Tests>]
let tests =
    testSequenced <| testList "Interactive.Notebooks" [
        testCase "Unit05.ipynb runs without error, prints PyTorch's printout line for line and draws its 12 figures" <| fun () ->
            // The six training runs of the unit each show a live bar.
            let outs = checkNotebook "Unit05.ipynb" 12 6
            let printed = String.Join("", [| for o in outs do if o.Kind = "stream" && o.Stream = "stdout" then yield o.Text |])
            compareWithGolden (printed.Replace("\r\n", "\n"))
            let tables = outs |> List.filter (fun o -> o.Html.StartsWith "<table class=\"fluxion-tensor\">")
            Expect.stringContains tables.Head.Html "<tr><td>-2.0275</td><td>1.7172</td></tr>" "the trained weight as a table"
            Expect.exists outs (fun o -> o.Html.StartsWith "<pre class=\"fluxion-optimizer\">SGD (") "the optimizer's printout"
            Expect.exists outs (fun o -> o.Html.StartsWith "<pre class=\"fluxion-summary\">") "the summary as a value"

        testCase "Unit05.FSharp.ipynb runs without error, prints the course's losses and draws its 12 figures" <| fun () ->
            let outs = checkNotebook "Unit05.FSharp.ipynb" 12 6
            let printed = String.Join("", [| for o in outs do if o.Kind = "stream" && o.Stream = "stdout" then yield o.Text |])
            for line in [ "Iteration 4000 | Loss: 0.0732"; "Learned parameters: a = 1.4412,  b = -2.0275,  c = 1.7172"
                          "Iteration 4000 | Loss = 0.065949"; "start(3.0,0.0) RMSprop           steps= 22 stop@22" ] do
                Expect.stringContains printed line "a line of PyTorch's printout"

        testCase "Unit03.ipynb runs without error, prints PyTorch's printout line for line and draws exercise 3's figure" <| fun () ->
            let outs = checkNotebook "Unit03.ipynb" 1 0
            let printed = printedLines outs
            let golden = goldenLines "unit03_printed.txt"
            Expect.equal printed.Length golden.Length (sprintf "line count: got %d, golden %d" printed.Length golden.Length)
            for i in 0 .. golden.Length - 1 do
                Expect.equal printed.[i] golden.[i] (sprintf "golden line %d differs" (i + 1))
            Expect.contains printed "Mean pixel value: 0.5154" "exercise 1's statistics"
            Expect.contains printed "tensor([[0.96, 0.39, 0.60]," "cell 10 prints rand_like under precision 2"
            let tables = outs |> List.filter (fun o -> o.Html.StartsWith "<table class=\"fluxion-tensor\">")
            Expect.equal tables.Length 1 "the normalised image as a table"

        testCase "Unit06.ipynb runs without error, prints PyTorch's printout line for line and draws its 14 figures" <| fun () ->
            let outs = checkNotebook "Unit06.ipynb" 14 0
            let printed = printedLines outs
            let golden = goldenLines "unit06_printed.txt"
            Expect.equal printed.Length golden.Length (sprintf "line count: got %d, golden %d" printed.Length golden.Length)
            for i in 0 .. golden.Length - 1 do
                Expect.equal printed.[i] golden.[i] (sprintf "golden line %d differs" (i + 1))
            Expect.exists outs (fun o -> o.Html.Contains "Conv1d(1, 1, kernel_size=(3,), stride=(1,))") "the layer's printout as a value"

        testCase "Unit07.ipynb runs without error, prints PyTorch's printout line for line and draws its 13 figures" <| fun () ->
            let outs = checkNotebook "Unit07.ipynb" 13 0
            let printed = printedLines outs
            let byForm = compareWithProgram printed (goldenLines "unit07_printed.txt") "Unit07.CSharp" "Unit07"
            Expect.equal byForm 0 "no line by form only"
            Expect.contains printed "Epoch 100/100 | Loss:  3.6840 | Accuracy: 91.89%" "exercise 4 as PyTorch through its last epoch"
            Expect.contains printed "Test Accuracy: 91.90%" "cell 26's accuracy"

        testCase "Unit10.ipynb runs without error, prints PyTorch's printout line for line and draws its 44 figures" <| fun () ->
            let outs = checkNotebook "Unit10.ipynb" 44 0
            let printed = printedLines outs
            let byForm = compareWithProgram printed (goldenLines "unit10_printed.txt") "Unit10.CSharp" "Unit10"
            Expect.isLessThanOrEqual byForm 4 "at most cell 9's four timings by form"
            Expect.contains printed "detach = True  -> loss = 72.0, grad = 36.0" "cell 12's gradient"

        testCase "Unit09.ipynb runs without error, prints PyTorch's printout line for line and draws its 36 figures" <| fun () ->
            let outs = checkNotebook "Unit09.ipynb" 36 0
            let printed = printedLines outs
            let byForm = compareWithProgram printed (goldenLines "unit09_printed.txt") "Unit09.CSharp" "Unit09"
            // The program's test compares every line of Unit 9 exactly, the four trainings included.
            Expect.equal byForm 0 "no line by form only"
    ]

/// The executed C# notebook as one offline page: nbconvert's body-only template inside a small page of our own
/// (the full templates load require.js and MathJax from the network).
let private renderPage (executed: string) (page: string) =
    let psi = ProcessStartInfo("/usr/bin/python3", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for a in [ "-m"; "nbconvert"; "--to"; "html"; "--template"; "basic"; "--stdout"; executed ] do psi.ArgumentList.Add a
    use p = Process.Start psi
    let body = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit 120_000) then (p.Kill true; failtest "nbconvert did not finish within 2 minutes")
    Expect.equal p.ExitCode 0 (sprintf "nbconvert (Debian's python3-nbconvert) rendered the notebook: %s" err.Result)
    let css =
        "body{font-family:sans-serif;max-width:960px;margin:16px auto;color:#222}"
        + ".jp-InputArea pre{background:#f4f5f7;border-left:3px solid #4a7bd0;padding:6px 10px;font-size:12px;overflow:hidden}"
        + ".jp-OutputArea pre{font-size:12px;margin:4px 10px}.jp-InputPrompt,.jp-OutputPrompt{display:none}"
        + "table.fluxion-tensor td{border:1px solid #ccc;padding:2px 8px;font-family:monospace}"
    File.WriteAllText(page, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Unit05.ipynb</title><style>" + css
                            + "</style></head><body>\n" + body.Result + "\n</body></html>\n")

[<Tests>]
let browserTests =
    testSequenced <| testList "Interactive.NotebookPage" [
        testCase "the executed Unit05.ipynb renders to a page whose 12 figures draw offline; a screenshot is kept in notebooks/out" <| fun () ->
            executed "Unit05.ipynb" |> ignore
            if not (Fluxion.Plot.PngExport.isAvailable ()) then failtest "headless Chromium is needed (Debian package 'chromium')"
            let out = Path.Combine(repoRoot, "notebooks", "out")
            let page = Path.Combine(out, "Unit05.html")
            renderPage (Path.Combine(out, "Unit05.ipynb")) page
            let html = File.ReadAllText page
            Expect.isFalse (Text.RegularExpressions.Regex.IsMatch(html, "<script[^>]+src=\"https?:")) "no remote script in the page"
            let dom = Fluxion.Plot.PngExport.runWith Fluxion.Plot.PngExport.chromiumPath
                          [ "--dump-dom"; "--virtual-time-budget=20000"; "--host-resolver-rules=MAP * ~NOTFOUND" ] page
            Expect.equal (Text.RegularExpressions.Regex.Matches(dom, "class=\"plot-container").Count) 12 "every figure drew its plot"
            Expect.isFalse (dom.Contains "class=\"plotly-figure fluxion-plot-error\"") "no figure reports an error"
            let png = Path.Combine(out, "Unit05.png")
            Fluxion.Plot.PngExport.screenshotHtml page png 1000 2600
            Expect.isGreaterThan (FileInfo(png).Length) 50_000L "a screenshot with content"
    ]
