/// The C# program of Unit 7 (examples/Unit07.CSharp) prints what PyTorch 1.13 printed
/// (tests/data/unit07_printed.txt, made by tests/data/scripts/gen_unit07.py).
module Examples.Unit07ProgramTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto

open ExampleRunner

let private runUnit07 (args: string) = runExample "Unit07.CSharp" "Unit07" args

let private golden () = File.ReadAllText(TestData.path "unit07_printed.txt").Replace("\r\n", "\n")

/// Every line equals PyTorch's, exercise 4 included. Its MLP (batch 64, Adam lr 0.01, 1500 steps) is chaotic:
/// measured in PyTorch, raising one weight of the initial model by one ulp changes the loss from step 6 on, by at
/// most 3.9e-6 (relative) over the first 600 steps, 7.6e-4 by step 750 and 0.54 by step 900. Its later epochs
/// match only because every product, reduction and optimizer step rounds as PyTorch's CPU kernels do (all 1500
/// step losses were measured equal to PyTorch's bits), so this comparison guards those orders.
let private compareWithUnit07Golden (actual: string) =
    let a = actual.TrimEnd('\n').Split('\n')
    let g = (golden ()).TrimEnd('\n').Split('\n')
    Expect.equal a.Length g.Length (sprintf "line count: got %d, golden %d" a.Length g.Length)
    for i in 0 .. g.Length - 1 do
        Expect.equal a.[i] g.[i] (sprintf "line %d differs" (i + 1))

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit07" [
        testCase "the C# program prints what PyTorch 1.13 printed for the whole unit, line for line" <| fun () ->
            let code, out, err = runUnit07 "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            compareWithUnit07Golden out

        testCase "exercise 4 alone ends where PyTorch's chaotic training ends" <| fun () ->
            // Epoch 100 is step 1500: any last-bit difference in a gradient on the way shows here.
            let g = golden ()
            let last = "Epoch 100/100 | Loss:  3.6840 | Accuracy: 91.89%"
            let final = "Final accuracy (entire training set; not averaged over batches): 91.89%"
            Expect.stringContains g last "epoch 100 is in the golden file"
            Expect.stringContains g final "the final accuracy is in the golden file"
            let code, out, _ = runUnit07 "--part ex4 --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out last "exercise 4 alone: epoch 100 as PyTorch"
            Expect.stringContains out final "exercise 4 alone: final accuracy as PyTorch"

        testCase "parts run alone replay the draws before them and print the course's numbers" <| fun () ->
            let code, out, _ = runUnit07 "--part sequential --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "model.model[2]: AdaptiveAvgPool1d(output_size=1)" "cell 12's layer list"
            let code, out, _ = runUnit07 "--part multiclass --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "Signal 3: Frequency = 3.76 Hz -> Class 1 ([2, 4) Hz)" "cell 18 sees cell 6's data"
            Expect.stringContains out "Epoch 10/10 | Loss:  6.6815 | Accuracy: 92.70%" "cell 23's last epoch"
            let code, out, _ = runUnit07 "--part evaluation --no-report"
            Expect.equal code 0 "exit code"
            Expect.equal (out.TrimEnd('\n')) "Test Accuracy: 91.90%" "cell 26 after replaying cells 6-23 silently"

        testCase "the report holds the unit's 13 figures with every trace drawn offline" <| fun () ->
            PlotBrowserTests.withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit07.html")
                let code, _, err = runUnit07 (sprintf "--report \"%s\"" html)
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                let page = File.ReadAllText html
                Expect.isFalse (Regex.IsMatch(page, "<script[^>]+src=\"https?:")) "no remote scripts"
                Expect.equal (Regex.Matches(page, "<div[^>]+id=\"figure-[0-9]+\"").Count) 13
                    "figures: 24 signals, BCE losses; class histogram, CE losses; confusion matrix, signed distances, out-of-range signals; exercise 1's curves; exercise 3's confusion matrix; exercise 4's point cloud, losses, decision regions on training and new data"
                Expect.stringContains page "Epoch 10/10 | Loss:  1.5769 | Accuracy: 99.70%" "printed blocks are in the page"
                Expect.stringContains page "Test Accuracy: 91.90%" "cell 26's accuracy is in the page"
                PlotBrowserTests.needBrowser ()
                let dom, console, requests = PlotBrowserTests.openOffline dir html 30000
                Expect.isEmpty console "no console messages from the page"
                Expect.isEmpty requests "no request leaves the page"
                let segs = PlotBrowserTests.figureSegments dom 13
                // Scatter traces: 24 signal panels; loss curves 1; bars and heatmaps 0; correct/wrong 2; 8 signals;
                // two BCE curves; three classes of points (the decision regions add a heatmap under them).
                let scatters = [ 24; 1; 0; 1; 0; 2; 8; 2; 0; 3; 1; 3; 3 ]
                for (k, seg) in List.indexed segs do
                    Expect.equal (PlotBrowserTests.count seg "class=\"plot-container") 1 (sprintf "figure %d has its plot container" (k + 1))
                    Expect.equal (PlotBrowserTests.count seg "class=\"trace scatter") scatters.[k] (sprintf "figure %d drew every scatter trace" (k + 1)))

        testCase "--list names the parts and an unknown part is a clear error" <| fun () ->
            let code, out, _ = runUnit07 "--list"
            Expect.equal code 0 "exit code"
            for part in [ "binary"; "sequential"; "multiclass"; "evaluation"; "ex1"; "ex2"; "ex3"; "ex4" ] do
                Expect.stringContains out part "part listed"
            let code, _, err = runUnit07 "--part nope"
            Expect.equal code 2 "usage error"
            Expect.stringContains err "Unknown part 'nope'" "names the bad part"
            Expect.stringContains err "multiclass" "lists the parts"
    ]
