using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;
using Fluxion.Printing;

namespace Unit09;

/// <summary>The course's recursive filters (cell 5) and libpcpt.unit09's evaluation helpers.</summary>
public static class Course
{
    public static double[] Echo(double[] x, int delay = 3, double gain = 0.6, int? length = null)
    {
        int T = length ?? x.Length;
        var y = new double[T];
        for (int n = 0; n < T; n++)
            y[n] = (n < x.Length ? x[n] : 0.0) + (n >= delay ? gain * y[n - delay] : 0.0);
        return y;
    }

    public static double[] Smoothing(double[] x, double s = 0.5, int? length = null)
    {
        int T = length ?? x.Length;
        var y = new double[T];
        for (int n = 0; n < T; n++)
            y[n] = s * (n < x.Length ? x[n] : 0.0) + (1 - s) * (n > 0 ? y[n - 1] : 0.0);
        return y;
    }

    public static double[] ChangeDetectorRecursive(double[] x, double r = 0.6, double k = 1.0, int? length = null)
    {
        int T = length ?? x.Length;
        var y = new double[T];
        for (int n = 1; n < T; n++)
        {
            double xn = n < x.Length ? x[n] : 0.0, xPrev = n - 1 < x.Length ? x[n - 1] : 0.0;
            y[n] = r * y[n - 1] + k * (xn - xPrev);
        }
        return y;
    }

    public static double[] RunningSumDecay(double[] x, double r = 0.8, int? length = null)
    {
        int T = length ?? x.Length;
        var y = new double[T];
        for (int n = 0; n < T; n++)
            y[n] = r * (n > 0 ? y[n - 1] : 0.0) + (n < x.Length ? x[n] : 0.0);
        return y;
    }

    /// <summary>Python's f"{v:.{p}f}" (exact decimal rounding).</summary>
    public static string F(double v, int p) => PyFormat.toFixed(p, v);

    /// <summary>Python's str(bool).</summary>
    public static string B(bool b) => b ? "True" : "False";

    /// <summary>NoveltyCurveDataset(...) with the course's keyword arguments; the other settings keep their defaults.</summary>
    public static NoveltyCurveDataset Novelty(int nSamples, int seqLen = 128, double? sigmaTarget = null, long seed = 0,
        int minGap = 10, (int, int)? nPeaksRange = null, double noiseStd = 0.02, (int, int)? riseLenRange = null) =>
        NoveltyCurveDataset.Create(nSamples, seqLen, sigmaTarget, seed, minGap, nPeaksRange, noiseStd, riseLenRange);

    /// <summary>evaluate_model_loader: the average per-sample loss over a loader, without gradients.</summary>
    public static double EvaluateModelLoader(Module model, DataLoader loader, LossModule lossFn, bool useSigmoid = false)
    {
        model.Eval();
        double total = 0.0;
        int n = 0;
        using (Torch.NoGrad())
        {
            foreach (var (xb, yb) in loader)
            {
                var pred = model.Call(xb);
                if (useSigmoid) pred = pred.Sigmoid();
                total += lossFn.Invoke(pred, yb).Item() * xb.Size(0);
                n += xb.Size(0);
            }
        }
        return total / Math.Max(n, 1);
    }

    /// <summary>make_bce_loss_from_dataset: pos_weight = (1 − pos_frac) / pos_frac with pos_frac the share of targets above 0.5.</summary>
    public static (BCEWithLogitsLoss Loss, Tensor PosWeight) MakeBceLossFromDataset(NoveltyCurveDataset ds)
    {
        double posFrac = PosFrac(ds);
        var pw = Torch.FromArray(new[] { (float)((1.0 - posFrac) / Math.Max(posFrac, 1e-6)) }, 1);
        return (Nn.BCEWithLogitsLoss(posWeight: pw), pw);
    }

    /// <summary>(ds.Y &gt; 0.5).float().mean().item(): a float32 mean, widened to a Python float.</summary>
    public static double PosFrac(NoveltyCurveDataset ds) => (ds.Y > 0.5).Cast(Dtype.Float32).Mean().Item();

    /// <summary>compute_prediction_dataset: (idx, x, y, prediction) per sample, the prediction as probabilities or logits.</summary>
    public static List<(int Idx, double[] X, double[] Y, double[] Pred)> ComputePredictionDataset(
        Module model, NoveltyCurveDataset ds, IEnumerable<int>? indices = null, string pred = "probs")
    {
        var result = new List<(int, double[], double[], double[])>();
        model.Eval();
        using (Torch.NoGrad())
        {
            foreach (var idx in indices ?? Enumerable.Range(0, ds.Count))
            {
                var (x, y) = ds[idx];
                var logits = model.Call(x.Unsqueeze(0));
                var yp = pred == "probs" ? logits.Sigmoid() : logits;
                result.Add((idx, x.ToDoubleArray(), y.ToDoubleArray(), yp.ToDoubleArray()));
            }
        }
        return result;
    }

    public sealed record PeakEval(int Idx, double P, double R, double F, bool CondRef, bool CondPred,
                                  long[] PeaksRef, long[] PeaksPred, double[] YRef, double[] YPred);

    /// <summary>eval_peaks_dataset: find_peaks on reference and prediction (height, distance 2·tol + 1, plateau sizes), then eval_PRF.</summary>
    public static List<PeakEval> EvalPeaksDataset(IEnumerable<(int Idx, double[] X, double[] Y, double[] Pred)> examples,
                                                  int tolerance, double height)
    {
        int distance = Math.Max(2 * tolerance + 1, 1);
        var results = new List<PeakEval>();
        foreach (var (idx, _, y, yp) in examples)
        {
            var pr = SciPy.Signal.FindPeaks(y, height: height, distance: distance, plateauSize: true).Peaks;
            var pp = SciPy.Signal.FindPeaks(yp, height: height, distance: distance, plateauSize: true).Peaks;
            var (p, r, f, cr, cp) = PeakEvaluation.EvalPrf(pr, pp, tolerance);
            results.Add(new PeakEval(idx, p, r, f, cr, cp, pr, pp, y, yp));
        }
        return results;
    }

    /// <summary>mean_PRF: macro averages and the conjunction of the separation conditions.</summary>
    public static (double P, double R, double F, bool CondRef, bool CondPred) MeanPrf(IReadOnlyList<PeakEval> results)
    {
        return PeakEvaluation.MeanPrf(results.Select(e => (e.P, e.R, e.F, e.CondRef, e.CondPred)).ToArray());
    }
}
