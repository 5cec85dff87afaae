/// The C# program of Unit 9 (examples/Unit09.CSharp) prints what PyTorch 1.13 printed
/// (tests/data/unit09_printed.txt, made by tests/data/scripts/gen_unit09.py), and its report draws the unit's figures.
module Examples.Unit09ProgramTests

open System.IO
open System.Text.RegularExpressions
open Expecto

open ExampleRunner

let private runUnit09 (args: string) = runExample "Unit09.CSharp" "Unit09" args

let private golden () = File.ReadAllText(TestData.path "unit09_printed.txt").Replace("\r\n", "\n")

/// Every line equals PyTorch's, the four trainings included: nn.RNN's forward and gradients, Adam, gradient
/// clipping and the losses are bit-exact with torch 1.13, so no line needs a tolerance.
let private compareWithUnit09Golden (actual: string) =
    let a = actual.TrimEnd('\n').Split('\n')
    let g = (golden ()).TrimEnd('\n').Split('\n')
    for i in 0 .. (min a.Length g.Length) - 1 do
        Expect.equal a.[i] g.[i] (sprintf "line %d differs" (i + 1))
    Expect.equal a.Length g.Length (sprintf "line count: got %d, golden %d" a.Length g.Length)

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit09" [
        testCase "the C# program prints what PyTorch 1.13 printed for the whole unit, line for line" <| fun () ->
            let code, out, err = runUnit09 "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            compareWithUnit09Golden out

        testCase "parts run alone replay the default generator's draws before them" <| fun () ->
            let code, out, _ = runUnit09 "--part mse --no-report"
            Expect.equal code 0 "exit code"
            Expect.equal (out.TrimEnd('\n').Split('\n'))
                [| "Initial loss evaluation | Train Loss: 0.0536 | Val Loss: 0.0549"
                   "Epoch  1 | Train Loss: 0.0558 | Val Loss: 0.0456"
                   "Epoch 10 | Train Loss: 0.0258 | Val Loss: 0.0254"
                   "Epoch 20 | Train Loss: 0.0245 | Val Loss: 0.0241"
                   "Epoch 30 | Train Loss: 0.0239 | Val Loss: 0.0236" |]
                "cell 25's batch order follows the model initialisations and loader seeds of cells 15-23"
            let code, out, _ = runUnit09 "--part prf --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "MACRO:    P=0.706 | R=0.775 | F=0.726 | cond_ref=True | cond_pred=True" "cell 39 evaluates cell 28's model"

        testCase "--list names the parts and an unknown part is a clear error" <| fun () ->
            let code, out, _ = runUnit09 "--list"
            Expect.equal code 0 "exit code"
            for part in [ "filters"; "data"; "mse"; "bce"; "prf"; "ex1"; "ex2"; "ex3" ] do
                Expect.stringContains out part "part listed"
            let code, _, err = runUnit09 "--part nope"
            Expect.equal code 2 "usage error"
            Expect.stringContains err "Unknown part 'nope'" "names the bad part"
            Expect.stringContains err "filters" "lists the parts"

        testCase "the report holds the unit's 36 figures with every trace drawn offline" <| fun () ->
            PlotBrowserTests.withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit09.html")
                let code, out, err = runUnit09 (sprintf "--report \"%s\"" html)
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                compareWithUnit09Golden out
                let page = File.ReadAllText html
                Expect.isFalse (Regex.IsMatch(page, "<script[^>]+src=\"https?:")) "no remote scripts"
                Expect.equal (Regex.Matches(page, "<div[^>]+id=\"figure-[0-9]+\"").Count) 36
                    "figures: 4 filters and the RNN check; 24 pairs and sample 2; cell 23's sample, cell 25's losses and snapshots; cell 28's losses and snapshots and 5 test sets; cell 35's and cell 37's 5 picked-peak plots; exercise 1's 8 impulse responses; exercise 3's 2 loss curves and 4 picked-peak plots"
                Expect.stringContains page "Max abs. difference: 1.9069e-03" "printed blocks are in the page"
                PlotBrowserTests.needBrowser ()
                let dom, console, requests = PlotBrowserTests.openOffline dir html 30000
                Expect.isEmpty console "no console messages from the page"
                Expect.isEmpty requests "no request leaves the page"
                let segs = PlotBrowserTests.figureSegments dom 36
                // io plots 2 lines; RNN check 3; pairs grid 2 per panel; sample 4; losses 2; snapshot grids 3 per panel;
                // test sets 4 panels x 3; picked peaks: 2 curves, 2 marker sets, the height line.
                let peaks = List.replicate 4 5
                let scatters =
                    [ 2; 2; 2; 2; 3; 48; 3; 4; 2; 12; 2; 12 ] @ List.replicate 5 12 @ [ 5 ] @ peaks @ List.replicate 8 2 @ [ 2 ] @ List.take 2 peaks @ [ 2 ] @ List.take 2 peaks
                for (k, seg) in List.indexed segs do
                    Expect.equal (PlotBrowserTests.count seg "class=\"plot-container") 1 (sprintf "figure %d has its plot container" (k + 1))
                    Expect.equal (PlotBrowserTests.count seg "class=\"trace scatter") scatters.[k] (sprintf "figure %d drew every scatter trace" (k + 1)))
    ]
