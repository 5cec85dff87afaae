using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Optim;
using static Unit09.Course;

namespace Unit09;

/// <summary>Cells 23–25: the change-detector RNN evaluated, then trained with MSE and Adam.</summary>
public static class MseTraining
{
    public static void Run(Notebook nb)
    {
        nb.Section("RNN training");
        double alpha = 0.1, rInit = 0.6, kInit = 1.0;
        var model = new ChangeDetectorRNN(k: kInit, r: rInit, alpha: alpha, batchFirst: true);
        var lossFn = Nn.MSELoss();
        double trainLoss = EvaluateModelLoader(model, DataParts.TrainLoader, lossFn);
        double valLoss = EvaluateModelLoader(model, DataParts.ValLoader, lossFn);
        nb.Print($"Initial loss evaluation | Train Loss: {F(trainLoss, 4)} | Val Loss: {F(valLoss, 4)}");
        var (xFix, yFix) = DataParts.TrainDs[2];
        var xFixNp = xFix.ToDoubleArray();
        var yFixNp = yFix.ToDoubleArray();
        var yFixRef = ChangeDetectorRecursive(xFixNp, rInit, kInit);
        double[] yFixPred;
        using (Torch.NoGrad())
            yFixPred = model.Call(xFix.Unsqueeze(0)).ToDoubleArray();
        nb.Show(() => SignalPlots.IndexedSignals("Training Sample 2", new ValueTuple<string, string, double[]>[]
            { ("input", "gray", xFixNp), ("target", "black", yFixNp), ("RNN prediction", "red", yFixPred), ("recursive filter", "blue", yFixRef) }));

        model = new ChangeDetectorRNN(k: kInit, r: rInit, alpha: alpha, batchFirst: true);
        lossFn = Nn.MSELoss();
        var opt = new Adam(model.Parameters(), lr: 0.002);
        var snapshots = new List<(int Epoch, double[] Pred)>();
        var trainCurve = new List<double>();
        var valCurve = new List<double>();
        int epochs = 30;
        using var progress = TrainingBar.Start("mse: ChangeDetectorRNN", epochs);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            model.Train();
            double total = 0.0;
            int count = 0;
            foreach (var (xb, yb) in DataParts.TrainLoader)
            {
                opt.ZeroGrad();
                var loss = lossFn.Invoke(model.Call(xb), yb);
                loss.Backward();
                opt.Step();
                total += loss.Item() * xb.Size(0);
                count += xb.Size(0);
            }
            trainLoss = total / Math.Max(count, 1);
            valLoss = EvaluateModelLoader(model, DataParts.ValLoader, lossFn);
            trainCurve.Add(trainLoss);
            valCurve.Add(valLoss);
            progress.Report(epoch, trainLoss);
            if (epoch % 10 == 0 || epoch == 1 || epoch == epochs)
            {
                nb.Print($"Epoch {epoch,2} | Train Loss: {F(trainLoss, 4)} | Val Loss: {F(valLoss, 4)}");
                model.Eval();
                using (Torch.NoGrad())
                    snapshots.Add((epoch, model.Call(xFix.Unsqueeze(0)).ToDoubleArray()));
            }
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("train loss (MSE)", trainCurve.ToArray()), ("validation loss (MSE)", valCurve.ToArray()) }));
        Snapshots(nb, "Training Sample 2", xFixNp, yFixNp, snapshots);
    }

    /// <summary>plot_prediction_examples: one panel per reported epoch (input, target, prediction), two columns.</summary>
    internal static void Snapshots(Notebook nb, string title, double[] x, double[] y, List<(int Epoch, double[] Pred)> snaps)
    {
        if (!nb.WantsFigures || snaps.Count == 0) return;
        int cols = 2, rows = (snaps.Count + cols - 1) / cols;
        var t = Enumerable.Range(0, x.Length).Select(i => (double)i).ToArray();
        var n = rows * cols;
        // An odd count leaves the last panel showing the last snapshot again, as the grid needs full rows.
        var pick = Enumerable.Range(0, n).Select(k => snaps[Math.Min(k, snaps.Count - 1)]).ToArray();
        string epochs = string.Join(", ", snaps.Select(s => s.Epoch));
        nb.Show(() => SignalPlots.PairsGrid($"{title}: predictions after epochs {epochs}", rows, cols, t,
            pick.Select(_ => x).ToArray(), pick.Select(_ => y).ToArray(), pick.Select(s => s.Pred).ToArray(),
            "Input", "Target", "Prediction"));
    }
}

/// <summary>Cells 28–30: a bidirectional tanh RNN trained with class-weighted BCEWithLogitsLoss and gradient clipping.</summary>
public static class BceTraining
{
    /// <summary>The trained model, for the evaluation cells 33–39.</summary>
    public static SimpleTanhRNN Model { get; private set; } = null!;
    /// <summary>The last test set of cell 30 (extreme test conditions).</summary>
    public static NoveltyCurveDataset TestDs { get; private set; } = null!;

