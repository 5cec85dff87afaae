namespace Fluxion.Plot

open System
open System.IO
open System.Text
open Plotly.NET

/// The plotly.js library that Plotly.NET ships inside its assembly, for offline HTML.
module PlotlyJs =

    let private load () =
        let asm = typeof<GenericChart>.Assembly
        let name =
            asm.GetManifestResourceNames()
            |> Array.tryFind (fun n -> n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal)
                                       && n.EndsWith(".min.js", StringComparison.Ordinal))
        match name with
        | None -> raise (InvalidOperationException "PlotlyJs.source: Plotly.NET's assembly carries no embedded plotly-*.min.js resource")
        | Some n ->
            use s = asm.GetManifestResourceStream n
            use r = new StreamReader(s, Encoding.UTF8)
            let text = r.ReadToEnd()
            // Inlined into a <script> element, the library must not be able to close it early.
            if text.Contains("</script", StringComparison.OrdinalIgnoreCase) then
                raise (InvalidOperationException "PlotlyJs.source: the embedded plotly.js contains '</script' and cannot be inlined")
            n.Substring("Plotly.NET.plotly-".Length).Replace(".min.js", ""), text

    let private cached = lazy (load ())

    /// The full minified plotly.js source text (about 3.6 MB).
    let source () : string = snd cached.Value

    /// The plotly.js version Plotly.NET embeds, e.g. "2.28.0".
    let version () : string = fst cached.Value

/// HTML fragments for figures and text, with deterministic ids and no external references.
module Html =

    /// Escapes &, <, >, " and ' for HTML text and attribute values.
    let escape (text: string) : string =
        if isNull text then "" else
        let sb = StringBuilder(text.Length + 16)
        for ch in text do
            match ch with
            | '&' -> sb.Append("&amp;") |> ignore
            | '<' -> sb.Append("&lt;") |> ignore
            | '>' -> sb.Append("&gt;") |> ignore
            | '"' -> sb.Append("&quot;") |> ignore
            | '\'' -> sb.Append("&#39;") |> ignore
            | c -> sb.Append(c) |> ignore
        sb.ToString()

    /// The chart as plotly JSON: {"data": [...], "layout": {...}, "config": {...}}.
    let figureJson (chart: GenericChart) : string = GenericChart.toJson chart

    let private validId (id: string) =
        not (String.IsNullOrEmpty id)
        && Char.IsLetter id.[0]
        && id |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_')

    /// A div (class "fluxion-figure") holding the plot div with this id and the script that draws it, with or
    /// without plotly's tool bar; needs plotly.js on the page. A figure that cannot be drawn shows why, in class "fluxion-plot-error".
    let figureDivWith (showModeBar: bool) (id: string) (chart: GenericChart) : string =
        if not (validId id) then
            raise (ArgumentException(sprintf "Html.figureDiv: id '%s' must start with a letter and use only ASCII letters, digits, '-' and '_'" id))
        // JSON never has '<' outside strings, so this escape keeps "</script>" in a title from ending the script.
        let json = (figureJson chart).Replace("<", "\\u003c")
        let sb = StringBuilder(json.Length + 1024)
        sb.Append("<div class=\"fluxion-figure\">\n")
          .Append("<div id=\"").Append(id).Append("\" class=\"plotly-figure\"></div>\n")
          .Append("<script type=\"text/javascript\">\n")
          .Append("(function () {\n  var fig = ").Append(json).Append(";\n")
          .Append("  var el = document.getElementById('").Append(id).Append("');\n")
          .Append("  function fail(why) { el.className += ' fluxion-plot-error'; el.textContent = 'Figure not drawn: ' + why; }\n")
          .Append("  if (typeof Plotly === 'undefined') { fail('plotly.js is not loaded'); return; }\n")
          .Append("  var config = Object.assign({}, fig.config, { displayModeBar: ").Append(if showModeBar then "'hover'" else "false").Append(" });\n")
          .Append("  try { Plotly.newPlot(el, fig.data, fig.layout, config).catch(fail); } catch (e) { fail(e); }\n")
          .Append("})();\n</script>\n</div>\n")
          .ToString()

    /// figureDivWith showing plotly's tool bar on hover (for interactive pages).
    let figureDiv (id: string) (chart: GenericChart) : string = figureDivWith true id chart

    /// A preformatted (monospace) text block with the text HTML-escaped.
    let textBlock (text: string) : string = "<pre class=\"fluxion-text\">" + escape text + "</pre>\n"

    /// A whole self-contained page: plotly.js inlined once in the head, then the body fragments in order.
    let page (title: string) (bodyStyle: string) (body: string seq) : string =
        let sb = StringBuilder(4 * 1024 * 1024)
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<title>").Append(escape title).Append("</title>\n")
          .Append("<style>\n")
          .Append("body { font-family: sans-serif; ").Append(bodyStyle).Append(" }\n")
          .Append("pre.fluxion-text { font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: 13px; ")
          .Append("background: #f6f6f6; border-left: 3px solid #bbb; padding: 8px 12px; white-space: pre; overflow-x: auto; }\n")
          .Append("div.fluxion-figure { margin: 12px 0; }\n")
          .Append("</style>\n")
          .Append("<!-- plotly.js ").Append(PlotlyJs.version ()).Append(" (MIT license), inlined so the page works offline -->\n")
          .Append("<script type=\"text/javascript\">\n").Append(PlotlyJs.source ()).Append("\n</script>\n")
          .Append("</head>\n<body>\n") |> ignore
        for part in body do sb.Append(part) |> ignore
        sb.Append("</body>\n</html>\n").ToString()
