/// The C# program of Unit 6 (examples/Unit06.CSharp) and its F# script (examples/Unit06.fsx) print what
/// PyTorch 1.13 printed (tests/data/unit06_printed.txt, made by tests/data/scripts/gen_unit06.py), and the
/// program's report draws the unit's figures.
module Examples.Unit06ProgramTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto

open ExampleRunner

let private runUnit06 (args: string) = runExample "Unit06.CSharp" "Unit06" args

let private golden () = File.ReadAllText(TestData.path "unit06_printed.txt").Replace("\r\n", "\n")

/// Every line equals PyTorch's, the batched trainings' losses included (their Conv1d follows oneDNN's order,
/// see Unit06TrainingTests).
let private compareWithUnit06Golden (actual: string) =
    let a = actual.TrimEnd('\n').Split('\n')
    let g = (golden ()).TrimEnd('\n').Split('\n')
    Expect.equal a.Length g.Length (sprintf "line count: got %d, golden %d" a.Length g.Length)
    for i in 0 .. g.Length - 1 do
        Expect.equal a.[i] g.[i] (sprintf "line %d differs" (i + 1))

/// stdout of `dotnet fsi examples/Unit06.fsx`, run once for the script's test.
let private scriptOutput () =
    let root = repoRoot
    for library in [ Path.Combine(root, "src", "Plot", "bin", "Release", "net10.0", "Fluxion.Plot.dll")
                     Path.Combine(root, "examples", "Course", "bin", "Release", "net10.0", "Fluxion.Course.dll") ] do
        if not (File.Exists library) then
            failtestf "%s is missing: the script references the Release build; run `dotnet build -c Release` first" library
    let psi = ProcessStartInfo(dotnetHost (), WorkingDirectory = root, RedirectStandardOutput = true,
                               RedirectStandardError = true, UseShellExecute = false)
    for a in [ "fsi"; "examples/Unit06.fsx" ] do psi.ArgumentList.Add a
    psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
    psi.Environment["DOTNET_NOLOGO"] <- "1"
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit(TimeSpan.FromMinutes 5.0)) then
        p.Kill true
        failtest "dotnet fsi examples/Unit06.fsx did not finish within 5 minutes"
    if p.ExitCode <> 0 then
        failtestf "dotnet fsi examples/Unit06.fsx exited with %d\n--- stderr:\n%s" p.ExitCode err.Result
    out.Result.Replace("\r\n", "\n")

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit06" [
        testCase "the C# program prints what PyTorch 1.13 printed for the whole unit, line for line" <| fun () ->
            let code, out, err = runUnit06 "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            compareWithUnit06Golden out

        testCase "parts run alone replay the draws before them and print the course's numbers" <| fun () ->
            let code, out, _ = runUnit06 "--part torch --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "Output (with bias):   [13.575106 19.575106]" "cell 13: the bias is the draw after manual_seed(0) and the weight"
            let code, out, _ = runUnit06 "--part data --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "Sample 1: x[0,:2]=[-0.812 -0.976], y[0,:2]=[-0.638 -0.499]" "cell 33 sees the pairs as cell 28's 50 shuffles left them"
            Expect.stringContains out "Epoch 50/50 | Avg. Loss: 0.036832" "cell 36's last average"
            let code, out, _ = runUnit06 "--part ex3 --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "Epoch  1/50 | Avg. Loss: 0.142760" "exercise 3 continues NumPy's stream after cell 30"
            Expect.stringContains out "Epoch 50/50 | Avg. Loss: 0.027485" "exercise 3's last average"

        testCase "--list names the parts and an unknown part is a clear error" <| fun () ->
            let code, out, _ = runUnit06 "--list"
            Expect.equal code 0 "exit code"
            for part in [ "numpy"; "torch"; "denoise"; "data"; "ex1"; "ex2"; "ex3" ] do
                Expect.stringContains out part "part listed"
            let code, _, err = runUnit06 "--part nope"
            Expect.equal code 2 "usage error"
            Expect.stringContains err "Unknown part 'nope'" "names the bad part"
            Expect.stringContains err "denoise" "lists the parts"

        testCase "the report holds the unit's 14 figures with every trace drawn offline" <| fun () ->
            PlotBrowserTests.withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit06.html")
                let code, _, err = runUnit06 (sprintf "--report \"%s\"" html)
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                let page = File.ReadAllText html
                Expect.isFalse (Regex.IsMatch(page, "<script[^>]+src=\"https?:")) "no remote scripts"
                Expect.equal (Regex.Matches(page, "<div[^>]+id=\"figure-[0-9]+\"").Count) 14
                    "figures: 2 box-filter denoisings, 24 pairs, losses, kernel, test denoising, 6 examples; DataLoader losses; exercise 1; exercise 3's pairs, losses, kernel, denoising, 6 examples"
                Expect.stringContains page "Epoch 50/50 | Avg. Loss: 0.036582" "printed blocks are in the page"
                Expect.stringContains page "Conv1d(2, 7, kernel_size=(5,), stride=(1,), padding=(2,), dilation=(3,))" "module printouts are in the page"
                PlotBrowserTests.needBrowser ()
                let dom, console, requests = PlotBrowserTests.openOffline dir html 20000
                Expect.isEmpty console "no console messages from the page"
                Expect.isEmpty requests "no request leaves the page"
                let segs = PlotBrowserTests.figureSegments dom 14
                // denoise: input, target, output; grids: 2 or 3 lines per panel; kernel stem: 21 stems + markers.
                let scatters = [ 3; 3; 48; 1; 22; 3; 18; 1; 3; 48; 1; 22; 3; 18 ]
                for (k, seg) in List.indexed segs do
                    Expect.equal (PlotBrowserTests.count seg "class=\"plot-container") 1 (sprintf "figure %d has its plot container" (k + 1))
                    Expect.equal (PlotBrowserTests.count seg "class=\"trace scatter") scatters.[k] (sprintf "figure %d drew every scatter trace" (k + 1)))

        testCase "the F# script prints what PyTorch 1.13 printed for the whole unit, line for line" <| fun () ->
            compareWithUnit06Golden (scriptOutput ())
    ]
