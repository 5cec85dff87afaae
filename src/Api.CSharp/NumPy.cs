using Fluxion.Compat;
using Fluxion.Random;

namespace Fluxion.CSharp;

/// <summary>NumPy 1.24's functions that the course's data recipes call, bit for bit.</summary>
public static class NumPy
{
    /// <summary>The global legacy generator behind np.random.* (NumPy.Random.Seed(0) is np.random.seed(0)).</summary>
    public static NumpyRandomState Random => NumpyRandomState.Default;

    /// <summary>np.random.default_rng(seed): a PCG64 Generator seeded through SeedSequence, bit for bit.</summary>
    public static NumpyGenerator DefaultRng(long seed) => NumpyGenerator.DefaultRng(seed);
    /// <summary>np.random.default_rng(seed) for a non-negative integer seed of any size.</summary>
    public static NumpyGenerator DefaultRng(System.Numerics.BigInteger seed) => NumpyGenerator.DefaultRng(seed);
    /// <summary>np.random.default_rng([s0, s1, ...]).</summary>
    public static NumpyGenerator DefaultRng(params long[] seeds) => NumpyGenerator.DefaultRng(seeds);

    /// <summary>np.convolve(a, v, mode) with mode "full" (default), "valid" or "same".</summary>
    public static double[] Convolve(double[] a, double[] v, string mode = "full") => Compat.NumPy.convolve(a, v, mode);

    /// <summary>np.convolve on integer arrays, with NumPy's integer result.</summary>
    public static long[] Convolve(long[] a, long[] v, string mode = "full") =>
        Compat.NumPy.convolveInt64(a, v, Compat.NumPy.parseConvolveMode(mode));

    /// <summary>np.digitize(x, bins, right): the bin index of each value.</summary>
    public static long[] Digitize(double[] x, double[] bins, bool right = false) => Compat.NumPy.digitize(x, bins, right);

    /// <summary>np.bincount(x, minlength): occurrences of each non-negative value.</summary>
    public static long[] Bincount(long[] x, int minlength = 0) => Compat.NumPy.bincount(x, minlength);

    /// <summary>np.linspace(start, stop, num, endpoint) with NumPy's rounding (not torch.linspace's).</summary>
    public static double[] Linspace(double start, double stop, int num = 50, bool endpoint = true) =>
        Compat.NumPy.linspace(start, stop, num, endpoint);

    /// <summary>np.arange(start, stop, step) for floats.</summary>
    public static double[] Arange(double start, double stop, double step = 1.0) => Compat.NumPy.arange(start, stop, step);

    /// <summary>np.sum with NumPy's pairwise summation.</summary>
    public static double Sum(double[] a) => Compat.NumPy.sum(a);

    /// <summary>np.mean with NumPy's pairwise summation.</summary>
    public static double Mean(double[] a) => Compat.NumPy.mean(a);

    /// <summary>str() of a 1-D integer array as NumPy prints it: <c>[10 20  3  4]</c> (right-aligned to the widest).</summary>
    public static string Str(long[] a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var cells = a.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var width = cells.Length == 0 ? 0 : cells.Max(c => c.Length);
        return "[" + string.Join(" ", cells.Select(c => c.PadLeft(width))) + "]";
    }

    /// <summary>str() of a 1-D int64 tensor's elements as NumPy prints the array (e.g. of an UntypedStorage()).</summary>
    public static string Str(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Dtype != Dtype.Int64 || t.Dim != 1)
            throw new ArgumentException($"NumPy.Str: expected a 1-D int64 tensor, got {DtypeModule.name(t.Dtype)} of shape {t.Shape}", nameof(t));
        return Str(t.ToInt64Array());
    }

    /// <summary>str() of a 1-D float array as NumPy 1.24 prints it by default (shortest digits, at most 8 decimals,
    /// integer parts right-aligned, decimals padded on the right): <c>[1. 2. 5.]</c>, <c>[0.5  1.25]</c>. Arrays NumPy
    /// would print in scientific notation, with nan/inf or wider than one 75-column line are not supported.</summary>
    public static string Str(double[] a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var finite = a.Where(v => v != 0).Select(Math.Abs).ToArray();
        if (a.Any(v => !double.IsFinite(v)))
            throw new NotSupportedException("NumPy.Str: arrays holding nan or inf are not supported");
        if (finite.Length > 0 && (finite.Max() >= 1e8 || finite.Min() < 1e-4 || finite.Max() / finite.Min() > 1e3))
            throw new NotSupportedException("NumPy.Str: NumPy prints this array in scientific notation, which is not supported");
        string Digits(double v)
        {
            var s = Fluxion.Printing.PyFormat.floatRepr(v);
            var dot = s.IndexOf('.');
            if (s.Length - dot - 1 > 8) s = Fluxion.Printing.PyFormat.toFixed(8, v).TrimEnd('0');
            return s.EndsWith(".0", StringComparison.Ordinal) ? s[..^1] : s;
        }
        var cells = a.Select(Digits).ToArray();
        int left = cells.Length == 0 ? 0 : cells.Max(c => c.IndexOf('.'));
        int right = cells.Length == 0 ? 0 : cells.Max(c => c.Length - c.IndexOf('.') - 1);
        var text = "[" + string.Join(" ", cells.Select(c => new string(' ', left - c.IndexOf('.')) + c + new string(' ', right - (c.Length - c.IndexOf('.') - 1)))) + "]";
        if (text.Length > 75) throw new NotSupportedException("NumPy.Str: arrays longer than one 75-column line are not supported");
        return text;
    }

    /// <summary>np.argsort(v) with NumPy's default (unstable) order among equal values.</summary>
    public static long[] Argsort(double[] v) => Compat.SciPy.argsort(v);
}

