/// The example programs' training bar: drawn on an interactive terminal, silent when the output is redirected,
/// one line per report in plain mode; and its wiring into the unit programs' training loops.
module ConsoleProgressTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open Fluxion.Optim
open Fluxion.Examples
open Spectre.Console
open Spectre.Console.Testing

let private report (progress: IProgress<FitProgress>) (n: int) =
    for k in 1 .. n do
        progress.Report { Iteration = k; Iterations = n; Loss = 1.0 / float k; Elapsed = TimeSpan.FromMilliseconds(float k) }
    n

[<Tests>]
let tests =
    testList "Examples.TrainingBar" [
        testCase "on an interactive ANSI terminal the bar shows the iteration, the loss and the elapsed time" <| fun () ->
            let console = new TestConsole()
            console.Profile.Capabilities.Interactive <- true
            console.Profile.Capabilities.Ansi <- true
            console.Profile.Width <- 120
            Expect.isTrue (TrainingBar.IsLive console) "a terminal is live"
            let result = TrainingBar.Run(console, "ex2", 8000, Func<_, _>(fun p -> report p 8000))
            Expect.equal result 8000 "the body's result is returned"
            let out = console.Output
            Expect.stringContains out "ex2  8000/8000  loss 0.000125" "the last iteration and its loss"
            Expect.isMatch out @"\d\d:\d\d:\d\d" "an elapsed-time column"
            Expect.stringContains out "100%" "the bar ends complete"

        testCase "a redirected console gets no bar at all, only what the program prints itself" <| fun () ->
            let console = new TestConsole()
            console.Profile.Capabilities.Interactive <- false
            console.Profile.Capabilities.Ansi <- false
            Expect.isFalse (TrainingBar.IsLive console) "a redirected console is not live"
            let result = TrainingBar.Run(console, "ex2", 4000, Func<_, _>(fun p ->
                let n = report p 4000
                console.WriteLine(Fit.progressLine 4000 0.065949)
                n))
            Expect.equal result 4000 "the body ran"
            Expect.equal console.Output "Iteration 4000 | Loss = 0.065949\n" "only the plain loss line"

        testCase "the bar's text, and its arguments checked" <| fun () ->
            let p = { Iteration = 1000; Iterations = 4000; Loss = 0.1918687; Elapsed = TimeSpan.Zero }
            Expect.equal (TrainingBar.Describe("two-layer", p)) "two-layer  1000/4000  loss 0.191869" "label, iteration, loss"
            Expect.throwsT<ArgumentNullException> (fun () -> TrainingBar.Run<int>(new TestConsole(), "x", 1, null) |> ignore) "null body"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> TrainingBar.Run(new TestConsole(), "x", -1, Func<_, int>(fun _ -> 0)) |> ignore) "negative iterations"
    ]

[<Tests>]
let startTests =
    testList "Examples.TrainingBar.Start" [
        testCase "plain mode writes one line per report (label, k/n, loss, seconds) and nothing after Complete" <| fun () ->
            let console = new TestConsole()
            let progress = TrainingBar.Start(console, ProgressMode.Plain, "ex3", 3)
            progress.Report(1, 0.5)
            progress.Report(2, 0.25)
            progress.Report(3, 0.1234567)
            progress.Complete()
            progress.Report(4, 9.0)
            let lines = console.Output.TrimEnd('\n').Split('\n')
            Expect.equal lines.Length 3 "three reports, three lines"
            Expect.isMatch lines.[0] @"^ex3  1/3  loss 0\.500000  \d+\.\ds$" "the first line"
            Expect.stringStarts lines.[2] "ex3  3/3  loss 0.123457  " "the last line, the loss to six decimals"

        testCase "auto mode draws on a live console and stays silent on a redirected one; off mode never draws" <| fun () ->
            let live = new TestConsole()
            live.Profile.Capabilities.Interactive <- true
            live.Profile.Capabilities.Ansi <- true
            live.Profile.Width <- 120
            using (TrainingBar.Start(live, ProgressMode.Auto, "binary", 10)) (fun progress ->
                for k in 1 .. 10 do progress.Report(k, 1.0 / float k))
            Expect.stringContains live.Output "binary  10/10  loss 0.100000" "the bar's last frame"
            Expect.stringContains live.Output "100%" "the bar ends complete"
            let redirected = new TestConsole()
            redirected.Profile.Capabilities.Interactive <- false
            using (TrainingBar.Start(redirected, ProgressMode.Auto, "binary", 10)) (fun progress -> progress.Report(10, 0.1))
            Expect.equal redirected.Output "" "nothing when redirected"
            using (TrainingBar.Start(live, ProgressMode.Off, "binary", 10)) (fun progress -> progress.Report(10, 0.1))
            Expect.stringContains live.Output "binary  10/10" "(the earlier bar)"
            let before = live.Output
            using (TrainingBar.Start(live, ProgressMode.Off, "quiet", 10)) (fun progress -> progress.Report(10, 0.1))
            Expect.equal live.Output before "off draws nothing, even on a live console"

        testCase "FLUXION_PROGRESS values, and the arguments checked" <| fun () ->
            Expect.equal [ for v in [ null; ""; "auto"; " Plain "; "OFF" ] -> TrainingBar.ParseMode v ]
                [ ProgressMode.Auto; ProgressMode.Auto; ProgressMode.Auto; ProgressMode.Plain; ProgressMode.Off ] "the modes"
            let e = Expect.throwsC (fun () -> TrainingBar.ParseMode "verbose" |> ignore) id
            Expect.equal e.Message "FLUXION_PROGRESS must be auto, plain or off, got 'verbose' (Parameter 'value')" "the message names the choices"
            Expect.throwsT<ArgumentNullException> (fun () -> TrainingBar.Start(null, ProgressMode.Plain, "x", 1) |> ignore) "null console"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> TrainingBar.Start(new TestConsole(), ProgressMode.Plain, "x", -1) |> ignore) "negative iterations"
    ]

