using Fluxion;
using Fluxion.CSharp;
using static Unit09.Course;

namespace Unit09;

/// <summary>Cells 33–39: precision, recall and F-measure with a tolerance, per sample and macro-averaged.</summary>
public static class PrfParts
{
    internal static void ShowPeaks(Notebook nb, Course.PeakEval e, double height) =>
        nb.Show(() => SignalPlots.PeakPicks(
            $"[idx={e.Idx}] P={F(e.P, 3)} | R={F(e.R, 3)} | F={F(e.F, 3)} | cond_ref={B(e.CondRef)} | cond_pred={B(e.CondPred)}",
            e.YRef, e.PeaksRef, e.YPred, e.PeaksPred, height));

    public static void Run(Notebook nb)
    {
        nb.Section("Evaluation: onset detection");
        long[] bPred = { 10, 19, 22, 38, 49, 60 };
        long[] bRef = { 10, 20, 30, 40, 46 };
        foreach (var tol in new[] { 0, 1, 2, 3 })
        {
            var (p, r, f, cr, cp) = PeakEvaluation.EvalPrf(bRef, bPred, tol);
            nb.Print($"tol={tol,2} | P={F(p, 3)} | R={F(r, 3)} | F={F(f, 3)} | cond_ref={B(cr)} | cond_pred={B(cp)}");
        }

        double height = 0.4;
        int tolerance = 2;
        // Cell 35: the extreme test set again; one sample's picked peaks (no plateau sizes, same peaks).
        var testDs = Novelty(4, 128, 1.0, seed: 2, minGap: 6, nPeaksRange: (5, 10), noiseStd: 0.06, riseLenRange: (6, 10));
        var one = ComputePredictionDataset(BceTraining.Model, testDs)[1];
        var peaksRef = SciPy.Signal.FindPeaks(one.Y, height: height, distance: 2 * tolerance + 1).Peaks;
        var peaksPred = SciPy.Signal.FindPeaks(one.Pred, height: height, distance: 2 * tolerance + 1).Peaks;
        var (p1, r1, f1, cr1, cp1) = PeakEvaluation.EvalPrf(peaksRef, peaksPred, tolerance);
        ShowPeaks(nb, new Course.PeakEval(1, p1, r1, f1, cr1, cp1, peaksRef, peaksPred, one.Y, one.Pred), height);

        var predDs = ComputePredictionDataset(BceTraining.Model, BceTraining.TestDs);
        var evalDs = EvalPeaksDataset(predDs, tolerance, height);
        foreach (var e in evalDs) ShowPeaks(nb, e, height);

        nb.Section("Aggregating evaluation scores over a dataset");
        foreach (var e in evalDs)
            nb.Print($"Sample {e.Idx,1}: P={F(e.P, 3)} | R={F(e.R, 3)} | F={F(e.F, 3)} | cond_ref={B(e.CondRef)} | cond_pred={B(e.CondPred)}");
        nb.Print(new string('-', 70));
        var (pm, rm, fm, cra, cpa) = MeanPrf(evalDs);
        nb.Print($"MACRO:    P={F(pm, 3)} | R={F(rm, 3)} | F={F(fm, 3)} | cond_ref={B(cra)} | cond_pred={B(cpa)}");
    }
}
