namespace Fluxion.Interactive

open System
open System.Globalization
open System.Text
open System.Threading
open Plotly.NET
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.CSharp

/// torchinfo's table for a model, as a value a notebook displays as the table (plain text and a preformatted block).
[<Sealed>]
type ModelSummary(text: string) =
    do if isNull text then raise (ArgumentNullException("text", "ModelSummary: the table text is null"))
    /// The torchinfo table, exactly as `Nn.Summary` prints it.
    member _.Text = text
    /// The torchinfo table.
    override _.ToString() = text

/// HTML and text renderings of Fluxion values for notebooks; pure functions, unit-tested without a kernel.
module Render =

    /// Escapes text for HTML element content and attribute values.
    let escape (text: string) = Fluxion.Plot.Html.escape text

    /// A preformatted block with the given class.
    let pre (cssClass: string) (text: string) =
        sprintf "<pre class=\"%s\">%s</pre>" cssClass (escape text)

    /// Rows and columns at most shown in a 2-D tensor's table before the middle is elided (PyTorch elides past 1000 elements too).
    [<Literal>]
    let MaxRowsOrColumns = 10

    let private cell (dtype: Dtype) (v: float) =
        match dtype with
        | Dtype.Bool -> if v <> 0.0 then "True" else "False"
        | Dtype.Int64 -> (int64 v).ToString(CultureInfo.InvariantCulture)
        | _ ->
            if Double.IsNaN v then "nan"
            elif Double.IsPositiveInfinity v then "inf"
            elif Double.IsNegativeInfinity v then "-inf"
            elif v <> 0.0 && (abs v >= 1e8 || abs v < 1e-4) then v.ToString("0.0000e+00", CultureInfo.InvariantCulture)
            else v.ToString("0.0000", CultureInfo.InvariantCulture)

    /// The indices shown along an axis of length n: all of them, or the first and last half of the limit with -1 marking the elision.
    let private shown (n: int) =
        if n <= MaxRowsOrColumns then [ 0 .. n - 1 ]
        else [ 0 .. MaxRowsOrColumns / 2 - 1 ] @ [ -1 ] @ [ n - MaxRowsOrColumns / 2 .. n - 1 ]

    let private dtypeName (d: Dtype) =
        match d with
        | Dtype.Float32 -> "torch.float32"
        | Dtype.Float64 -> "torch.float64"
        | Dtype.Int64 -> "torch.int64"
        | Dtype.Bool -> "torch.bool"
        | other -> "torch." + (string other).ToLowerInvariant()

    /// PyTorch's text of a tensor (what `print(t)` shows).
    let tensorText (t: Tensor) = t.ToString()

    /// A 2-D tensor as a compact table (captioned with its shape, dtype and whether it requires grad; at most
    /// MaxRowsOrColumns rows and columns, the middle elided with "…"); any other rank as PyTorch's text in a block.
    let tensorHtml (t: Tensor) : string =
        if isNull (box t) then raise (ArgumentNullException("t", "Render.tensorHtml: the tensor is null"))
        if t.Dim <> 2 then pre "fluxion-tensor" (tensorText t) else
        let rows, cols = t.Shape.[0], t.Shape.[1]
        let values = t.Detach().ToDoubleArray()
        let sb = StringBuilder()
        sb.Append("<table class=\"fluxion-tensor\">")
          .Append("<caption>tensor of shape [").Append(rows).Append(", ").Append(cols).Append("], ")
          .Append(dtypeName t.Dtype)
          .Append(if t.RequiresGrad then ", requires_grad=True" else "")
          .Append("</caption>") |> ignore
        for i in shown rows do
            sb.Append("<tr>") |> ignore
            for j in shown cols do
                let text = if i < 0 || j < 0 then "…" else cell t.Dtype values.[i * cols + j]
                sb.Append("<td>").Append(text).Append("</td>") |> ignore
            sb.Append("</tr>") |> ignore
        sb.Append("</table>").ToString()

    /// A module's repr (PyTorch's printout of the module tree) in a block.
    let moduleHtml (m: Module) = pre "fluxion-module" (m.ToString())

    /// An optimizer's PyTorch printout in a block.
    let optimizerHtml (o: TorchOptimizer) = pre "fluxion-optimizer" (o.ToString())

    /// A torchinfo table in a block.
    let summaryHtml (s: ModelSummary) = pre "fluxion-summary" s.Text

    /// Whether the plotly.js library has been sent to the current notebook (sent with the first figure only).
    let private plotlySent = ref 0
    let private figureCount = ref 0

    /// Forgets that plotly.js was sent (a restarted kernel is a new page): the next figure carries it again.
    let resetPlotly () = Interlocked.Exchange(plotlySent, 0) |> ignore

    /// The script element defining `Plotly`, inlined (no network); define-less so that a page with require.js
    /// (classic Jupyter) still gets the global.
    let plotlyScript () =
        "<script type=\"text/javascript\">(function () { var define = undefined; "
        + Fluxion.Plot.PlotlyJs.source ()
        + "\n})();</script>\n"

    /// Plotly JSON ({"data", "layout", "config"}) as a div that draws itself; plotly.js itself is inlined before
    /// the first figure of the notebook only. A figure that cannot be drawn says why (class "fluxion-plot-error").
    let figureJsonHtml (json: string) : string =
        if String.IsNullOrWhiteSpace json then raise (ArgumentException("Render.figureJsonHtml: the figure JSON is empty", "json"))
        let id = sprintf "fluxion-figure-%s-%d" (Guid.NewGuid().ToString("N").Substring(0, 8)) (Interlocked.Increment figureCount)
        let lib = if Interlocked.Exchange(plotlySent, 1) = 0 then plotlyScript () else ""
        // JSON has '<' only inside strings, where \u003c means the same: a title cannot end the script early.
        let safe = json.Replace("<", "\\u003c")
        let sb = StringBuilder(lib.Length + safe.Length + 1024)
        sb.Append(lib)
          .Append("<div class=\"fluxion-figure\"><div id=\"").Append(id).Append("\" class=\"plotly-figure\"></div>\n")
          .Append("<script type=\"text/javascript\">\n(function () {\n  var fig = ").Append(safe).Append(";\n")
          .Append("  var el = document.getElementById('").Append(id).Append("');\n")
          .Append("  function fail(why) { el.className += ' fluxion-plot-error'; el.textContent = 'Figure not drawn: ' + why; }\n")
          .Append("  if (typeof Plotly === 'undefined') { fail('plotly.js is not loaded'); return; }\n")
          .Append("  try { Plotly.newPlot(el, fig.data, fig.layout, fig.config).catch(fail); } catch (e) { fail(e); }\n")
          .Append("})();\n</script></div>\n")
          .ToString()

    /// The plain-text stand-in of a figure (a front end that cannot run scripts shows it): how many traces it draws.
    let figureText (json: string) : string =
        use doc = System.Text.Json.JsonDocument.Parse json
        let traces =
            match doc.RootElement.TryGetProperty "data" with
            | true, data when data.ValueKind = System.Text.Json.JsonValueKind.Array -> data.GetArrayLength()
            | _ -> 0
        sprintf "Figure (plotly.js) with %d trace%s" traces (if traces = 1 then "" else "s")

    /// A Plotly.NET chart (e.g. from Fluxion.Plot.Figures) as a div that draws itself (see figureJsonHtml).
    let chartHtml (chart: GenericChart) : string =
        if isNull (box chart) then raise (ArgumentNullException("chart", "Render.chartHtml: the chart is null"))
        figureJsonHtml (GenericChart.toJson chart)

    /// A Fluxion figure (the C# `Figure`) as a div that draws itself (see figureJsonHtml).
    let figureHtml (f: Figure) : string =
        if isNull f then raise (ArgumentNullException("f", "Render.figureHtml: the figure is null"))
        figureJsonHtml (f.ToJson())
