using Fluxion;
using Fluxion.Nn;

namespace Unit10;

// The course's models. Sub-modules in fields are registered automatically in declaration order under
// their field names, so parameters are drawn in the same order as the course's __init__.

/// <summary>Cell 20: Linear(2→8) → [BN] → ReLU → Linear(8→4) → [BN] → ReLU → Linear(4→1), BN or Identity.</summary>
public sealed class SimpleMLP : Module
{
    private readonly Sequential net;

    public SimpleMLP(int inputDim = 2, int hiddenDim = 8, int numClasses = 1, bool withBn = false)
    {
        net = new Sequential(
            new Linear(inputDim, hiddenDim),
            withBn ? new BatchNorm1d(hiddenDim) : new Identity(),
            new ReLU(),
            new Linear(hiddenDim, hiddenDim / 2),
            withBn ? new BatchNorm1d(hiddenDim / 2) : new Identity(),
            new ReLU(),
            new Linear(hiddenDim / 2, numClasses));
    }

    public override Tensor Forward(Tensor x) => net.Call(x);
}

/// <summary>Cell 33: two hidden layers of 64 with ReLU, each followed by Dropout(p) or Identity; one logit.</summary>
public sealed class SimpleNet : Module
{
    private readonly Sequential net;

    public SimpleNet(bool useDropout = false, double p = 0.5, int hiddenDim = 64)
    {
        net = new Sequential(
            new Linear(2, hiddenDim),
            new ReLU(),
            useDropout ? new Dropout(p) : new Identity(),
            new Linear(hiddenDim, hiddenDim),
            new ReLU(),
            useDropout ? new Dropout(p) : new Identity(),
            new Linear(hiddenDim, 1));
    }

    public override Tensor Forward(Tensor x) => net.Call(x);
}

/// <summary>Exercise 3: one learnable 1D convolution kernel of size K ("same" padding, no bias).</summary>
public sealed class KernelLearner : Module
{
    private readonly Conv1d conv;
    public KernelLearner(int k) => conv = new Conv1d(1, 1, k, padding: "same", bias: false);
    public Conv1d Conv => conv;
    public override Tensor Forward(Tensor x) => conv.Call(x);
}
