using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Data;
using Fluxion.Optim;

namespace Unit10;

/// <summary>Exercise 1: how BatchNorm's running mean and variance follow the data under momentum and batch size.</summary>
public static class Exercise1
{
    private static Tensor MakeData(string kind, int n = 400)
    {
        if (kind == "Unimodal") return 1 + 1.5 * Torch.Randn(n, 1);
        var X = Torch.Cat(new[] { 0.5 * Torch.Randn(n / 2, 1) - 1.0, 1.2 * Torch.Randn(n / 2, 1) + 3.0 }, 0);
        return X.IndexSelect(0, Torch.RandPerm(n));
    }

    private static (double[] Mean, double[] Var) RunBn(Tensor X, double momentum, int bs, int epochs = 30)
    {
        var model = Nn.BatchNorm1d(1, momentum: momentum, affine: false);
        var loader = new DataLoader(new TensorDataset(X), batchSize: bs, shuffle: true, dropLast: false);
        var rm = new List<double> { model.RunningMean.Item() };
        var rv = new List<double> { model.RunningVar.Item() };
        for (int e = 0; e < epochs; e++)
        {
            model.Train();
            foreach (var batch in loader) model.Call(batch[0]);
            rm.Add(model.RunningMean.Item());
            rv.Add(model.RunningVar.Item());
        }
        return (rm.ToArray(), rv.ToArray());
    }

    private static void Sweep(Notebook nb, string title, IEnumerable<(string Label, (double[] Mean, double[] Var) Curves)> runs, double trueMean, double trueVar)
    {
        var list = runs.ToList();
        var colours = new[] { "#1f77b4", "#ff7f0e", "#2ca02c" };
        int len = list[0].Curves.Mean.Length;
        nb.Show(() => SignalPlots.IndexedSignals($"Running Mean ({title})",
            list.Select((r, i) => (r.Label, colours[i], r.Curves.Mean))
                .Append(("True mean", "#000000", Enumerable.Repeat(trueMean, len).ToArray())).ToArray()));
        nb.Show(() => SignalPlots.IndexedSignals($"Running Variance ({title})",
            list.Select((r, i) => (r.Label, colours[i], r.Curves.Var))
                .Append(("True var", "#000000", Enumerable.Repeat(trueVar, len).ToArray())).ToArray()));
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 1: batch normalization running statistics");
        // The reference solution does not seed: its curves depend on where the generator stands, its printout does not.
        foreach (var kind in new[] { "Unimodal", "Bimodal" })
        {
            var X = MakeData(kind);
            double trueMean = X.Mean().Item(), trueVar = X.Var(unbiased: false).Item();
            var momenta = new[] { 0.01, 0.04, 0.1 };
            var byMomentum = momenta.Select(m => ($"Momentum={m}", RunBn(X, m, 16))).ToList();
            Sweep(nb, $"{kind}, B=16", byMomentum, trueMean, trueVar);
            var byBatch = new[] { 4, 16, 64 }.Select(bs => ($"B={bs}", RunBn(X, 0.04, bs))).ToList();
            Sweep(nb, $"{kind}, Momentum=0.04", byBatch, trueMean, trueVar);
        }
        nb.Print(
            "* With small batch sizes, the per-batch mean and variance fluctuate strongly,\n" +
            "  so the running statistics look zigzaggy.\n" +
            "* At the same time, more batches per epoch mean more updates, so the statistics\n" +
            "  adapt faster even with the same momentum.\n" +
            "* Large batches give smoother but fewer updates, making convergence steadier but\n" +
            "  slower.\n" +
            "* In practice, BatchNorm works best with reasonably large batches that balance\n" +
            "  stability and adaptability.");
    }
}

