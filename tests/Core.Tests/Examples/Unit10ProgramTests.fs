/// The C# program of Unit 10 (examples/Unit10.CSharp) prints what PyTorch 1.13 printed
/// (tests/data/unit10_printed.txt, made by tests/data/scripts/gen_unit10.py), and its report draws the unit's figures.
module Examples.Unit10ProgramTests

open System.IO
open System.Text.RegularExpressions
open Expecto

open ExampleRunner

let private runUnit10 (args: string) = runExample "Unit10.CSharp" "Unit10" args

let private golden () = File.ReadAllText(TestData.path "unit10_printed.txt").Replace("\r\n", "\n")

/// Cell 9's four timings are measured where the program runs: only their form is compared.
let private timing = Regex(@"^(Build with b_exp: |Build with b_rep: |Add with b_exp:   |Add with b_rep:   )[ 0-9]{1,}\.[0-9]{4} ms/run$")

/// Cells 23-24 print the state of cell 20's BatchNorm MLP after 120 epochs (480 SGD steps): they are compared
/// exactly, which needs PyTorch's forward and its batch_norm backward kernel bit for bit at every step (a
/// closed-form backward drifts: the loss differed by 1e-7 at step 13 and 2e-3 at step 79).
let private compareWithUnit10Golden (actual: string) =
    let a = actual.TrimEnd('\n').Split('\n')
    let g = (golden ()).TrimEnd('\n').Split('\n')
    Expect.equal a.Length g.Length (sprintf "line count: got %d, golden %d" a.Length g.Length)
    for i in 0 .. g.Length - 1 do
        let gl, al = g.[i], a.[i]
        let tm = timing.Match gl
        if tm.Success then
            let am = timing.Match al
            Expect.isTrue (am.Success && am.Groups.[1].Value = tm.Groups.[1].Value) (sprintf "line %d: expected a timing line like %s, got %s" (i + 1) gl al)
        else
            Expect.equal al gl (sprintf "line %d differs" (i + 1))

[<Tests>]
let tests =
    testSequenced <| testList "Examples.Unit10" [
        testCase "the C# program prints what PyTorch 1.13 printed for the whole unit, line for line" <| fun () ->
            let code, out, err = runUnit10 "--no-report"
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            compareWithUnit10Golden out

        testCase "parts run alone print the course's lines" <| fun () ->
            let code, out, _ = runUnit10 "--part regularize --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "Tensor after dropout (p=0.5, train mode):  tensor([0., 0., 6., 0., 0.])" "cell 30: torch 1.13's mask after manual_seed(0)"
            let code, out, _ = runUnit10 "--part detach --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "detach = True  -> loss = 72.0, grad = 36.0" "cell 12: only branch A's gradient"
            let code, out, _ = runUnit10 "--part broadcast --no-report"
            Expect.equal code 0 "exit code"
            Expect.stringContains out "b_rep shares storage with b: False" "cell 9: repeat copies"
            Expect.stringContains out "numel(b_rep) =  5000000  (about 20.0 MB)" "cell 9: the copy's size"

        testCase "--list names the parts and an unknown part is a clear error" <| fun () ->
            let code, out, _ = runUnit10 "--list"
            Expect.equal code 0 "exit code"
            for part in [ "broadcast"; "detach"; "normalize"; "regularize"; "losses"; "ex1"; "ex2"; "ex3" ] do
                Expect.stringContains out part "part listed"
            let code, _, err = runUnit10 "--part nope"
            Expect.equal code 2 "usage error"
            Expect.stringContains err "Unknown part 'nope'" "names the bad part"
            Expect.stringContains err "regularize" "lists the parts"

        testCase "the report holds the unit's 44 figures and its printed blocks, with no remote script" <| fun () ->
            PlotBrowserTests.withTempDir (fun dir ->
                let html = Path.Combine(dir, "unit10.html")
                let code, _, err = runUnit10 (sprintf "--report \"%s\"" html)
                Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
                let page = File.ReadAllText html
                Expect.isFalse (Regex.IsMatch(page, "<script[^>]+src=\"https?:")) "no remote scripts"
                Expect.equal (Regex.Matches(page, "<div[^>]+id=\"figure-[0-9]+\"").Count) 44
                    "figures: BN losses; coefficients, 3 dropout loss pairs; signals, 3 loss matrices; exercise 1's 8 running-stat curves; exercise 2's 3 masks; exercise 3's 8 × (loss, kernel, output)"
                Expect.stringContains page "detach = False -&gt; loss = 72.0, grad = 72.0" "printed blocks are in the page"
                Expect.stringContains page "(1): BatchNorm1d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)" "module printouts are in the page")
    ]
