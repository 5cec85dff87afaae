using System.Collections;
using Fluxion.Data;
using Fluxion.Random;

namespace Fluxion.CSharp;

/// <summary>A DataLoader over any dataset whose batches are tensor arrays, one stacked tensor per item field,
/// as PyTorch's default_collate returns them; <c>foreach (var (x, y) in loader)</c> deconstructs each batch.</summary>
public sealed class DataLoader : IEnumerable<Tensor[]>
{
    private readonly DataLoader<object, Tensor[]> _inner;

    /// <summary>Batches <paramref name="dataset"/> as torch.utils.data.DataLoader(dataset, batch_size, shuffle,
    /// drop_last=..., generator=...) does, drawing from the generators exactly as PyTorch 1.13.</summary>
    public DataLoader(IDataset dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false,
                      Generator? generator = null, IEnumerable<int>? sampler = null,
                      IEnumerable<int[]>? batchSampler = null, Func<object[], Tensor[]>? collate = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _inner = new DataLoader<object, Tensor[]>(new Boxed(dataset), collate ?? Collate.toTensors,
            batchSize, shuffle, dropLast, generator!, sampler!, batchSampler!);
    }

    /// <summary>Number of batches per epoch (len(loader)).</summary>
    public int Count => _inner.Count;

    /// <summary>Items per batch.</summary>
    public int BatchSize => _inner.BatchSize;

    /// <summary>One epoch of batches.</summary>
    public IEnumerator<Tensor[]> GetEnumerator() => _inner.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Boxed(IDataset inner) : Dataset<object>
    {
        public override int Count => inner.Count;
        public override object this[int i] => inner.GetItem(i);
    }
}

/// <summary>Deconstruction of batches and dataset items given as tensor arrays (<c>var (x, y) = batch</c>).</summary>
public static class TensorArrayDeconstruct
{
    /// <summary>The two tensors of a two-field batch.</summary>
    public static void Deconstruct(this Tensor[] fields, out Tensor first, out Tensor second)
    {
        Check(fields, 2);
        (first, second) = (fields[0], fields[1]);
    }

    /// <summary>The three tensors of a three-field batch.</summary>
    public static void Deconstruct(this Tensor[] fields, out Tensor first, out Tensor second, out Tensor third)
    {
        Check(fields, 3);
        (first, second, third) = (fields[0], fields[1], fields[2]);
    }

    private static void Check(Tensor[] fields, int n)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length != n)
            throw new ArgumentException($"Deconstruct: the batch has {fields.Length} tensors, not {n}; deconstruct into {fields.Length} variables", nameof(fields));
    }
}
