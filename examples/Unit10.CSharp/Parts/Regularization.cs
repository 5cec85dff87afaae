using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit10;

/// <summary>Cells 28–33: weight decay on a polynomial fit, inverted dropout, and training with dropout.</summary>
public static class Regularization
{
    private static Linear TrainWd(Linear model, Tensor X, Tensor y, double weightDecay, int epochs = 500, double lr = 0.1)
    {
        var opt = new Adam(model.Parameters(), lr: lr, weightDecay: weightDecay);
        var lossFn = Nn.MSELoss();
        using var progress = TrainingBar.Start($"regularize: weight decay {weightDecay}", epochs);
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

    private static double[] TrainDropout(Tensor X, Tensor y, bool useDropout, int epochs = 100, double lr = 0.05, double p = 0.5, int seed = 0)
    {
        Torch.ManualSeed(seed);
        var model = new SimpleNet(useDropout: useDropout, p: p);
        var opt = new Adam(model.Parameters(), lr: lr);
        var lossFn = Nn.BCEWithLogitsLoss();
        var losses = new double[epochs];
        using var progress = TrainingBar.Start($"regularize: dropout {(useDropout ? "on" : "off")}", epochs);
        for (int e = 0; e < epochs; e++)
        {
            model.Train();
            opt.ZeroGrad();
            var loss = lossFn.Invoke(model.Call(X), y);
            loss.Backward();
            opt.Step();
            losses[e] = loss.Item();
            progress.Report(e + 1, losses[e]);
        }
        progress.Complete();
        return losses;
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Weight decay (L2 regularization)");
        Torch.ManualSeed(0);
        var x = Torch.Tensor(new[] { -0.9, -0.6, -0.4, -0.1, 0.0, 0.3, 0.6, 0.8 }).Unsqueeze(1);
        var y = Torch.Tensor(new[] { 0.0, 0.4, -0.4, -0.1, 0.3, 0.8, -0.2, 0.8 }).Unsqueeze(1);
        const int D = 10;
        var X = Torch.Cat(Enumerable.Range(0, D + 1).Select(k => x.Pow(k)).ToArray(), 1);
        var modelNoWd = TrainWd(new Linear(D + 1, 1), X, y, weightDecay: 0.0);
        var modelWithWd = TrainWd(new Linear(D + 1, 1), X, y, weightDecay: 0.01);
        nb.Show(() => SignalPlots.IndexedSignals("Magnitude of Polynomial Coefficients", new[]
        {
            ("no L2", "#0066aa", modelNoWd.Weight.Data.Abs().Squeeze().ToDoubleArray()),
            ("with L2", "#aa0000", modelWithWd.Weight.Data.Abs().Squeeze().ToDoubleArray()),
        }));

        nb.Section("Dropout");
        Torch.ManualSeed(0);
        x = Torch.Arange(1, 6);
        var model = new Dropout(0.5);
        nb.Print($"{"Input tensor x:",-42} {x}");
        model.Train();
        nb.Print($"{"Tensor after dropout (p=0.5, train mode):",-42} {model.Call(x)}");
        model.Eval();
        nb.Print($"{"Tensor after dropout (p=0.5, eval mode):",-42} {model.Call(x)}");

        Torch.ManualSeed(0);
        const int N = 200;
        X = Torch.Randn(N, 2);
        y = (X.Select(1, 0) * X.Select(1, 1)).Gt(0).Float().Unsqueeze(1);
        var X1 = X + 0.25 * Torch.RandnLike(X);
        var X2 = X + 0.50 * Torch.RandnLike(X);
        foreach (var (caseName, Xc) in new[] { ("Clean", X), ("Light-Noise", X1), ("Heavy-Noise", X2) })
        {
            var lossNoDo = TrainDropout(Xc, y, useDropout: false);
            var lossWithDo = TrainDropout(Xc, y, useDropout: true);
            nb.Show(() => Plots.LossCurves(new[] { ($"no DO ({caseName})", lossNoDo), ($"with DO ({caseName})", lossWithDo) }));
        }
    }
}
