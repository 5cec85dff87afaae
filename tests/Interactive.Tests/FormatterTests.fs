/// Fluxion.Interactive's renderings: what a notebook shows for a tensor, a module, a summary, an optimizer and a figure.
module FormatterTests

open System
open System.Text.RegularExpressions
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open Fluxion.Interactive
open Microsoft.DotNet.Interactive.Formatting

let private count (text: string) (pattern: string) = Regex.Matches(text, pattern).Count

let private tensor2 (rows: float[][]) = Fluxion.CSharp.Torch.Tensor(rows)

[<Tests>]
let tests =
    testSequenced <| testList "Interactive.Formatters" [
        testCase "a 2-D tensor is a table captioned with its shape and dtype, PyTorch's four decimals in each cell" <| fun () ->
            let t = tensor2 [| [| 1.0; -2.5 |]; [| 0.125; 3.0 |]; [| 4.0; 5.0 |] |]
            let html = Render.tensorHtml t
            Expect.stringStarts html "<table class=\"fluxion-tensor\"><caption>tensor of shape [3, 2], torch.float32</caption>" "caption"
            Expect.equal (count html "<tr>") 3 "three rows"
            Expect.equal (count html "<td>") 6 "six cells"
            Expect.stringContains html "<tr><td>1.0000</td><td>-2.5000</td></tr><tr><td>0.1250</td><td>3.0000</td></tr>" "cells in row order"

        testCase "a large 2-D tensor shows its corners and elides the middle" <| fun () ->
            let t = Fluxion.CSharp.Torch.Arange(0.0, 600.0).Reshape([| 20; 30 |])
            let html = Render.tensorHtml t
            Expect.equal (count html "<tr>") 11 "5 + elision + 5 rows"
            Expect.equal (count html "<td>") 121 "11 x 11 cells"
            Expect.stringContains html "<tr><td>0.0000</td><td>1.0000</td><td>2.0000</td><td>3.0000</td><td>4.0000</td><td>…</td><td>25.0000</td>" "first row: five, elision, last five"
            Expect.stringContains html "<td>599.0000</td></tr></table>" "the last element closes the table"

        testCase "a 1-D tensor and a parameter show PyTorch's text, escaped" <| fun () ->
            let t = Fluxion.CSharp.Torch.Tensor([| 1.0; 2.0 |])
            Expect.equal (Render.tensorText t) "tensor([1., 2.])" "PyTorch's text"
            Expect.equal (Render.tensorHtml t) "<pre class=\"fluxion-tensor\">tensor([1., 2.])</pre>" "a block with the text"
            Formatters.Register()
            let p = Parameter(tensor2 [| [| 0.5; 1.0 |] |])
            Expect.equal (p.ToDisplayString "text/plain") "Parameter containing:\ntensor([[0.5000, 1.0000]], requires_grad=True)" "parameter text"

        testCase "a module shows its repr, escaped in a block" <| fun () ->
            let m = Fluxion.CSharp.Nn.Sequential(Linear(2, 3, generator = Generator 0UL), ReLU())
            let repr = "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)"
            Expect.equal (m.ToString()) repr "PyTorch's repr"
            Expect.equal (Render.moduleHtml m) ("<pre class=\"fluxion-module\">" + repr + "</pre>") "the HTML block"
            Formatters.Register()
            Expect.equal ((m :> Module).ToDisplayString "text/plain") repr "registered text formatter"
            Expect.equal ((m :> Module).ToDisplayString "text/html") (Render.moduleHtml m) "registered HTML formatter"

        testCase "Summary(...) shows torchinfo's table" <| fun () ->
            let m = Fluxion.CSharp.Nn.Sequential(Linear(1, 3, generator = Generator 0UL), ReLU(), Linear(3, 1, generator = Generator 0UL))
            let s = Formatters.Summary(m, 1)
            let lines = s.Text.Split('\n')
            Expect.equal lines.[1] "Layer (type:depth-idx)                   Output Shape              Param #" "header row"
            Expect.stringContains s.Text "├─Linear: 1-1                            [3]                       6" "first layer row"
            Expect.stringContains s.Text "Total params: 10" "total"
            Expect.equal (Render.summaryHtml s) ("<pre class=\"fluxion-summary\">" + s.Text + "</pre>") "no character needs escaping; the block holds the table"
            Formatters.Register()
            Expect.equal (s.ToDisplayString "text/plain") s.Text "registered text formatter"

        testCase "an optimizer shows PyTorch's printout" <| fun () ->
            let m = Linear(1, 1, generator = Generator 0UL)
            let o = SGD(m.Parameters(), lr = 0.01)
            Formatters.Register()
            let text = (o :> TorchOptimizer).ToDisplayString "text/plain"
            Expect.stringStarts text "SGD (\nParameter Group 0\n" "PyTorch's header"
            Expect.stringContains text "    lr: 0.01\n" "learning rate line"
            Expect.stringContains ((o :> TorchOptimizer).ToDisplayString "text/html") "<pre class=\"fluxion-optimizer\">SGD (" "HTML block"

        testCase "figures draw inline with plotly.js inlined once per notebook and no remote script" <| fun () ->
            Render.resetPlotly ()
            let fig = Fluxion.CSharp.Plots.TrainingPairs(Fluxion.CSharp.Torch.Tensor([| 0.0; 1.0 |]), Fluxion.CSharp.Torch.Tensor([| 1.0; 2.0 |]))
            let first = Render.figureHtml fig
            let second = Render.figureHtml fig
            Expect.stringContains first (Fluxion.Plot.PlotlyJs.source ()) "the first figure carries plotly.js"
            Expect.isLessThan second.Length 100_000 "the second one does not"
            for html in [ first; second ] do
                Expect.equal (count html "class=\"plotly-figure\"") 1 "one plot div"
                Expect.equal (count html @"Plotly\.newPlot\(el, fig\.data") 1 "one draw call"
                Expect.isFalse (Regex.IsMatch(html, "<script[^>]+src=")) "no script is fetched"
                Expect.stringContains html "\"type\":\"scatter\"" "the figure's trace"
            let ids = [ for h in [ first; second ] -> Regex.Match(h, "id=\"(fluxion-figure-[0-9a-f]+-[0-9]+)\"").Groups.[1].Value ]
            Expect.notEqual ids.[0] ids.[1] "each figure has its own div id"
            Expect.stringContains second (sprintf "document.getElementById('%s')" ids.[1]) "the script draws into its own div"
            Formatters.Register()
            Expect.equal (fig.ToDisplayString "text/plain") "Figure (plotly.js) with 1 trace" "the text stand-in names the traces, not the data"

        testCase "a title cannot close the figure's script early" <| fun () ->
            let html = Render.figureJsonHtml "{\"data\":[],\"layout\":{\"title\":\"</script><b>\"}}"
            Expect.equal (count html "</script>") (count html "<script") "every script closes once"
            Expect.stringContains html "\\u003c/script>\\u003cb>" "the title's '<' is a JSON escape"

        testCase "the progress bar shows iteration, loss and elapsed time" <| fun () ->
            let p = { Iteration = 250; Iterations = 4000; Loss = 0.1918687; Elapsed = TimeSpan.FromSeconds 1.24 }
            Expect.equal (ProgressHtml.render p)
                "<div class=\"fluxion-progress\"><progress max=\"4000\" value=\"250\"></progress> <span>250/4000</span> <span>loss 0.191869</span> <span>1.2s</span></div>"
                "the bar's HTML"
            Expect.throws (fun () -> ProgressHtml.render { p with Iteration = -1 } |> ignore) "a negative iteration is refused"
    ]
