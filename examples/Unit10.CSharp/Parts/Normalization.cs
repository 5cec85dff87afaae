using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Data;
using Fluxion.Optim;

namespace Unit10;

/// <summary>Cells 17–24: input standardization, BatchNorm inside an MLP, and BN's train/eval modes.</summary>
public static class Normalization
{
    /// <summary>The cells' toy data: two poorly scaled features and a linear reference boundary.</summary>
    private static (Tensor X, Tensor Y) ToyData()
    {
        Torch.ManualSeed(0);
        const int N = 200;
        var x1 = Torch.Randn(N, 1) + 5.2;
        var x2 = 13 * Torch.Randn(N, 1) + 10;
        var X = Torch.Cat(new[] { x1, x2 }, 1);
        var y = (x1 - 6 + 0.1 * x2).Gt(0).Float();
        return (X, y);
    }

    private static Linear TrainLogistic(Tensor X, Tensor y, int epochs, double lr, int seed)
    {
        Torch.ManualSeed(seed);
        var model = new Linear(2, 1);
        var opt = new SGD(model.Parameters(), lr: lr);
        var lossFn = Nn.BCEWithLogitsLoss();
        using var progress = TrainingBar.Start("normalize: logistic regression", epochs);
        for (int i = 0; i < epochs; i++)
        {
            opt.ZeroGrad();
            var loss = lossFn.Invoke(model.Call(X), y);
            loss.Backward();
            opt.Step();
            progress.Report(i + 1, loss.Item());
        }
        progress.Complete();
        return model;
    }

    private static (SimpleMLP Model, double[] Losses) TrainMlp(Tensor X, Tensor y, int epochs, bool withBn,
                                                               double lr = 0.1, int seed = 0, int batchSize = 64)
    {
        Torch.ManualSeed(seed);
        var model = new SimpleMLP(inputDim: 2, numClasses: 1, withBn: withBn);
        var opt = new SGD(model.Parameters(), lr: lr);
        var lossFn = Nn.BCEWithLogitsLoss();
        var dataset = new TensorDataset(X, y);
        var loader = new DataLoader(dataset, batchSize: batchSize, shuffle: true);
        var losses = new double[epochs];
        model.Train();
        using var progress = TrainingBar.Start($"normalize: MLP {(withBn ? "with" : "without")} BatchNorm", epochs);
        for (int e = 0; e < epochs; e++)
        {
            double epochLoss = 0.0;
            foreach (var (xb, yb) in loader)
            {
                opt.ZeroGrad();
                var logits = model.Call(xb).View(-1, 1);
                var loss = lossFn.Invoke(logits, yb);
                loss.Backward();
                opt.Step();
                epochLoss += loss.Item() * xb.Size(0);
            }
            losses[e] = epochLoss / dataset.Count;
            progress.Report(e + 1, losses[e]);
        }
        progress.Complete();
        return (model, losses);
    }

    /// <summary>numpy's <c>a.round(2)</c> of a float32 array: scaled, rounded half to even and scaled back in float32.</summary>
    private static float[] Round2(Tensor t) =>
        t.ToArray().Select(v => MathF.Round(v * 100f, MidpointRounding.ToEven) / 100f).ToArray();

    private static string Fmt(float[] values) =>
        "[" + string.Join(" ", values.Select(v => ((double)v).ToString("F2").PadLeft(5))) + "]";

    public static void Run(Notebook nb)
    {
        nb.Section("Input normalization");
        var (X, y) = ToyData();
        var mu = X.Mean(0, keepDim: true);
        var sigma = X.Std(0, keepDim: true);
        const double eps = 1e-6;
        var XStd = (X - mu) / (sigma + eps);
        int[] epochsList = [20, 200, 2000];
        for (int col = 0; col < epochsList.Length; col++)
        {
            TrainLogistic(X, y, epochsList[col], 0.1, col);
            TrainLogistic(XStd, y, epochsList[col], 0.1, col);
        }

        nb.Section("Batch normalization");
        (X, y) = ToyData();
        int[] bnEpochs = [10, 40, 120];
        SimpleMLP modelWithBn = null!;
        double[] lossesNoBn = [], lossesWithBn = [];
        foreach (var ep in bnEpochs)
        {
            (_, lossesNoBn) = TrainMlp(X, y, ep, withBn: false);
            (modelWithBn, lossesWithBn) = TrainMlp(X, y, ep, withBn: true);
        }
        nb.Show(() => Plots.LossCurves(new[] { ("no BN", lossesNoBn), ("with BN", lossesWithBn) }));

        nb.Section("Running statistics and modes");
        nb.Print("=== model_with_bn ===");
        nb.Print(modelWithBn.ToString());
        nb.Print("\n=== BatchNorm layers: parameters and running stats ===");
        foreach (var kv in modelWithBn.NamedModules())
        {
            if (kv.Value is not Fluxion.Nn.BatchNorm1d bn) continue;
            nb.Print($"\nLayer: {kv.Key}");
            nb.Print($"  gamma (weight): {NumpyPrint.Str(Round2(bn.Weight.Data))}");
            nb.Print($"  beta  (bias):   {NumpyPrint.Str(Round2(bn.Bias.Data))}");
            nb.Print($"  running mean:   {NumpyPrint.Str(Round2(bn.RunningMean))}");
            nb.Print($"  running var:    {NumpyPrint.Str(Round2(bn.RunningVar))}");
        }

        int[] batchSizes = [2, 4, 8];
        var trainOutputs = new Dictionary<int, float[]>();
        var evalOutputs = new Dictionary<int, float[]>();
        var baseState = Copy.DeepCopy(modelWithBn.StateDict());
        foreach (var k in batchSizes)
        {
            var xb = X.Slice(0, 0, k);
            modelWithBn.LoadStateDict(baseState);
            modelWithBn.Train();
            using (Torch.NoGrad())
                trainOutputs[k] = modelWithBn.Call(xb).Sigmoid().Squeeze().ToArray();
            modelWithBn.LoadStateDict(baseState);
            modelWithBn.Eval();
            using (Torch.NoGrad())
                evalOutputs[k] = modelWithBn.Call(xb).Sigmoid().Squeeze().ToArray();
        }

        nb.Print("\n=== TRAIN mode output (batch stats; running stats updated) ===");
        foreach (var k in batchSizes) nb.Print($"Batch size {k,2}: {Fmt(trainOutputs[k])}");
        nb.Print("\n=== EVAL mode output (fixed running stats; independent of batch) ===");
        foreach (var k in batchSizes) nb.Print($"Batch size {k,2}: {Fmt(evalOutputs[k])}");
    }
}
