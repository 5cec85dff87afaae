using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using static Unit09.Course;

namespace Unit09;

/// <summary>Cells 19–21: the training and validation novelty curves and their loaders, shared by the later cells.</summary>
public static class DataParts
{
    public static NoveltyCurveDataset TrainDs { get; private set; } = null!;
    public static NoveltyCurveDataset ValDs { get; private set; } = null!;
    public static DataLoader TrainLoader { get; private set; } = null!;
    public static DataLoader ValLoader { get; private set; } = null!;

    internal static double[][] Rows(Tensor t, int n) => Enumerable.Range(0, n).Select(i => t[i].ToDoubleArray()).ToArray();

    public static void Run(Notebook nb)
    {
        nb.Section("Example: onset detection");
        TrainDs = Novelty(200, 128, sigmaTarget: 1.0, seed: 0);
        ValDs = Novelty(100, 128, sigmaTarget: 1.0, seed: 1);
        TrainLoader = new DataLoader(TrainDs, batchSize: 32, shuffle: true);
        ValLoader = new DataLoader(ValDs, batchSize: 32, shuffle: false);
        var t = Enumerable.Range(0, 128).Select(i => (double)i).ToArray();
        nb.Show(() => SignalPlots.PairsGrid("First 24 Training Pairs (Input: gray, Target: black)", 4, 6, t,
            Rows(TrainDs.X, 24), Rows(TrainDs.Y, 24), null!, "Input", "Target", ""));
        var (x, y) = TrainDs[2];
        var xNp = x.ToDoubleArray();
        nb.Show(() => SignalPlots.IndexedSignals("Training Sample 2", new (string, string, double[])[]
            { ("input", "gray", xNp), ("target", "black", y.ToDoubleArray()), ("recursive filter", "blue", ChangeDetectorRecursive(xNp, 0.6, 1.0)) }
            .Select(p => new ValueTuple<string, string, double[]>(p.Item1, p.Item2, p.Item3))));
    }
}
