using Fluxion;
using Fluxion.CSharp;

namespace Unit07;

/// <summary>libpcpt.unit07's plots for the report (the data they show computed as the course's helpers compute them).</summary>
public static class ClassPlots
{
    private static readonly string Sine = "#1f77b4", Square = "#d62728";

    /// <summary>100 · (argmax(model(X)) == Y).sum() / len(Y), as plot_decision_boundary and exercise 4 compute it.</summary>
    public static double Accuracy(Fluxion.Nn.Module model, float[][] points, long[] labels)
    {
        using var _ = Torch.NoGrad();
        var preds = model.Call(Torch.Tensor(points)).ArgMax(1).ToArray();
        long correct = 0;
        for (int i = 0; i < labels.Length; i++) if ((long)preds[i] == labels[i]) correct++;
        return 100.0 * correct / labels.Length;
    }

    /// <summary>visualize_pairs_24: the first 24 signals, sine in blue and square in red, with their frequency.</summary>
    public static Figure Pairs24(double[] t, double[][] x, double[][] y) =>
        ClassificationPlots.SignalGrid("First 24 Signals (class 0: sine, class 1: square)", 4, 6, t, x.Take(24).ToArray(),
            y.Take(24).Select((row, i) => $"{i}: {(row[0] == 0 ? "sine" : "square")}, {row[1]:F2} Hz").ToArray(),
            y.Take(24).Select(row => row[0] == 0 ? Sine : Square).ToArray());

    public static Figure ClassDistribution(string[] classNames, long[] counts) =>
        ClassificationPlots.ClassDistribution(classNames.Select((n, i) => $"{i}: {n}").ToArray(), counts.Select(c => (double)c).ToArray());

    public static Figure ConfusionMatrix(long[] yTrue, long[] yPred, string[] classNames, string title) =>
        ClassificationPlots.ConfusionMatrix(yTrue, yPred, classNames, title);

    /// <summary>plot_signed_distance_vs_frequency: the signed distance to the nearest inner bin edge, wrong predictions marked.</summary>
    public static Figure SignedDistance(Fluxion.Nn.Module model, Tensor x, Tensor y, double[][] meta, double[] bins)
    {
        model.Eval();
        float[] preds;
        using (Torch.NoGrad()) preds = model.Call(x).ArgMax(1).ToArray();
        var targets = y.ToArray();
        var boundaries = bins.Skip(1).Take(bins.Length - 2).ToArray();
        var freqs = meta.Select(row => row[1]).ToArray();
        var dist = freqs.Select(f => boundaries.Select(b => f - b).MinBy(Math.Abs)).ToArray();
        var wrong = preds.Select((p, i) => p != targets[i]).ToArray();
        return ClassificationPlots.SignedDistance(freqs, dist, wrong);
    }

    /// <summary>visualize_out_of_range_predictions: each signal with its predicted class and that class's probability.</summary>
    public static Figure OutOfRange(double[] t, double[][] x, double[] freqs, long[] preds, float[][] probs, string title) =>
        ClassificationPlots.SignalGrid(title, 2, 4, t, x,
            freqs.Select((f, i) => $"{f} Hz -> class {preds[i]} (p = {probs[i][preds[i]]:F2})").ToArray(),
            freqs.Select(_ => "black").ToArray());

    public static Figure BceCurves(double[] p, double[] lossY1, double[] lossY0) =>
        ClassificationPlots.Curves("Binary Cross-Entropy Loss", "Predicted probability p", "Loss", p, new[]
        {
            ("y = 1: -log(p)", "#1f77b4", lossY1), ("y = 0: -log(1 - p)", "#d62728", lossY0),
        });

    public static Figure PointCloud(float[][] points, long[] labels, string title) =>
        ClassificationPlots.PointCloud(title, points.Select(p => (double)p[0]).ToArray(), points.Select(p => (double)p[1]).ToArray(), labels);

    /// <summary>plot_decision_boundary: the argmax class on a 300 × 300 grid one unit beyond the points, accuracy in the title.</summary>
    public static Figure DecisionRegions(Fluxion.Nn.Module model, float[][] points, long[] labels, string title)
    {
        model.Eval();
        double accuracy = Accuracy(model, points, labels);
        var xs = points.Select(p => (double)p[0]).ToArray();
        var ys = points.Select(p => (double)p[1]).ToArray();
        var gx = NumPy.Linspace(xs.Min() - 1, xs.Max() + 1, 300);
        var gy = NumPy.Linspace(ys.Min() - 1, ys.Max() + 1, 300);
        var grid = gy.SelectMany(v => gx.Select(u => new[] { (float)u, (float)v })).ToArray();
        float[] cls;
        using (Torch.NoGrad()) cls = model.Call(Torch.Tensor(grid)).ArgMax(1).ToArray();
        return ClassificationPlots.DecisionRegions($"{title} (Accuracy: {accuracy:F2}%)", gx, gy, cls.Select(c => (long)c).ToArray(), xs, ys, labels);
    }
}
