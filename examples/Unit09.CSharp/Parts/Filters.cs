using Fluxion;
using Fluxion.CSharp;
using static Unit09.Course;

namespace Unit09;

/// <summary>Cells 5–15: four recursive filters, then the change detector realised by an nn.RNN.</summary>
public static class Filters
{
    /// <summary>plot_io: input and output of a filter over the sample index.</summary>
    internal static Figure Io(string title, double[] x, double[] y) =>
        SignalPlots.IndexedSignals(title, new ValueTuple<string, string, double[]>[] { ("x (input)", "gray", x), ("y (output)", "black", y) });

    public static void Run(Notebook nb)
    {
        nb.Section("Introduction to recursive filters");
        var xEcho = new double[] { 1, 0, 0, 0, 0, 0, 0 };
        var xSmooth = new double[] { 1, 2, 3, 10, 3, 2, 1 };
        var xChange = new double[] { 0, 0, 3, 3, 3, 0, 0 };
        var xSum = new double[] { 1, 0, 0, 2, 0, 0, 1 };
        int lengthOut = 12;
        nb.Show(() => Io("Echo", xEcho, Echo(xEcho, 3, 0.6, lengthOut)));
        nb.Show(() => Io("Smoothing", xSmooth, Smoothing(xSmooth, 0.5, lengthOut)));
        nb.Show(() => Io("Change Detector", xChange, ChangeDetectorRecursive(xChange, 0.6, 1.0, lengthOut)));
        nb.Show(() => Io("Running Sum with Decay", xSum, RunningSumDecay(xSum, 0.8, lengthOut)));

        nb.Section("Relationship between RNNs and recursive filters");
        var x = new double[] { 0, 0, 3, 3, 3, 0, 0 };
        var xTorch = Torch.FromArray(x.Select(v => (float)v).ToArray(), 1, x.Length, 1);
        double rInit = 0.6, kInit = 1.0, alpha = 0.01;
        var model = new ChangeDetectorRNN(k: kInit, r: rInit, alpha: alpha, batchFirst: true);
        double[] yPred;
        using (Torch.NoGrad())
            yPred = model.Call(xTorch).Squeeze(0).Squeeze(-1).ToDoubleArray();
        var yRef = ChangeDetectorRecursive(x, rInit, kInit);
        nb.Print("PyTorch RNN output y_pred:");
        nb.Print("[" + string.Join(", ", yPred.Select(v => F(v, 4))) + "]");
        nb.Print("\nReference recursion y_ref:");
        nb.Print("[" + string.Join(", ", yRef.Select(v => F(v, 4))) + "]");
        double maxDiff = yPred.Zip(yRef, (a, b) => Math.Abs(a - b)).Max();
        nb.Print($"\nMax abs. difference: {Fluxion.Printing.PyFormat.toSci(4, maxDiff)}");
        nb.Show(() => SignalPlots.IndexedSignals("Change detector: RNN vs. recursion",
            new ValueTuple<string, string, double[]>[] { ("x", "gray", x), ("RNN y_pred", "red", yPred), ("recursion y_ref", "blue", yRef) }));
    }
}
