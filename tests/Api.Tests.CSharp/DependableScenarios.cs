using Fluxion;
using Fluxion.CSharp;

namespace ApiScenarios;

/// <summary>The "Dependable" cases written as a C# user writes them; each returns what happened, the F# tests check it.</summary>
public static class DependableScenarios
{
    /// <summary>Runs <paramref name="body"/> and returns the exception's type name and message, or "no error".</summary>
    static (string Type, string Message) Outcome(Action body)
    {
        try { body(); return ("no error", ""); }
        catch (Exception e) { return (e.GetType().Name, e.Message); }
    }

    /// <summary>Torch.Zeros(65536, 65536) and Torch.Zeros(2, -1).</summary>
    public static ((string Type, string Message) Overflow, (string Type, string Message) Negative) CheckedSizes() =>
        (Outcome(() => Torch.Zeros(65536, 65536)), Outcome(() => Torch.Zeros(2, -1)));

    /// <summary>new Linear(0, 5, generator) on a (2, 0) batch: PyTorch returns the bias rows; also sum and mean of an empty tensor.</summary>
    public static (int[] Shape, float[] Output, float[] Bias, double EmptySum, double EmptyMean) ZeroSized()
    {
        var linear = Nn.Linear(0, 5, generator: Torch.Generator().ManualSeed(0));
        var y = linear.Call(Torch.Zeros(2, 0));
        var empty = Torch.Zeros(0);
        return (y.ShapeArray, y.ToFloat32Array(), linear.Bias.Data.ToFloat32Array(), empty.Sum().Item(), empty.Mean().Item());
    }

    /// <summary>(a * b).Sum() backward twice (PyTorch raises), then with retainGraph: true (gradients accumulate).</summary>
    public static ((string Type, string Message) Second, float[] Retained) DoubleBackward()
    {
        var a = Torch.Tensor(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        var b = Torch.Tensor(new[] { 4.0, 5.0, 6.0 });
        var loss = (a * b).Sum();
        loss.Backward();
        var second = Outcome(() => loss.Backward());

        var c = Torch.Tensor(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        var kept = (c * b).Sum();
        kept.Backward(retainGraph: true);
        kept.Backward();
        return (second, c.Grad!.ToFloat32Array());
    }

    /// <summary>exp's output modified in place before backward (version counter), and an in-place op on a leaf that requires grad.</summary>
    public static ((string Type, string Message) Modified, (string Type, string Message) Leaf, long VersionAfterNoGradAdd) InPlace()
    {
        var x = Torch.Tensor(new[] { 0.5, 1.0, 1.5 }).RequiresGrad_();
        var y = x.Exp();
        var loss = y.Sum();
        using (Torch.NoGrad()) y.Add_(1.0);
        var modified = Outcome(() => loss.Backward());

        var w = Torch.Tensor(new[] { 1.0, 2.0 }).RequiresGrad_();
        var leaf = Outcome(() => w.Add_(1.0));
        using (Torch.NoGrad()) w.Add_(1.0);
        return (modified, leaf, w.Version);
    }

    /// <summary>Inside DetectAnomaly: a backward that makes NaN (where(x > 0, log x, 0) at x = 0), and a forward op that makes NaN.</summary>
    public static ((string Type, string Message) Backward, (string Type, string Message) Forward) Anomaly()
    {
        using var _ = Torch.DetectAnomaly();
        var x = Torch.Tensor(new[] { 0.0, 1.0 }).RequiresGrad_();
        var backward = Outcome(() => Torch.Where(x > 0.0, x.Log(), Torch.ZerosLike(x)).Sum().Backward());
        var forward = Outcome(() => (Torch.Tensor(new[] { double.PositiveInfinity }) * 0.0).Sum());
        return (backward, forward);
    }
}