/// Runs a built unit program with FLUXION_PROGRESS=plain: (exit code, stdout, stderr).
let private runPlain (project: string) (assembly: string) (args: string) =
    let dll = Path.Combine(ExampleRunner.repoRoot, "examples", project, "bin", "Release", "net10.0", assembly + ".dll")
    if not (File.Exists dll) then failtestf "the unit program is not built: %s (run `dotnet build -c Release`)" dll
    let psi = ProcessStartInfo(ExampleRunner.dotnetHost (), sprintf "\"%s\" %s" dll args, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    psi.WorkingDirectory <- ExampleRunner.repoRoot
    psi.Environment.["FLUXION_PROGRESS"] <- "plain"
    use p = Process.Start psi
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    if not (p.WaitForExit 300_000) then (p.Kill true; failtest "the unit program did not finish within 5 minutes")
    p.ExitCode, out.Result.Replace("\r\n", "\n"), err.Result.Replace("\r\n", "\n")

let private progressLine = Regex(@"^(.+?)  (\d+)/(\d+)  loss (-?\d+\.\d{6})  \d+\.\ds$")

/// The training runs a plain-mode stderr shows: (label, length, last loss), each checked to report 1..n in order.
let private runsOf (stderr: string) =
    let lines = stderr.TrimEnd('\n').Split('\n') |> Array.filter (fun l -> l <> "")
    let parsed =
        [ for l in lines ->
            let m = progressLine.Match l
            Expect.isTrue m.Success (sprintf "every stderr line is a progress line: %s" l)
            m.Groups.[1].Value, int m.Groups.[2].Value, int m.Groups.[3].Value, m.Groups.[4].Value ]
    // A run starts at k = 1 and must then count 1, 2, ..., n under one label.
    let rec split acc current rest =
        match rest, current with
        | [], [] -> List.rev acc
        | [], cur -> List.rev (List.rev cur :: acc)
        | ((_, 1, _, _) as r) :: tail, [] -> split acc [ r ] tail
        | ((_, 1, _, _) as r) :: tail, cur -> split (List.rev cur :: acc) [ r ] tail
        | r :: _, [] -> failtestf "a run starts at iteration 1, not %A" r
        | r :: tail, cur -> split acc (r :: cur) tail
    [ for run in split [] [] parsed ->
        let label, _, n, _ = run.Head
        Expect.equal [ for (l, k, m, _) in run -> l, k, m ] [ for k in 1 .. n -> label, k, n ] (sprintf "%s reports each of its %d iterations once, in order" label n)
        let _, _, _, last = List.last run
        label, n, last ]

/// The program's printed loss lines, in order: (epoch, run length if printed, loss as printed) from "Epoch k/n | ...
/// Loss: L", "Epoch k | Train Loss: L" or "Iteration k | Loss = L".
let private printedLosses (stdout: string) =
    [ for m in Regex.Matches(stdout, @"(?m)^(?:Epoch|Iteration) +(\d+)(?:/(\d+))? \| (?:Avg\. Loss|Loss|Train Loss)(?::| =) +(\d+\.\d+)") ->
        int m.Groups.[1].Value, (if m.Groups.[2].Success then Some (int m.Groups.[2].Value) else None), m.Groups.[3].Value ]

/// Checks a unit program's wiring: the runs (label, length) in order, and for the runs under `checkedLabels` the last
/// loss reported is the one the program printed for that run's last epoch (to the printed decimals), in order.
let private checkWiring (project: string) (assembly: string) (args: string) (expected: (string * int) list) (checkedLabels: string list) =
    let code, out, err = runPlain project assembly args
    Expect.equal code 0 (sprintf "%s %s ran" assembly args)
    let runs = runsOf err
    Expect.equal [ for l, n, _ in runs -> l, n ] expected (sprintf "%s: the training runs that report, in order" assembly)
    Expect.isFalse (out.Split('\n') |> Array.exists progressLine.IsMatch) "no progress line on standard output"
    // Each checked run's last report is, in order, one of the printed lines for its last epoch (a subsequence: the
    // programs also print intermediate epochs and losses of loops without a bar).
    let mutable rest = printedLosses out
    for label, n, reported in runs |> List.filter (fun (l, _, _) -> List.contains l checkedLabels) do
        let matches (k, total, shown: string) =
            let decimals = shown.Length - shown.IndexOf '.' - 1
            k = n && (total = None || total = Some n)
            && abs (float reported - float shown) <= 0.5 * Math.Pow(10.0, float -decimals) + 0.5e-6
        match rest |> List.tryFindIndex matches with
        | Some i -> rest <- List.skip (i + 1) rest
        | None -> failtestf "%s: the last reported loss %s (iteration %d) is not printed for its last epoch after the earlier runs' lines" label reported n

[<Tests>]
let wiringTests =
    testList "Examples.TrainingBar.Wiring" [
        testCase "Unit05: the six trainings report each iteration with the printed loss" <| fun () ->
            let runs = [ "optim", 4000; "two-layer", 4000; "ex1 ReLU", 4000; "ex1 Sigmoid", 4000; "ex1 Identity", 4000; "ex2", 8000 ]
            checkWiring "Unit05.CSharp" "Unit05" "--no-report" runs (List.map fst runs)

        testCase "Unit06: the three trainings report each of their 50 epochs with the printed loss" <| fun () ->
            let runs = [ "denoise: learnable low-pass", 50; "data: DataLoader", 50; "ex3: learnable high-pass", 50 ]
            checkWiring "Unit06.CSharp" "Unit06" "--no-report" runs (List.map fst runs)

        testCase "Unit07: the four trainings report each epoch with the printed loss" <| fun () ->
            let runs = [ "binary: SmallCNN", 10; "multiclass: FrequencyClassifier", 10; "ex3: FFTClassifier", 10; "ex4: SimpleMLP", 100 ]
            checkWiring "Unit07.CSharp" "Unit07" "--no-report" runs (List.map fst runs)

        testCase "Unit09: the MSE training (replayed) and the BCE training report each epoch" <| fun () ->
            // --part bce replays the cells before it silently, the MSE training among them: it reports all the same.
            checkWiring "Unit09.CSharp" "Unit09" "--part bce --no-report" [ "mse: ChangeDetectorRNN", 30; "bce: SimpleTanhRNN", 15 ] [ "bce: SimpleTanhRNN" ]

        testCase "Unit10: every training loop reports each iteration" <| fun () ->
            let pair a b n = [ a, n; b, n ]
            let runs =
                [ for n in [ 20; 200; 2000 ] do yield! List.replicate 2 ("normalize: logistic regression", n)
                  for n in [ 10; 40; 120 ] do yield! pair "normalize: MLP without BatchNorm" "normalize: MLP with BatchNorm" n
                  yield! pair "regularize: weight decay 0" "regularize: weight decay 0.01" 500
                  for _ in 1 .. 3 do yield! pair "regularize: dropout off" "regularize: dropout on" 100
                  for _ in 1 .. 2 do
                      for loss in [ "MSE Loss"; "L1 Loss"; "Correlation Loss"; "Spectral Loss" ] do yield "ex3: " + loss, 100 ]
            checkWiring "Unit10.CSharp" "Unit10" "--no-report" runs []
    ]
