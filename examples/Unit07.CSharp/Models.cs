using Fluxion;
using Fluxion.CSharp;
using Fluxion.Data;
using Fluxion.Nn;

namespace Unit07;

// The course's models. Sub-modules in fields are registered automatically in declaration order, and
// constructors run in the course's __init__ order, so parameters are drawn as PyTorch draws them.

/// <summary>Cell 8: Conv1d(1, 4, 21, stride 5) → ReLU → AdaptiveAvgPool1d(1) → Flatten → Linear(4, 1).</summary>
public sealed class SmallCNN : Module
{
    private readonly Conv1d conv = new(1, 4, kernelSize: 21, stride: 5);
    private readonly ReLU relu = new();
    private readonly AdaptiveAvgPool1d pool = new(1);
    private readonly Flatten flatten = new();
    private readonly Linear fc = new(4, 1);

    public override Tensor Forward(Tensor x)
    {
        x = conv.Call(x);     // (B, 4, (T - 21)//5 + 1)
        x = relu.Call(x);
        x = pool.Call(x);     // (B, 4, 1)
        x = flatten.Call(x);  // (B, 4)
        return fc.Call(x);    // (B, 1)
    }
}

/// <summary>Cell 12: SmallCNN as one nn.Sequential in the field <c>model</c>.</summary>
public sealed class SmallCNN_Sequential : Module
{
    private readonly Sequential model = Nn.Sequential(
        new Conv1d(inChannels: 1, outChannels: 4, kernelSize: 21, stride: 5),
        new ReLU(),
        new AdaptiveAvgPool1d(1),
        new Flatten(),
        new Linear(4, 1));

    public Sequential Model => model;
    public override Tensor Forward(Tensor x) => model.Call(x);
}

/// <summary>Cell 22: two strided Conv1d layers, global average pooling and a Linear layer to the class logits.</summary>
public sealed class FrequencyClassifier : Module
{
    private readonly Sequential model;

    public FrequencyClassifier(int numClasses = 6) => model = Nn.Sequential(
        new Conv1d(1, 8, kernelSize: 21, stride: 5),    // (B, 1, 256) -> (B, 8, 48)
        new ReLU(),
        new Conv1d(8, 16, kernelSize: 5, stride: 2),    // (B, 8, 48) -> (B, 16, 22)
        new ReLU(),
        new AdaptiveAvgPool1d(1),                       // (B, 16, 22) -> (B, 16, 1)
        new Flatten(),                                  // (B, 16, 1) -> (B, 16)
        new Linear(16, numClasses));                    // (B, 6)

    public override Tensor Forward(Tensor x) => model.Call(x);
}

/// <summary>Exercise 3: Flatten and one Linear layer from 40 FFT magnitudes to 6 classes.</summary>
public sealed class FFTClassifier : Module
{
    private readonly Sequential model;
    public FFTClassifier(int inputSize = 40, int numClasses = 6) => model = Nn.Sequential(new Flatten(), new Linear(inputSize, numClasses));
    public override Tensor Forward(Tensor x) => model.Call(x);
}

/// <summary>Exercise 4: Linear/ReLU stack 2 → 32 → 32 → 16 → 3.</summary>
public sealed class SimpleMLP : Module
{
    private readonly Sequential net;

    public SimpleMLP(int inputDim = 2, int hiddenDim = 32, int numClasses = 3) => net = Nn.Sequential(
        new Linear(inputDim, hiddenDim), new ReLU(),
        new Linear(hiddenDim, hiddenDim), new ReLU(),
        new Linear(hiddenDim, hiddenDim / 2), new ReLU(),
        new Linear(hiddenDim / 2, numClasses));

    public override Tensor Forward(Tensor x) => net.Call(x);
}

/// <summary>Cell 6: (signal, label) pairs; also exercise 3's FFTDataset and exercise 4's PointDataset.</summary>
public sealed class WaveformDataset : Dataset<Tensor[]>
{
    public WaveformDataset(Tensor x, Tensor y)
    {
        X = x;
        Y = y;
    }

    public Tensor X { get; }
    public Tensor Y { get; }
    public override int Count => X.Size(0);
    public override Tensor[] this[int idx] => [X[idx], Y[idx]];
}
