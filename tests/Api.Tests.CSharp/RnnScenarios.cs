using Fluxion;
using Fluxion.CSharp;
using Fluxion.Random;

namespace ApiScenarios;

/// <summary>nn.RNN with PyTorch's keywords in camelCase, and NumPy's default_rng, in plain C#.</summary>
public static class RnnScenarios
{
    /// <summary>PyTorch: torch.manual_seed(seed); rnn = nn.RNN(1, 8, num_layers=2, batch_first=True, bidirectional=True);
    /// output, h_n = rnn(x, h0) with x (3, 6, 1) and h0 (4, 3, 8).</summary>
    public static (string Repr, IReadOnlyList<string> Names, float[] Output, float[] HN, int[] OutShape) BidirectionalBatchFirst(long seed, float[] x, float[] h0)
    {
        var rnn = Nn.RNN(1, 8, numLayers: 2, batchFirst: true, bidirectional: true, generator: new Generator(seed));
        var input = Torch.Tensor(x).Reshape(new[] { 3, 6, 1 });
        var hidden = Torch.Tensor(h0).Reshape(new[] { 4, 3, 8 });
        var (output, hN) = rnn.ForwardWithHidden(input, hidden);
        var names = rnn.NamedParameters().Select(kv => kv.Key).ToArray();
        return (rnn.ToString(), names, output.ToFloat32Array(), hN.ToFloat32Array(), output.Shape.ToArray());
    }

    /// <summary>A relu RNN without bias, evaluated in training mode with dropout between its layers.</summary>
    public static string ReluRepr() =>
        Nn.RNN(3, 4, numLayers: 3, nonlinearity: "relu", bias: false, dropout: 0.5, generator: new Generator(1)).ToString();

    /// <summary>numpy: rng = np.random.default_rng(0); K = rng.integers(5, 9); offset = rng.integers(0, 6);
    /// np.sort(rng.choice(np.arange(offset, 200, 6), size=K, replace=False)); rng.uniform(0.5, 1.5).</summary>
    public static (long K, long Offset, long[] Centers, double A) Unit09Draws()
    {
        var rng = NumPy.DefaultRng(0);
        var k = rng.Integers(5, 9);
        var offset = rng.Integers(0, 6);
        var candidates = Enumerable.Range(0, 200).Select(i => (long)i).Where(i => i >= offset && (i - offset) % 6 == 0).ToArray();
        var centers = rng.Choice(candidates, (int)k, replace: false).OrderBy(v => v).ToArray();
        return (k, offset, centers, rng.Uniform(0.5, 1.5));
    }
}