/// <summary>What SciPy.Signal.FindPeaks returns; property arrays are null when their condition was not given.</summary>
/// <param name="Peaks">Indices of the peaks.</param>
/// <param name="PeakHeights">x at each peak (when a height was given).</param>
/// <param name="PlateauSizes">Plateau lengths (when plateau sizes were asked for).</param>
/// <param name="LeftEdges">First index of each plateau.</param>
/// <param name="RightEdges">Last index of each plateau.</param>
public sealed record PeaksResult(long[] Peaks, double[]? PeakHeights, long[]? PlateauSizes, long[]? LeftEdges, long[]? RightEdges);

/// <summary>SciPy 1.10's functions that the course calls.</summary>
public static class SciPy
{
    /// <summary>scipy.signal.</summary>
    public static class Signal
    {
        /// <summary>find_peaks(x, height=(height, heightMax), distance, plateau_size=True when plateauSize).</summary>
        public static PeaksResult FindPeaks(double[] x, double? height = null, double? distance = null, double? heightMax = null, bool plateauSize = false)
        {
            var options = new Compat.SciPy.FindPeaksOptions(
                height, heightMax, distance, plateauSize ? 1.0 : null, null, plateauSize);
            var r = Compat.SciPy.findPeaksWith(options, x);
            return new PeaksResult(r.Peaks, r.PeakHeights, r.PlateauSizes, r.LeftEdges, r.RightEdges);
        }

        /// <summary>find_peaks on a 2-D array always fails as SciPy does ("`x` must be a 1-D array").</summary>
        public static PeaksResult FindPeaks(double[,] x, double? height = null, double? distance = null)
        {
            Compat.SciPy.findPeaks2D(x);
            throw new InvalidOperationException("unreachable");
        }
    }
}

/// <summary>scikit-learn 1.2's functions that the course calls.</summary>
public static class Sklearn
{
    private static NumpyRandomState StateOf(long? randomState) =>
        randomState is long s ? new NumpyRandomState(s) : NumpyRandomState.Default;

    /// <summary>make_blobs with drawn centers; randomState null draws from the global NumPy.Random as sklearn does.</summary>
    public static (double[,] X, long[] Y) MakeBlobs(int nSamples = 100, int nFeatures = 2, int centers = 3, double clusterStd = 1.0,
        double centerBoxLow = -10.0, double centerBoxHigh = 10.0, bool shuffle = true, long? randomState = null)
    {
        var b = Compat.Sklearn.makeBlobs(Compat.Sklearn.BlobSamples.NewTotal(nSamples), nFeatures,
            Compat.Sklearn.BlobCenters.NewCount(centers), [clusterStd], centerBoxLow, centerBoxHigh,
            shuffle, StateOf(randomState));
        return (b.X, b.Y);
    }

    /// <summary>make_blobs around given centers (one row each), e.g. centers=[[-3, -3]], cluster_std=0.7.</summary>
    public static (double[,] X, long[] Y) MakeBlobs(int nSamples, double[,] centers, double clusterStd = 1.0, bool shuffle = true, long? randomState = null)
    {
        var b = Compat.Sklearn.makeBlobs(Compat.Sklearn.BlobSamples.NewTotal(nSamples), centers.GetLength(1),
            Compat.Sklearn.BlobCenters.NewGiven(centers), [clusterStd], -10.0, 10.0,
            shuffle, StateOf(randomState));
        return (b.X, b.Y);
    }

    /// <summary>metrics.confusion_matrix(y_true, y_pred, labels): [i, j] counts label i predicted as j.</summary>
    public static long[,] ConfusionMatrix(long[] yTrue, long[] yPred, long[]? labels = null) =>
        Compat.Sklearn.confusionMatrix(yTrue, yPred,
            labels is null ? Microsoft.FSharp.Core.FSharpOption<long[]>.None : Microsoft.FSharp.Core.FSharpOption<long[]>.Some(labels));
}

/// <summary>The course's peak evaluation (libpcpt unit09 eval_PRF and mean_PRF).</summary>
public static class PeakEvaluation
{
    /// <summary>eval_PRF: precision, recall, F-measure with greedy matching within the tolerance, and the separation conditions.</summary>
    public static (double Precision, double Recall, double FMeasure, bool CondRef, bool CondPred) EvalPrf(long[] reference, long[] predicted, int tolerance = 0)
    {
        var s = Evaluation.evalPRF(reference, predicted, tolerance);
        return (s.Precision, s.Recall, s.FMeasure, s.CondRef, s.CondPred);
    }

    /// <summary>mean_PRF: NumPy means of the scores and the AND of the conditions.</summary>
    public static (double Precision, double Recall, double FMeasure, bool CondRef, bool CondPred) MeanPrf(
        (double Precision, double Recall, double FMeasure, bool CondRef, bool CondPred)[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var m = Evaluation.meanPRF(scores.Select(s => new Evaluation.PrfScore(s.Precision, s.Recall, s.FMeasure, s.CondRef, s.CondPred)).ToArray());
        return (m.Precision, m.Recall, m.FMeasure, m.CondRef, m.CondPred);
    }
}