/// <summary>Exercise 2: dropout masks recovered from a layer applied to ones, and inverted scaling.</summary>
public static class Exercise2
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 2: dropout masks and inverted scaling");
        Torch.ManualSeed(0);
        const int N = 8, D = 10;
        var X = Torch.Linspace(0.0, 1.0, N * D).View(N, D);
        foreach (var p in new[] { 0.25, 0.5, 0.75 })
        {
            var model = new Dropout(p);
            var mask = model.Call(Torch.OnesLike(X)) * (1 - p);
            var Y = X * mask / (1 - p);
            // One line per sample: the mask rows and the scaled outputs (the course draws them as images).
            nb.Show(() => SignalPlots.PairsGrid($"Dropout Mask (p={p}): mask (black) and output after dropout (red) per sample",
                2, 4, Enumerable.Range(0, D).Select(i => (double)i).ToArray(),
                Enumerable.Range(0, N).Select(i => X.Select(0, i).ToDoubleArray()).ToArray(),
                Enumerable.Range(0, N).Select(i => mask.Select(0, i).ToDoubleArray()).ToArray(),
                Enumerable.Range(0, N).Select(i => Y.Select(0, i).ToDoubleArray()).ToArray()));
        }
    }
}

/// <summary>Exercise 3: a convolution kernel learned with MSE, L1, correlation and spectral losses.</summary>
public static class Exercise3
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 3: learning a convolution kernel with different loss functions");
        Torch.ManualSeed(0);
        const int L1 = 121, K1 = 121;
        var x1 = Torch.Randn(L1).View(1, 1, -1);
        var t1 = Torch.Linspace(0, 1, L1);
        var y1 = (2 * Torch.Pi * 3 * t1).Sin().View(1, 1, -1);
        const int L2 = 16, K2 = 7;
        var x2 = Torch.Randn(L2).View(1, 1, -1);
        var h2 = Torch.Randn(K2) * 0.2;
        var y2 = F.Conv1d(x2, h2.View(1, 1, -1), padding: "same");
        y2 = y2 + 0.1 * Torch.RandnLike(y2);
        var examples = new (string Name, Tensor X, Tensor Y, Tensor? HTrue, int K)[]
        {
            ("Example 1: random input, sinusoidal output, no true kernel", x1, y1, null, K1),
            ("Example 2: random input, random kernel, output via convolution plus noise", x2, y2, h2, K2),
        };
        var losses = new (string Name, Func<Tensor, Tensor, Tensor> Fn)[]
        {
            ("MSE Loss", (a, b) => F.MseLoss(a, b)),
            ("L1 Loss", CustomLosses.L1Loss),
            ("Correlation Loss", (a, b) => CustomLosses.CorrLoss(a, b)),
            ("Spectral Loss", (a, b) => CustomLosses.SpectralL2Fft(a, b)),
        };
        const int epochs = 100;
        foreach (var (exName, x, yTarget, hTrue, k) in examples)
        {
            nb.Print("\n" + new string('=', 73));
            nb.Print(exName);
            nb.Print(new string('=', 73));
            foreach (var (lossName, lossFn) in losses)
            {
                Torch.ManualSeed(0);
                var model = new KernelLearner(k);
                var opt = new Adam(model.Parameters(), lr: 0.05);
                var lossCurve = new double[epochs];
                using var progress = TrainingBar.Start($"ex3: {lossName}", epochs);
                for (int e = 0; e < epochs; e++)
                {
                    var yHat = model.Call(x);
                    var loss = lossFn(yHat, yTarget);
                    opt.ZeroGrad(); loss.Backward(); opt.Step();
                    lossCurve[e] = loss.Item();
                    progress.Report(e + 1, lossCurve[e]);
                }
                progress.Complete();
                Tensor yEst, hEst;
                using (Torch.NoGrad())
                {
                    yEst = model.Call(x);
                    hEst = model.Conv.Weight.Data.View(-1);
                }
                nb.Show(() => Plots.LossCurves(new[] { ($"Training Loss ({lossName})", lossCurve) }));
                var kernels = new List<(string, string, double[])> { ("Learned h", "#ff9999", hEst.ToDoubleArray()) };
                if (hTrue is not null) kernels.Add(("True h", "#000000", hTrue.ToDoubleArray()));
                nb.Show(() => SignalPlots.IndexedSignals($"Convolution Kernel ({lossName})", kernels));
                nb.Show(() => SignalPlots.IndexedSignals($"Output Comparison ({lossName})", new[]
                {
                    ("y_est", "#ff9999", yEst.View(-1).ToDoubleArray()),
                    ("y_target", "#000000", yTarget.View(-1).ToDoubleArray()),
                }));
            }
        }
    }
}
