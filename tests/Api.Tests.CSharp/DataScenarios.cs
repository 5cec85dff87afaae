using Fluxion;
using Fluxion.CSharp;
using Fluxion.Data;
using Fluxion.Random;

namespace ApiScenarios;

/// <summary>The course's custom dataset (Unit 6) in C#: input-target pairs, rows of two tensors.</summary>
public sealed class PairDataset : Dataset<(Tensor X, Tensor Y)>
{
    private readonly Tensor _x;
    private readonly Tensor _y;

    /// <summary>Pairs (x[i], y[i]) of two tensors sharing their first dimension.</summary>
    public PairDataset(Tensor x, Tensor y) => (_x, _y) = (x, y);

    /// <summary>Number of pairs.</summary>
    public override int Count => _x.ShapeArray[0];

    /// <summary>Pair i.</summary>
    public override (Tensor X, Tensor Y) this[int i] => (_x.Select(0, i), _y.Select(0, i));
}

/// <summary>A dataset whose items carry a plain integer label, as classification datasets often do.</summary>
public sealed class LabelledDataset(int count) : Dataset<(Tensor Features, int Label)>
{
    /// <summary>Number of items.</summary>
    public override int Count => count;

    /// <summary>Item i: features [i, -i] and label i.</summary>
    public override (Tensor Features, int Label) this[int i] => (Torch.Tensor(new[] { (float)i, -(float)i }), i);
}

/// <summary>DataLoader scenarios written as a C# user writes them.</summary>
public static class DataScenarios
{
    /// <summary>PyTorch: x = arange(n) as a column, y = 10 x; DataLoader(PairDataset(x, y), batch_size, shuffle=True,
    /// generator=torch.Generator().manual_seed(seed)) for several epochs; returns each batch's x column, whether
    /// every y equals 10 x, len(loader) and the generator's next 64-bit draw after the loop.</summary>
    public static (long[][][] Batches, bool TargetsMatch, int Count, ulong After) TypedEpochs(long seed, int n, int batchSize, int epochs)
    {
        var x = Torch.Arange(n).Reshape(n, 1);
        var ds = new PairDataset(x, x * Torch.Tensor(10.0));
        var g = Torch.Generator().ManualSeed(seed);
        var loader = new DataLoader<(Tensor X, Tensor Y)>(ds, batchSize: batchSize, shuffle: true, generator: g);
        var all = new List<long[][]>();
        var match = true;
        for (var e = 0; e < epochs; e++)
        {
            var batches = new List<long[]>();
            foreach (var (xb, yb) in loader)
            {
                var xs = xb.ToFloat32Array();
                var ys = yb.ToFloat32Array();
                match &= xs.Zip(ys).All(p => p.Second == 10 * p.First);
                batches.Add(xs.Select(v => (long)v).ToArray());
            }
            all.Add(batches.ToArray());
        }
        return (all.ToArray(), match, loader.Count, g.Next64());
    }

    /// <summary>The same epochs through the tensor-array DataLoader over a TensorDataset, deconstructing each batch.</summary>
    public static long[][][] TensorDatasetEpochs(long seed, int n, int batchSize, int epochs)
    {
        var x = Torch.Arange(n).Reshape(n, 1);
        var ds = new TensorDataset(x, x * Torch.Tensor(10.0));
        var loader = new DataLoader(ds, batchSize: batchSize, shuffle: true, generator: Torch.Generator().ManualSeed(seed));
        return Enumerable.Range(0, epochs)
            .Select(_ => loader.Select(batch =>
            {
                var (xb, _) = batch;
                return xb.ToFloat32Array().Select(v => (long)v).ToArray();
            }).ToArray())
            .ToArray();
    }

    /// <summary>Integer labels collate to an int64 tensor (PyTorch's default_collate); returns the batches'
    /// label tensors' dtypes, labels and feature shapes for a sequential loader.</summary>
    public static (Dtype[] Dtypes, long[][] Labels, int[][] FeatureShapes) Labels(int count, int batchSize)
    {
        var loader = new DataLoader(new LabelledDataset(count), batchSize: batchSize, generator: Torch.Generator());
        var dtypes = new List<Dtype>();
        var labels = new List<long[]>();
        var shapes = new List<int[]>();
        foreach (var (features, label) in loader)
        {
            dtypes.Add(label.Dtype);
            labels.Add(label.ToInt64Array());
            shapes.Add(features.ShapeArray);
        }
        return (dtypes.ToArray(), labels.ToArray(), shapes.ToArray());
    }

    /// <summary>random_split with fractions, as torch.utils.data.random_split(ds, [0.3, 0.3, 0.4], generator=g).</summary>
    public static int[][] Split(long seed, int n)
    {
        var ds = new LabelledDataset(n);
        return Data.RandomSplit(ds, new[] { 0.3, 0.3, 0.4 }, Torch.Generator().ManualSeed(seed)).Select(s => s.Indices).ToArray();
    }
}
