using Fluxion;
using Fluxion.CSharp;

namespace Unit10;

/// <summary>Cell 35: L1, correlation and spectral losses written with tensor operations, and their loss matrices.</summary>
public static class CustomLosses
{
    public static Tensor L1Loss(Tensor yPred, Tensor yTrue) => (yPred - yTrue).Abs().Mean();

    public static Tensor CorrLoss(Tensor yPred, Tensor yTrue, double eps = 1e-8)
    {
        var yp = yPred - yPred.Mean();
        var yt = yTrue - yTrue.Mean();
        yp = yp / (Linalg.Norm(yp) + eps);
        yt = yt / (Linalg.Norm(yt) + eps);
        var corr = (yp * yt).Sum();
        return 1.0 - corr;
    }

    public static Tensor SpectralL2Fft(Tensor yPred, Tensor yTarget, int? nFft = null)
    {
        int n = nFft ?? yPred.Size(-1);
        var mp = Fft.Rfft(yPred, n: n, dim: -1, norm: "ortho").Abs();
        var mt = Fft.Rfft(yTarget, n: n, dim: -1, norm: "ortho").Abs();
        return (mp - mt).Pow(2).Mean();
    }

    private static Tensor LossMatrix(Tensor[] signals, Func<Tensor, Tensor, Tensor> lossFn)
    {
        int n = signals.Length;
        var m = new double[n][];
        using (Torch.NoGrad())
            for (int i = 0; i < n; i++)
            {
                m[i] = new double[n];
                for (int j = 0; j < n; j++) m[i][j] = (float)lossFn(signals[i], signals[j]).Item();
            }
        return Torch.Tensor(m);
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Custom functions in PyTorch");
        const int L = 32;
        var t = Torch.Arange(L) / L;
        var pi = Torch.Pi;
        var xBase = 1 * (2 * pi * 1 * t).Sin() + 0.5 * (2 * pi * 3 * t).Sin();
        var spiky = xBase.ToDoubleArray();
        spiky[8] = (float)(spiky[8] + 3.0);
        spiky[26] = (float)(spiky[26] + 3.0);
        var xSpiky = Torch.Tensor(spiky);
        var xScaled = 1.5 * xBase;
        var xOffset = xBase + 1.0;
        var xShifted = xBase.Roll(10);
        var xReversed = xBase.Flip(0);
        var names = new[] { "base", "spiky", "scaled", "offset", "shifted", "reversed" };
        var signals = new[] { xBase, xSpiky, xScaled, xOffset, xShifted, xReversed };
        var mL1 = LossMatrix(signals, L1Loss);
        var mCorr = LossMatrix(signals, (a, b) => CorrLoss(a, b));
        var mSp = LossMatrix(signals, (a, b) => SpectralL2Fft(a, b));
        var colours = new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" };
        nb.Show(() => SignalPlots.IndexedSignals($"Six Example Signals of Length L={L}",
            names.Select((n, i) => (n, colours[i], signals[i].ToDoubleArray())).ToArray()));
        foreach (var (title, m) in new[] { ("L1 Loss", mL1), ("Correlation Loss", mCorr), ("Spectral L2 Loss", mSp) })
            nb.Show(() => SignalPlots.IndexedSignals($"{title}: one line per row of the loss matrix",
                names.Select((n, i) => (n, colours[i], m.Select(0, i).ToDoubleArray())).ToArray()));
    }
}
