using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Printing;
using static Unit09.Course;

namespace Unit09;

/// <summary>Exercise 1: impulse responses of the four recursive filters, and of the change detector for several (r, k).</summary>
public static class Exercise1
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 1: impulse responses of recursive filters");
        nb.Print("== Impulse responses for Echo, Smoothing, Change Detector, Running Sum with Dec. ==");
        var xImp = new double[] { 1, 0, 0, 0, 0, 0, 0 };
        int lengthOut = 12;
        var responses = new (string, double[])[]
        {
            ("Echo", Echo(xImp, 3, 0.6, lengthOut)), ("Smoothing", Smoothing(xImp, 0.5, lengthOut)),
            ("Change Detector", ChangeDetectorRecursive(xImp, 0.6, 1.0, lengthOut)),
            ("Running Sum with Decay", RunningSumDecay(xImp, 0.8, lengthOut)),
        };
        foreach (var (name, h) in responses)
            nb.Show(() => Filters.Io($"Impulse Response: {name}", xImp, h));

        nb.Print("\n== Change detector impulse responses for different (r, k) settings ==");
        var x12 = new double[lengthOut];
        x12[0] = 1.0;
        foreach (var (r, k) in new[] { (0.6, 1.0), (0.9, 1.0), (1.2, 1.0), (0.6, 2.5) })
        {
            var h = ChangeDetectorRecursive(x12, r, k, lengthOut);
            nb.Show(() => Filters.Io($"Change Detector: r={PyFormat.floatRepr(r)}, k={PyFormat.floatRepr(k)}", x12, h));
        }
    }
}

/// <summary>Exercise 2: pos_frac and the implied pos_weight for several dataset settings.</summary>
public static class Exercise2
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 2: class-imbalance weighting");
        var settings = new (double? Sigma, int MinGap, (int, int) Peaks, long Seed)[]
        {
            (null, 10, (3, 6), 0), (1.0, 10, (3, 6), 0), (2.0, 10, (3, 6), 0), (2.0, 10, (3, 6), 1),
            (1.0, 5, (3, 8), 0), (1.0, 5, (5, 10), 0), (1.0, 5, (8, 12), 0), (1.0, 5, (8, 12), 1),
        };
        double eps = 1e-5;
        nb.Print("Using:");
        nb.Print("ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target, min_gap, n_peaks_range, seed)");
        nb.Print($"epsilon = {PyFormat.floatRepr(eps)}\n");
        nb.Print("sigma | min_gap | n_peaks_range | seed | pos_frac | pw_own | pw_from_loss | abs_diff");
        nb.Print("------------------------------------------------------------------------------------");
        foreach (var c in settings)
        {
            var ds = Novelty(200, 128, c.Sigma, c.Seed, minGap: c.MinGap, nPeaksRange: c.Peaks);
            double posFrac = PosFrac(ds);
            double pwOwn = (1.0 - posFrac) / Math.Max(posFrac, eps);
            double pwFromLoss = MakeBceLossFromDataset(ds).PosWeight.Item();
            string sigma = c.Sigma is null ? "None" : F(c.Sigma.Value, 1);
            string peaks = $"({c.Peaks.Item1}, {c.Peaks.Item2})";
            nb.Print($"{sigma,-5} | {c.MinGap,7} | {peaks,-13} | {c.Seed,4} | {F(posFrac, 4),8} | {F(pwOwn, 2),6} | {F(pwFromLoss, 2),12} | {PyFormat.toSci(2, Math.Abs(pwOwn - pwFromLoss)),8}");
        }
        nb.Print("\nNote: Differences between pw_own and pw_from_loss are due to different epsilon \nvalues used to avoid division by zero.");
    }
}

/// <summary>Exercise 3: the tanh RNN's training reporting macro P/R/F of picked peaks each epoch, on two dataset settings.</summary>
public static class Exercise3
{
    private static void Examples(Notebook nb, SimpleTanhRNN model, NoveltyCurveDataset ds, int[] indices, int tolerance, double height)
    {
        nb.Print("\nPlot of selected examples:\n");
        foreach (var e in EvalPeaksDataset(ComputePredictionDataset(model, ds, indices), tolerance, height))
            PrfParts.ShowPeaks(nb, e, height);
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 3: training with PRF reporting");
        var trainDs = Novelty(200, 128, 1.0, seed: 0);
        var trainLoader = new DataLoader(trainDs, batchSize: 32, shuffle: true);
        var valDs = Novelty(100, 128, 1.0, seed: 1);
        var valLoader = new DataLoader(valDs, batchSize: 32);
        int tolerance = 2;
        double height = 0.4;
        nb.Print("=============================================");
        nb.Print("Training on train_ds and validation on val_ds");
        nb.Print($"PRF settings: tolerance={tolerance}, height={PyFormat.floatRepr(height)}");
        nb.Print("=============================================");
        nb.Print("train_ds = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0, seed=0)");
        nb.Print("val_ds  =  NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0, seed=1)\n");
        Torch.ManualSeed(0);
        var model = BceTraining.Train(nb, trainLoader, valLoader, trainDs, valDs, 8, true, 0.01, 15, 1.0, 1, 2, true, (tolerance, height));
        Examples(nb, model, valDs, new[] { 2, 6 }, tolerance, height);

        var trainDsMod = Novelty(200, 128, 1.0, seed: 0, minGap: 6, nPeaksRange: (5, 8), noiseStd: 0.06, riseLenRange: (2, 10));
        var trainLoaderMod = new DataLoader(trainDsMod, batchSize: 32);
        // The course builds 200 validation sequences here although it prints n_samples=100.
        var valDsMod = Novelty(200, 128, 1.0, seed: 1, minGap: 6, nPeaksRange: (5, 8), noiseStd: 0.06, riseLenRange: (2, 10));
        var valLoaderMod = new DataLoader(valDsMod, batchSize: 32);
        tolerance = 1;
        height = 0.5;
        nb.Print("=============================================================");
        nb.Print("Training on train_ds_mod and validation on val_ds_mod        ");
        nb.Print($"PRF settings: tolerance={tolerance}, height={PyFormat.floatRepr(height)}");
        nb.Print("=============================================================");
        nb.Print("train_ds_mod = NoveltyCurveDataset(n_samples=200, seq_len=128, sigma_target=1.0,");
        nb.Print("    min_gap=6, n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=0)");
        nb.Print("val_ds_mod = NoveltyCurveDataset(n_samples=100, seq_len=128, sigma_target=1.0,");
        nb.Print("    min_gap=6, n_peaks_range=(5, 8), noise_std=0.06, rise_len_rng=(2, 10), seed=1)\n");
        Torch.ManualSeed(0);
        model = BceTraining.Train(nb, trainLoaderMod, valLoaderMod, trainDsMod, valDsMod, 8, true, 0.01, 15, 1.0, 1, 2, true, (tolerance, height));
        Examples(nb, model, valDsMod, new[] { 4, 5 }, tolerance, height);
    }
}