    /// <summary>train_SimpleTanhRNN (cell 28) and, with PRF settings, exercise 3's train_SimpleTanhRNN_PRF.</summary>
    public static SimpleTanhRNN Train(Notebook nb, DataLoader trainLoader, DataLoader valLoader, NoveltyCurveDataset trainDs,
        NoveltyCurveDataset valDs, int hiddenSize, bool bidirectional, double lr, int epochs, double clip, int printEvery,
        int snapshotIdx, bool weightBalance, (int Tolerance, double Height)? prf = null)
    {
        var model = new SimpleTanhRNN(hiddenSize: hiddenSize, bidirectional: bidirectional);
        LossModule lossFn = weightBalance ? MakeBceLossFromDataset(trainDs).Loss : Nn.BCEWithLogitsLoss();
        var opt = new Adam(model.Parameters(), lr: lr);
        var (xFix, yFix) = trainDs[snapshotIdx];
        var snapshots = new List<(int, double[])>();
        var trainCurve = new List<double>();
        var valCurve = new List<double>();
        using var progress = TrainingBar.Start(prf is null ? "bce: SimpleTanhRNN" : "ex3: SimpleTanhRNN with PRF", epochs);
        for (int ep = 1; ep <= epochs; ep++)
        {
            model.Train();
            double total = 0.0;
            int count = 0;
            foreach (var (xb, yb) in trainLoader)
            {
                opt.ZeroGrad();
                var loss = lossFn.Invoke(model.Call(xb), yb);
                loss.Backward();
                Nn.Utils.ClipGradNorm(model.Parameters(), clip);
                opt.Step();
                total += loss.Item() * xb.Size(0);
                count += xb.Size(0);
            }
            double trainLoss = total / Math.Max(count, 1);
            double valLoss = EvaluateModelLoader(model, valLoader, lossFn);
            trainCurve.Add(trainLoss);
            valCurve.Add(valLoss);
            progress.Report(ep, trainLoss);
            string line;
            if (prf is { } s)
            {
                var (tp, tr, tf, _, _) = MeanPrf(EvalPeaksDataset(ComputePredictionDataset(model, trainDs), s.Tolerance, s.Height));
                var (vp, vr, vf, _, _) = MeanPrf(EvalPeaksDataset(ComputePredictionDataset(model, valDs), s.Tolerance, s.Height));
                line = $"Ep {ep,2} | T-L: {F(trainLoss, 3)} | V-L: {F(valLoss, 3)} | T-PRF: {F(tp, 2)}/{F(tr, 2)}/{F(tf, 2)} | V-PRF: {F(vp, 2)}/{F(vr, 2)}/{F(vf, 2)}";
            }
            else line = $"Epoch {ep,2} | Train Loss: {F(trainLoss, 4)} | Val Loss: {F(valLoss, 4)}";
            if (ep % printEvery == 0 || ep == 1 || ep == epochs)
            {
                nb.Print(line);
                model.Eval();
                using (Torch.NoGrad())
                    snapshots.Add((ep, model.Call(xFix.Unsqueeze(0)).Sigmoid().ToDoubleArray()));
            }
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("train loss (BCE)", trainCurve.ToArray()), ("validation loss (BCE)", valCurve.ToArray()) }));
        // Exercise 3 keeps its snapshots without plotting them, as the course's solution does.
        if (prf is null)
            MseTraining.Snapshots(nb, $"Training Sample {snapshotIdx}", xFix.ToDoubleArray(), yFix.ToDoubleArray(), snapshots);
        return model;
    }

    public static void Run(Notebook nb)
    {
        nb.Section("RNN onset detection as binary sequence labeling");
        Torch.ManualSeed(0);
        Model = Train(nb, DataParts.TrainLoader, DataParts.ValLoader, DataParts.TrainDs, DataParts.ValDs,
            hiddenSize: 8, bidirectional: true, lr: 0.01, epochs: 15, clip: 1.0, printEvery: 5, snapshotIdx: 2, weightBalance: true);

        int n = 4;
        var indices = Enumerable.Range(0, n).ToArray();
        var testSets = new (string, NoveltyCurveDataset)[]
        {
            ("Standard", Novelty(n, 128, 1.0, seed: 2)),
            ("More Noise", Novelty(n, 128, 1.0, seed: 2, noiseStd: 0.06)),
            ("More Peaks with Less Minimal Distance", Novelty(n, 128, 1.0, seed: 2, minGap: 7, nPeaksRange: (4, 8))),
            ("Longer Peak Rise", Novelty(n, 128, 1.0, seed: 2, riseLenRange: (6, 10))),
            ("Extreme Test Conditions", Novelty(n, 128, 1.0, seed: 2, minGap: 6, nPeaksRange: (5, 10), noiseStd: 0.06, riseLenRange: (6, 10))),
        };
        foreach (var (label, ds) in testSets)
        {
            if (!nb.WantsFigures) continue;
            var pred = ComputePredictionDataset(Model, ds, indices);
            var t = Enumerable.Range(0, 128).Select(i => (double)i).ToArray();
            nb.Show(() => SignalPlots.PairsGrid(label, 1, n, t, pred.Select(p => p.X).ToArray(), pred.Select(p => p.Y).ToArray(),
                pred.Select(p => p.Pred).ToArray(), "Input", "Target", "Prediction (probability)"));
        }
        TestDs = testSets[^1].Item2;
    }
}
