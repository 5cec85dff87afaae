/// The C# unit program (examples/Unit05.CSharp) prints what PyTorch prints and writes a report that draws.
module UnitProgramTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto

open ExampleRunner

[<Tests>]
let tests =
    testSequenced <| testList "Examples.UnitProgram" [
        testCase "the C# unit program prints what PyTorch printed for the whole unit" <| fun () ->
            let code, out, err = runUnit "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            compareWithGolden out

        testCase "one part can run alone and still draws the course's numbers" <| fun () ->
            let code, out, _ = runUnit "--part modules --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "tensor([[-0.5204, -0.2723]])" "c20: the model built without reseeding has the course's initial weights"
            Expect.stringContains out "Learned parameters: a = 1.4412,  b = -2.0275,  c = 1.7172" "c23 result"
            let code, out, _ = runUnit "--part ex3 --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "start(3.0,0.0) RMSprop           steps= 22 stop@22" "exercise 3 summary"

        testCase "--list names the parts and an unknown part is a clear error" <| fun () ->
            let code, out, _ = runUnit "--list"
            Expect.equal code 0 "exit code"
            for part in [ "regression"; "modules"; "twolayer"; "ex1"; "ex2"; "ex3" ] do
                Expect.stringContains out part "part listed"
            let code, _, err = runUnit "--part nope"
            Expect.equal code 2 "usage error"
            Expect.stringContains err "Unknown part 'nope'" "names the bad part"
            Expect.stringContains err "ex3" "lists the parts"

        testCase "the report is one self-contained page with every printed block and figure, and every figure draws offline" <| fun () ->
            PlotBrowserTests.withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit05.html")
                let code, _, err = runUnit (sprintf "--report \"%s\"" html)
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                let page = File.ReadAllText html
                Expect.isFalse (Regex.IsMatch(page, "<script[^>]+src=\"https?:")) "no remote scripts"
                Expect.equal (Regex.Matches(page, "<div[^>]+id=\"figure-[0-9]+\"").Count) 12 "12 figures: data, 2 fits, model fit, activations, 3 exercise-1 fits, exercise-2 fit and losses, 2 Himmelblau maps"
                Expect.stringContains page "Iteration 4000 | Loss = 0.065949" "printed blocks are in the page"
                Expect.stringContains page "NeuralNetTwoLayer(" "module printouts are in the page"
                PlotBrowserTests.needBrowser ()
                let dom, console, requests = PlotBrowserTests.openOffline dir html 15000
                Expect.isEmpty console "no console messages from the page"
                Expect.isEmpty requests "no request leaves the page"
                let segs = PlotBrowserTests.figureSegments dom 12
                let scatters = [ 1; 2; 2; 2; 4; 2; 2; 2; 2; 1; 4; 4 ]
                for (k, seg) in List.indexed segs do
                    Expect.equal (PlotBrowserTests.count seg "class=\"plot-container") 1 (sprintf "figure %d has its plot container" (k + 1))
                    Expect.equal (PlotBrowserTests.count seg "class=\"trace scatter") scatters.[k] (sprintf "figure %d drew every scatter trace" (k + 1))
                for k in [ 10; 11 ] do
                    Expect.isTrue (Regex.IsMatch(segs.[k], "<g class=\"hm\"><image")) (sprintf "figure %d drew its Himmelblau heatmap" (k + 1)))
    
        testCase "the quick-start program trains the two-layer network to the course's losses in both styles" <| fun () ->
            let code, out, err = runExample "QuickStart.CSharp" "QuickStart" ""
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            // PyTorch's losses for cell 33 (tests/data/unit05_printed.txt): the data are drawn in the program itself.
            for k, loss in [ 1000, "0.126692"; 2000, "0.079341"; 3000, "0.071711"; 4000, "0.065949" ] do
                Expect.stringContains out (sprintf "Iteration %4d | Loss = %s\n" k loss) (sprintf "Module training at iteration %d" k)
                Expect.stringContains out (sprintf "Iteration %4d | Loss = %s (pure)\n" k loss) (sprintf "pure training at iteration %d" k)
            Expect.stringContains out "Prediction at x = 1: 0.8779" "PyTorch 1.13's output of the trained network at x = 1"
            Expect.stringContains out "0.weight: torch.Size([3, 1])" "the parameter tree prints names and shapes"

        testCase "the Conv1d smoothing program learns a filter that removes most of the noise" <| fun () ->
            let code, out, err = runExample "ConvSmoothing.CSharp" "ConvSmoothing" "--iterations 300"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            let value (pattern: string) = float (Regex.Match(out, pattern).Groups.[1].Value)
            let noisy = value @"Noisy signal vs clean: MSE = (\d+\.\d+)"
            let final = value @"Iteration  300 \| Loss = (\d+\.\d+)"
            Expect.isLessThan final (noisy / 5.0) "the filtered signal is far closer to the clean one than the noisy input"
            let sum = value @"Kernel sum = (-?\d+\.\d+)"
            Expect.floatClose { absolute = 0.1; relative = 0.0 } sum 1.0 "a smoothing kernel sums to about 1"
            Expect.stringContains out "Conv1d(1, 1, kernel_size=(15,), stride=(1,), padding=(7,), bias=False)" "module repr"
    ]
