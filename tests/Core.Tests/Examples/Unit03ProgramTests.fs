/// The C# program of course unit 3 (examples/Unit03.CSharp) prints what PyTorch 1.13 printed (tests/data/unit03_printed.txt,
/// made by tests/data/scripts/gen_unit03.py), part by part, and draws exercise 3's figure in its report.
module Unit03ProgramTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto

open ExampleRunner

let private runUnit03 (args: string) = runExample "Unit03.CSharp" "Unit03" args

let private golden () = File.ReadAllText(TestData.path "unit03_printed.txt").Replace("\r\n", "\n").TrimEnd('\n').Split('\n')

/// Each part with the first golden line of its printout (searched in order, after the previous part's start).
let private parts =
    [ "creation", "Python list:"
      "attributes", "Tensor shape:"
      "operations", "Tensor x:"
      "storage", "x.shape:"
      "ex1", "=== Original Integer Tensor ==="
      "ex2", "Original tensor x:"
      "ex3", "Mean after centering" ]

/// (part, first line index, line count) in the golden printout, 0-based.
let private partRanges () =
    let g = golden ()
    let starts =
        parts
        |> List.scan (fun (_, from) (name, first) ->
            let i = Array.FindIndex(g, from, fun l -> l.StartsWith(first, StringComparison.Ordinal))
            if i < 0 then failtestf "golden printout: start of part %s (%s) not found" name first
            name, i + 1) ("", 0)
        |> List.tail
        |> List.map (fun (name, next) -> name, next - 1)
    [ for k, (name, s) in List.indexed starts ->
        let e = if k + 1 < starts.Length then snd starts.[k + 1] else g.Length
        name, s, e - s ]

/// Compares printed lines with golden lines [first, first + count).
let private compareRange (actual: string) (first: int) (count: int) =
    let a = actual.TrimEnd('\n').Split('\n')
    let g = golden ()
    Expect.equal a.Length count (sprintf "line count: got %d, golden %d" a.Length count)
    for i in 0 .. count - 1 do
        let line = first + i + 1
        Expect.equal a.[i] g.[first + i] (sprintf "golden line %d differs" line)

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit03Program" [
        testCase "the whole program prints PyTorch 1.13's printout, line for line" <| fun () ->
            let code, out, err = runUnit03 "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            compareRange out 0 (golden ()).Length

        testList "each part alone prints its slice of the golden printout" [
            for name, _ in parts ->
                testCase name <| fun () ->
                    let _, first, count = partRanges () |> List.find (fun (n, _, _) -> n = name)
                    let code, out, err = runUnit03 (sprintf "--part %s --no-report" name)
                    Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                    compareRange out first count
        ]

        testCase "the F# script examples/Unit03.fsx prints the same printout" <| fun () ->
            let library = Path.Combine(repoRoot, "src", "Plot", "bin", "Release", "net10.0", "Fluxion.dll")
            if not (File.Exists library) then failtestf "%s is missing: the script references the Release build; run `dotnet build -c Release` first" library
            let psi = Diagnostics.ProcessStartInfo(dotnetHost (), WorkingDirectory = repoRoot, RedirectStandardOutput = true,
                                                   RedirectStandardError = true, UseShellExecute = false)
            for a in [ "fsi"; "examples/Unit03.fsx" ] do psi.ArgumentList.Add a
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
            psi.Environment["DOTNET_NOLOGO"] <- "1"
            use p = Diagnostics.Process.Start psi
            let out = p.StandardOutput.ReadToEndAsync()
            let err = p.StandardError.ReadToEndAsync()
            if not (p.WaitForExit(TimeSpan.FromMinutes 5.0)) then (p.Kill true; failtest "dotnet fsi examples/Unit03.fsx did not finish within 5 minutes")
            Expect.equal p.ExitCode 0 (sprintf "exit code (stderr: %s)" err.Result)
            compareRange (out.Result.Replace("\r\n", "\n")) 0 (golden ()).Length

        testCase "--list names the parts and an unknown part is a clear error" <| fun () ->
            let code, out, _ = runUnit03 "--list"
            Expect.equal code 0 "exit code"
            for name, _ in parts do
                Expect.isTrue (Regex.IsMatch(out, sprintf "(?m)^%s\\s" name)) (sprintf "part %s listed" name)
            let code, _, err = runUnit03 "--part nope"
            Expect.equal code 2 "usage error"
            Expect.stringContains err "Unknown part 'nope'" "names the bad part"
            Expect.stringContains err "storage" "lists the parts"

        testCase "the report holds every printed block and exercise 3's figure, which draws offline" <| fun () ->
            PlotBrowserTests.withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit03.html")
                let code, _, err = runUnit03 (sprintf "--report \"%s\"" html)
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                let page = File.ReadAllText html
                Expect.isFalse (Regex.IsMatch(page, "<script[^>]+src=\"https?:")) "no remote scripts"
                Expect.equal (Regex.Matches(page, "<div[^>]+id=\"figure-[0-9]+\"").Count) 1 "one figure: exercise 3's point cloud with its principal directions"
                Expect.stringContains page "Mean pixel value: 0.5154" "printed blocks are in the page"
                Expect.stringContains page "Exercise 3: principal directions via eigendecomposition" "section headings are in the page"
                PlotBrowserTests.needBrowser ()
                let dom, console, requests = PlotBrowserTests.openOffline dir html 15000
                Expect.isEmpty console "no console messages from the page"
                Expect.isEmpty requests "no request leaves the page"
                let seg = PlotBrowserTests.figureSegments dom 1 |> List.head
                Expect.equal (PlotBrowserTests.count seg "class=\"plot-container") 1 "the figure has its plot container"
                Expect.equal (PlotBrowserTests.count seg "class=\"trace scatter") 3 "points and two principal directions")
    ]
