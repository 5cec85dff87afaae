// The C#-friendly face of Fluxion.Plot: tensors in, a Figure out. It lives in the facade's namespace so a C#
// program that references the Fluxion.Plot package finds Plots, Figure and Report with its `using Fluxion.CSharp;`,
// while Fluxion.CSharp itself stays free of Plotly.NET.
namespace Fluxion.CSharp

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open Plotly.NET
open Fluxion

/// <summary>A chart (Plotly.NET underneath) that can be saved as self-contained HTML or PNG.</summary>
[<Sealed; AllowNullLiteral>]
type Figure internal (chart: GenericChart) =
    member internal _.Chart = chart
    /// <summary>The figure as a self-contained HTML page (plotly.js inlined, works offline).</summary>
    member _.ToHtml() : string = Fluxion.Plot.Report.renderFigure chart
    /// <summary>Writes the figure as a self-contained HTML file.</summary>
    member _.SaveHtml(path: string) : unit = Fluxion.Plot.Report.saveFigure path chart
    /// <summary>Writes a PNG made by headless Chromium (Debian package <c>chromium</c>); throws a clear error when it is missing.</summary>
    member _.SavePng(path: string, [<Optional; DefaultParameterValue(900)>] width: int, [<Optional; DefaultParameterValue(600)>] height: int) : unit =
        Fluxion.Plot.PngExport.saveChart path width height chart
    /// <summary>The Plotly JSON of the figure (data and layout).</summary>
    member _.ToJson() : string = Fluxion.Plot.Html.figureJson chart

/// <summary>The course unit's figures, from tensors.</summary>
[<AbstractClass; Sealed>]
type Plots private () =
    static let values (t: Tensor) : float[] =
        if isNull (box t) then nullArg "tensor"
        t.Detach().Cast(Dtype.Float64).ToDoubleArray()

    static let onGrid (start: float) (stop: float) = Tensor.linspace start stop 100

    /// <summary>Training pairs as points.</summary>
    static member TrainingPairs(x: Tensor, y: Tensor) : Figure =
        Figure(Fluxion.Plot.Figures.trainingPairs (values x) (values y) None)

    /// <summary>Training pairs as points with a learned curve (red line).</summary>
    static member TrainingPairs(x: Tensor, y: Tensor, curveX: Tensor, curveY: Tensor) : Figure =
        Figure(Fluxion.Plot.Figures.trainingPairs (values x) (values y) (Some(values curveX, values curveY)))

    /// <summary>Training pairs with the polynomial a + b·x + c·x² on linspace(0, 2, 100).</summary>
    static member PolynomialFit(x: Tensor, y: Tensor, a: float, b: float, c: float) : Figure =
        let curve = Fluxion.Plot.Figures.polynomialCurve a b c (values (onGrid 0.0 2.0))
        Figure(Fluxion.Plot.Figures.trainingPairs (values x) (values y) (Some curve))

    /// <summary>Training pairs with a model's output on linspace(start, end, 100) (0 to 2 by default).</summary>
    static member ModelFit(x: Tensor, y: Tensor, model: Func<Tensor, Tensor>,
                           [<Optional; DefaultParameterValue(0.0)>] start: float,
                           [<Optional; DefaultParameterValue(2.0)>] ``end``: float) : Figure =
        if isNull model then nullArg (nameof model)
        let grid = onGrid start ``end``
        let curve =
            use _ = GradMode.NoGrad()
            model.Invoke(Tensor.unsqueeze 1 grid) |> Tensor.squeezeDim 1
        Plots.TrainingPairs(x, y, grid, curve)

    /// <summary>The 2×2 grid of ReLU, Sigmoid, Tanh and Leaky ReLU on [-5, 5].</summary>
    static member ActivationFunctions([<Optional; DefaultParameterValue(0.1)>] leakySlope: float) : Figure =
        let x = Tensor.linspace -5.0 5.0 400
        Figure(Fluxion.Plot.Figures.activationGridWithSlope leakySlope (values x) (values (Tensor.relu x)) (values (Tensor.sigmoid x))
                                                             (values (Tensor.tanh x)) (values (Tensor.leakyRelu leakySlope x)))

    /// <summary>Data points and a fitted curve with a title.</summary>
    static member CurveFit(dataX: Tensor, dataY: Tensor, curveX: Tensor, curveY: Tensor, title: string) : Figure =
        Figure(Fluxion.Plot.Figures.curveFit (values dataX) (values dataY) (values curveX) (values curveY) title)

    /// <summary>The Himmelblau heatmap (log colour scale) with optimizer trajectories from one start.</summary>
    static member Himmelblau(trajectories: IEnumerable<struct (string * float[] * float[])>, startU: float, startV: float) : Figure =
        if isNull trajectories then nullArg (nameof trajectories)
        let list = [ for struct (name, u, v) in trajectories -> name, u, v ]
        Figure(Fluxion.Plot.Figures.himmelblauContours list (startU, startV))

    /// <summary>A centred (N, 2) point cloud with each eigenvector (a column of <paramref name="eigenvectors"/>) scaled by the square root of its eigenvalue, drawn from the origin.</summary>
    static member PrincipalDirections(points: Tensor, eigenvalues: Tensor, eigenvectors: Tensor) : Figure =
        let p = values points
        if p.Length % 2 <> 0 then invalidArg (nameof points) "Plots.PrincipalDirections: points must have shape (N, 2)"
        let lam = values eigenvalues
        let v = values eigenvectors
        if v.Length <> 2 * lam.Length then
            invalidArg (nameof eigenvectors) (sprintf "Plots.PrincipalDirections: eigenvectors must be (2, %d) for %d eigenvalues" lam.Length lam.Length)
        let k = lam.Length
        let dirs = [ for i in 0 .. k - 1 -> let s = sqrt lam.[i] in v.[i] * s, v.[k + i] * s ]
        Figure(Fluxion.Plot.Figures.principalDirections (Array.init (p.Length / 2) (fun i -> p.[2 * i])) (Array.init (p.Length / 2) (fun i -> p.[2 * i + 1])) dirs)

    /// <summary>Loss curves on a log scale.</summary>
    static member LossCurves(series: IEnumerable<struct (string * float[])>) : Figure =
        if isNull series then nullArg (nameof series)
        Figure(Fluxion.Plot.Figures.lossCurve [ for struct (name, losses) in series -> name, losses ])

/// <summary>A notebook-like HTML report: text blocks and figures in order, plotly.js included once.</summary>
[<Sealed>]
type Report(title: string) =
    let report = Fluxion.Plot.Report(title)
    /// <summary>Adds monospace text (a printed block).</summary>
    member _.AddText(text: string) : unit = report.AddText text
    /// <summary>Adds a heading.</summary>
    member _.AddHeading(text: string) : unit = report.AddHeading text
    /// <summary>Adds a figure.</summary>
    member _.AddFigure(figure: Figure) : unit =
        if isNull figure then nullArg (nameof figure)
        report.AddFigure figure.Chart
    /// <summary>The page as HTML.</summary>
    member _.Render() : string = report.Render()
    /// <summary>Writes one self-contained HTML file.</summary>
    member _.Save(path: string) : unit = report.Save path
