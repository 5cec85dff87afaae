module PlotReportTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto
open Fluxion.Plot

let countOf (text: string) (part: string) =
    let mutable n = 0
    let mutable i = text.IndexOf(part, StringComparison.Ordinal)
    while i >= 0 do
        n <- n + 1
        i <- text.IndexOf(part, i + part.Length, StringComparison.Ordinal)
    n

let sampleBlocks () =
    [ Heading "Unit 5"
      Text "Iteration 1000 | Loss = 0.191869\n<b>tags</b> & \"quotes\""
      Figure (PlotData.trainingFigure ())
      Figure (PlotData.activationFigure ())
      Text "between figures"
      Figure (PlotData.himmelblauFigure ()) ]

// Rendering a page with the 400x400 heatmap costs about a second, so the tests share one.
let private sampleHtml = lazy (Report.render "Unit 5 <draft>" (sampleBlocks ()))

[<Tests>]
let tests =
    testList "Plot.Report" [
        testCase "the embedded plotly.js is found and is the real library" <| fun () ->
            Expect.equal (PlotlyJs.version ()) "2.28.0" "Plotly.NET 6.0.0 embeds plotly.js 2.28.0"
            Expect.isGreaterThan (PlotlyJs.source ()).Length 1_000_000 "full minified source"
            Expect.stringContains (PlotlyJs.source ()) "newPlot" "defines Plotly.newPlot"

        testCase "a report inlines plotly.js exactly once and loads nothing from the network" <| fun () ->
            let html = sampleHtml.Value
            Expect.equal (countOf html (PlotlyJs.source ())) 1 "plotly.js inlined once"
            let srcs = Regex.Matches(html, "<script[^>]*\\bsrc\\s*=", RegexOptions.IgnoreCase)
            Expect.equal srcs.Count 0 "no <script src=...> at all"
            Expect.isFalse (Regex.IsMatch(html, "src\\s*=\\s*[\"']?https?://", RegexOptions.IgnoreCase)) "no http(s) sources"
            Expect.isFalse (Regex.IsMatch(html, "<link[^>]*href\\s*=\\s*[\"']?https?://", RegexOptions.IgnoreCase)) "no remote stylesheets"

        testCase "a report has one plot div per figure, in block order, with the text escaped" <| fun () ->
            let html = sampleHtml.Value
            Expect.equal (countOf html "class=\"plotly-figure\"") 3 "three plot divs"
            let ids = [ for m in Regex.Matches(html, "<div id=\"(figure-\\d+)\" class=\"plotly-figure\"") -> m.Groups.[1].Value ]
            Expect.equal ids [ "figure-1"; "figure-2"; "figure-3" ] "deterministic ids in order"
            Expect.equal (countOf html "document.getElementById('figure-") 3 "one draw script per figure"
            Expect.equal (countOf html "Plotly.newPlot(el") 3 "one draw call per figure"
            Expect.stringContains html "<pre class=\"fluxion-text\">Iteration 1000 | Loss = 0.191869\n&lt;b&gt;tags&lt;/b&gt; &amp; &quot;quotes&quot;</pre>" "escaped monospace text"
            Expect.stringContains html "<title>Unit 5 &lt;draft&gt;</title>" "escaped title"
            let pos (s: string) = html.IndexOf(s, StringComparison.Ordinal)
            Expect.isLessThan (pos "Loss = 0.191869") (pos "id=\"figure-1\"") "text before first figure"
            Expect.isLessThan (pos "id=\"figure-2\"") (pos "between figures") "text between figures"
            Expect.isLessThan (pos "between figures") (pos "id=\"figure-3\"") "text between figures"

        testCase "rendering is deterministic" <| fun () ->
            let blocks () = [ Text "t"; Figure (PlotData.lossFigure ()); Figure (PlotData.capacityFigure ()) ]
            Expect.equal (Report.render "r" (blocks ())) (Report.render "r" (blocks ())) "same page twice"

        testCase "a title containing </script> cannot break out of the figure script" <| fun () ->
            let c = Figures.curveFit [| 1.0 |] [| 1.0 |] [| 1.0 |] [| 1.0 |] "</script><script>alert(1)</script>"
            let div = Html.figureDiv "f1" c
            Expect.equal (countOf div "</script>") 1 "only the closing tag of the figure script"

        testCase "figureDiv rejects ids that are not plain identifiers" <| fun () ->
            let c = Figures.lossCurve [ "a", [| 1.0 |] ]
            Expect.throwsT<ArgumentException> (fun () -> Html.figureDiv "x' onload='1" c |> ignore) "bad id"

        testCase "the Report object keeps blocks in order and saves the same page as the pure functions" <| fun () ->
            let r = Report("Run")
            r.AddText "hello"
            r.AddFigure(PlotData.lossFigure ())
            r.AddHeading "end"
            Expect.equal r.Blocks.Length 3 "three blocks"
            match List.ofArray r.Blocks with
            | [ Text "hello"; Figure _; Heading "end" ] -> ()
            | other -> failtestf "unexpected blocks %A" other
            let dir = Directory.CreateTempSubdirectory("fluxion-report-")
            try
                let path = Path.Combine(dir.FullName, "sub", "unit05.html")
                r.Save path
                Expect.equal (File.ReadAllText path) (Report.render "Run" (List.ofArray r.Blocks)) "saved page = rendered page"
            finally dir.Delete true

        testCase "saveFigure writes one self-contained chart page" <| fun () ->
            let dir = Directory.CreateTempSubdirectory("fluxion-figure-")
            try
                let path = Path.Combine(dir.FullName, "loss.html")
                Report.saveFigure path (PlotData.lossFigure ())
                let html = File.ReadAllText path
                Expect.equal (countOf html "class=\"plotly-figure\"") 1 "one plot div"
                Expect.equal (countOf html (PlotlyJs.source ())) 1 "plotly.js once"
                Expect.isFalse (Regex.IsMatch(html, "<script[^>]*\\bsrc\\s*=", RegexOptions.IgnoreCase)) "no script src"
            finally dir.Delete true
    ]
