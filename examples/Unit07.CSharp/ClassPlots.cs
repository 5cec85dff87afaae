using Fluxion;
using Fluxion.CSharp;

namespace Unit07;

/// <summary>The unit's figures (libpcpt.unit07's plots) and the accuracy its decision-region plot computes.</summary>
public static class ClassPlots
{
    /// <summary>100 · (argmax(model(X)) == Y).sum() / len(Y), as plot_decision_boundary and exercise 4 compute it.</summary>
    public static double Accuracy(Fluxion.Nn.Module model, float[][] points, long[] labels)
    {
        using var _ = Torch.NoGrad();
        var preds = model.Call(Torch.Tensor(points)).ArgMax(1).ToArray();
        long correct = 0;
        for (int i = 0; i < labels.Length; i++) if ((long)preds[i] == labels[i]) correct++;
        return 100.0 * correct / labels.Length;
    }

    public static Figure? Pairs24(double[] t, double[][] x, double[][] y) => null;
    public static Figure? ClassDistribution(string[] classNames, long[] counts) => null;
    public static Figure? ConfusionMatrix(long[] yTrue, long[] yPred, string[] classNames, string title) => null;
    public static Figure? SignedDistance(Fluxion.Nn.Module model, Tensor x, Tensor y, double[][] meta, double[] bins) => null;
    public static Figure? OutOfRange(double[] t, double[][] x, double[] freqs, long[] preds, float[][] probs, string title) => null;
    public static Figure? BceCurves(double[] p, double[] lossY1, double[] lossY0) => null;
    public static Figure? PointCloud(float[][] points, long[] labels, string title) => null;
    public static Figure? DecisionRegions(Fluxion.Nn.Module model, float[][] points, long[] labels, string title) => null;
}
