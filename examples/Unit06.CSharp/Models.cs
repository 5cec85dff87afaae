using Fluxion;
using Fluxion.CSharp;
using Fluxion.Data;
using Fluxion.Nn;

namespace Unit06;

/// <summary>Cell 24: a Conv1d with a fixed averaging (box) kernel.</summary>
public sealed class LowPassFilter : Module
{
    private readonly Conv1d conv;

    public LowPassFilter(int kernelSize = 21)
    {
        conv = new Conv1d(1, 1, kernelSize, padding: "same", bias: false);
        conv.Weight.SetData(Torch.Ones(1, 1, kernelSize) / kernelSize);
    }

    public override Tensor Forward(Tensor x) => conv.Call(x);
}

/// <summary>Cell 28: a learnable low-pass filter, one Conv1d with "same" padding and no bias.</summary>
public sealed class LearnableLowpass : Module
{
    private readonly Conv1d conv;
    public LearnableLowpass(int kernelSize = 21) => conv = new Conv1d(1, 1, kernelSize, padding: "same", bias: false);
    public Conv1d Conv => conv;
    public override Tensor Forward(Tensor x) => conv.Call(x);
}

/// <summary>Exercise 3: a learnable high-pass filter (padding kernel_size // 2, no bias).</summary>
public sealed class LearnableHighpass : Module
{
    private readonly Conv1d conv;
    public LearnableHighpass(int kernelSize = 21) => conv = new Conv1d(1, 1, kernelSize, padding: kernelSize / 2, bias: false);
    public Conv1d Conv => conv;
    public override Tensor Forward(Tensor x) => conv.Call(x);
}

/// <summary>Cell 33: (noisy input, clean target) pairs of shape (1, T) each.</summary>
public sealed class SineWaveDataset : Dataset<Tensor[]>
{
    public SineWaveDataset(Tensor x, Tensor y)
    {
        if (!x.Shape.Equals(y.Shape)) throw new ArgumentException("Inputs and targets must have the same shape");
        X = x;
        Y = y;
    }

    public Tensor X { get; }
    public Tensor Y { get; }
    public override int Count => X.Size(0);
    public override Tensor[] this[int idx] => [X[idx], Y[idx]];
}
