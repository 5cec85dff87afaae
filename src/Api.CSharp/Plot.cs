using Fluxion.Plot;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace Fluxion.CSharp;

/// <summary>A chart (Plotly.NET underneath) that can be saved as self-contained HTML or PNG.</summary>
public sealed class Figure
{
    internal GenericChart Chart { get; }
    internal Figure(GenericChart chart) => Chart = chart;
    /// <summary>The figure as a self-contained HTML page (plotly.js inlined, works offline).</summary>
    public string ToHtml() => ReportModule.renderFigure(Chart);
    /// <summary>Writes the figure as a self-contained HTML file.</summary>
    public void SaveHtml(string path) => ReportModule.saveFigure(path, Chart);
    /// <summary>Writes a PNG made by headless Chromium (Debian package <c>chromium</c>); throws a clear error when it is missing.</summary>
    public void SavePng(string path, int width = 900, int height = 600) => PngExport.saveChart(path, width, height, Chart);
    /// <summary>The Plotly JSON of the figure (data and layout).</summary>
    public string ToJson() => Html.figureJson(Chart);
}

/// <summary>The course unit's figures, from tensors.</summary>
public static class Plots
{
    private static double[] D(Tensor t) => t.Detach().Cast(Dtype.Float64).ToDoubleArray();

    /// <summary>Training pairs as points, optionally with a learned curve (red line).</summary>
    public static Figure TrainingPairs(Tensor x, Tensor y, Tensor? curveX = null, Tensor? curveY = null)
    {
        var curve = curveX is null || curveY is null
            ? FSharpOption<Tuple<double[], double[]>>.None
            : FSharpOption<Tuple<double[], double[]>>.Some(Tuple.Create(D(curveX), D(curveY)));
        return new Figure(Figures.trainingPairs(D(x), D(y), curve));
    }

    /// <summary>Training pairs with the polynomial a + b·x + c·x² on linspace(0, 2, 100).</summary>
    public static Figure PolynomialFit(Tensor x, Tensor y, double a, double b, double c)
    {
        var grid = D(Torch.Linspace(0, 2, 100));
        var curve = Figures.polynomialCurve(a, b, c, grid);
        return new Figure(Figures.trainingPairs(D(x), D(y), FSharpOption<Tuple<double[], double[]>>.Some(curve)));
    }

    /// <summary>Training pairs with a model's output on linspace(0, 2, 100).</summary>
    public static Figure ModelFit(Tensor x, Tensor y, Func<Tensor, Tensor> model, double start = 0, double end = 2)
    {
        var grid = Torch.Linspace(start, end, 100);
        Tensor curve;
        using (Torch.NoGrad()) curve = model(grid.Unsqueeze(1)).Squeeze(1);
        return TrainingPairs(x, y, grid, curve);
    }

    /// <summary>The 2×2 grid of ReLU, Sigmoid, Tanh and Leaky ReLU on [-5, 5].</summary>
    public static Figure ActivationFunctions(double leakySlope = 0.1)
    {
        var x = Torch.Linspace(-5, 5, 400);
        return new Figure(Figures.activationGridWithSlope(leakySlope, D(x), D(x.Relu()), D(x.Sigmoid()), D(x.Tanh()), D(x.LeakyRelu(leakySlope))));
    }

    /// <summary>Data points and a fitted curve with a title.</summary>
    public static Figure CurveFit(Tensor dataX, Tensor dataY, Tensor curveX, Tensor curveY, string title) =>
        new Figure(Figures.curveFit(D(dataX), D(dataY), D(curveX), D(curveY), title));

    /// <summary>The Himmelblau heatmap (log colour scale) with optimizer trajectories from one start.</summary>
    public static Figure Himmelblau(IEnumerable<(string Name, double[] U, double[] V)> trajectories, double startU, double startV)
    {
        var list = ListModule.OfSeq(trajectories.Select(t => Tuple.Create(t.Name, t.U, t.V)));
        return new Figure(Figures.himmelblauContours(list, startU, startV));
    }

    /// <summary>Loss curves on a log scale.</summary>
    public static Figure LossCurves(IEnumerable<(string Name, double[] Losses)> series) =>
        new Figure(Figures.lossCurve(ListModule.OfSeq(series.Select(s => Tuple.Create(s.Name, s.Losses)))));
}

/// <summary>A notebook-like HTML report: text blocks and figures in order, plotly.js included once.</summary>
public sealed class Report
{
    private readonly Fluxion.Plot.Report report;
    /// <summary>A new report with a title.</summary>
    public Report(string title) => report = new Fluxion.Plot.Report(title);
    /// <summary>Adds monospace text (a printed block).</summary>
    public void AddText(string text) => report.AddText(text);
    /// <summary>Adds a heading.</summary>
    public void AddHeading(string text) => report.AddHeading(text);
    /// <summary>Adds a figure.</summary>
    public void AddFigure(Figure figure) => report.AddFigure(figure.Chart);
    /// <summary>The page as HTML.</summary>
    public string Render() => report.Render();
    /// <summary>Writes one self-contained HTML file.</summary>
    public void Save(string path) => report.Save(path);
}
