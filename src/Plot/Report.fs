namespace Fluxion.Plot

open System.IO
open System.Text
open Plotly.NET

/// One block of a notebook-like report, shown in order.
type ReportBlock =
    /// Printed output, shown monospace.
    | Text of string
    /// A section heading.
    | Heading of string
    /// A plotly figure.
    | Figure of GenericChart

/// Pure report functions: a report is a list of blocks rendered to one self-contained HTML page.
module Report =

    /// The page for the blocks: plotly.js inlined once, each figure as div "figure-N" (1-based) plus its script.
    let render (title: string) (blocks: ReportBlock list) : string =
        let mutable n = 0
        let body =
            [ yield "<h1>" + Html.escape title + "</h1>\n"
              for b in blocks do
                match b with
                | Text t -> yield Html.textBlock t
                | Heading h -> yield "<h2>" + Html.escape h + "</h2>\n"
                | Figure c ->
                    n <- n + 1
                    yield Html.figureDiv (sprintf "figure-%d" n) c ]
        Html.page title "max-width: 1000px; margin: 16px auto;" body

    let private write (path: string) (html: string) =
        if System.String.IsNullOrWhiteSpace path then
            raise (System.ArgumentException "Report.save: path is empty; give the HTML file to write")
        let full = Path.GetFullPath path
        let dir = Path.GetDirectoryName full
        if not (isNull dir) then Directory.CreateDirectory dir |> ignore
        File.WriteAllText(full, html, UTF8Encoding(false))

    /// Writes the report as one self-contained HTML file (creating its folder).
    let save (path: string) (title: string) (blocks: ReportBlock list) : unit = write path (render title blocks)

    /// The page of a single chart with no margins and no tool bar (what a screenshot of the chart should show).
    let renderFigure (chart: GenericChart) : string =
        Html.page "Figure" "margin: 0;" [ Html.figureDivWith false "figure-1" chart ]

    /// Writes a single chart as one self-contained HTML file (creating its folder).
    let saveFigure (path: string) (chart: GenericChart) : unit = write path (renderFigure chart)

/// A report built step by step (for imperative programs): blocks are kept in the order they are added.
type Report(title: string) =
    let blocks = ResizeArray<ReportBlock>()

    /// The report's title.
    member _.Title = title

    /// Appends printed text (shown monospace).
    member _.AddText(text: string) = blocks.Add(Text text)

    /// Appends a section heading.
    member _.AddHeading(text: string) = blocks.Add(Heading text)

    /// Appends a figure.
    member _.AddFigure(chart: GenericChart) = blocks.Add(Figure chart)

    /// The blocks so far, in order.
    member _.Blocks : ReportBlock[] = blocks.ToArray()

    /// The self-contained HTML page of the blocks so far.
    member this.Render() : string = Report.render title (List.ofSeq blocks)

    /// Writes the self-contained HTML page to path.
    member this.Save(path: string) : unit = Report.save path title (List.ofSeq blocks)
