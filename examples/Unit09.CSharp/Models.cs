using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;

namespace Unit09;

/// <summary>Cell 15: the change detector y_t = r·y_{t−1} + k·x_t − k·x_{t−1} as a 2-unit tanh nn.RNN kept near
/// its linear regime (input weights scaled by alpha, undone by the readout).</summary>
public sealed class ChangeDetectorRNN : Module
{
    private readonly RNN rnn;
    private readonly Linear readout;

    public ChangeDetectorRNN(double k = 1.0, double r = 0.6, double alpha = 0.01, bool batchFirst = true)
    {
        Alpha = alpha;
        rnn = Nn.RNN(inputSize: 1, hiddenSize: 2, numLayers: 1, nonlinearity: "tanh", bias: true, batchFirst: batchFirst);
        readout = Nn.Linear(2, 1, bias: true);
        using (Torch.NoGrad())
        {
            // The course builds float32 tensors from Python floats: each product is rounded once to float32.
            Param(rnn, "weight_hh_l0").SetData(Torch.FromArray(new[] { (float)r, (float)-k, 0f, 0f }, 2, 2));
            Param(rnn, "weight_ih_l0").SetData(Torch.FromArray(new[] { (float)(alpha * k), (float)(alpha * 1.0) }, 2, 1));
            Param(rnn, "bias_ih_l0").SetData(Torch.Zeros(2));
            Param(rnn, "bias_hh_l0").SetData(Torch.Zeros(2));
            Param(readout, "weight").SetData(Torch.FromArray(new[] { (float)(1.0 / alpha), 0f }, 1, 2));
            Param(readout, "bias").SetData(Torch.Zeros(1));
        }
    }

    public double Alpha { get; }

    internal static Parameter Param(Module m, string name) => m.NamedParameters().Single(p => p.Key == name).Value;

    public override Tensor Forward(Tensor x)
    {
        // Initial rest: h_{-1} = 0.
        var h0 = Torch.Zeros(1, x.Size(0), 2);
        var (hSeq, _) = rnn.ForwardWithHidden(x, h0);
        return readout.Call(hSeq);
    }
}

/// <summary>Cell 28: a vanilla tanh RNN (optionally bidirectional) with a linear readout to one logit per frame.</summary>
public sealed class SimpleTanhRNN : Module
{
    private readonly RNN rnn;
    private readonly Linear readout;

    public SimpleTanhRNN(int hiddenSize = 8, bool bidirectional = false, bool batchFirst = true)
    {
        rnn = Nn.RNN(inputSize: 1, hiddenSize: hiddenSize, numLayers: 1, nonlinearity: "tanh", bias: true,
                     batchFirst: batchFirst, bidirectional: bidirectional);
        readout = Nn.Linear((bidirectional ? 2 : 1) * hiddenSize, 1, bias: true);
    }

    public override Tensor Forward(Tensor x)
    {
        var (hSeq, _) = rnn.ForwardWithHidden(x, null!);
        return readout.Call(hSeq);
    }
}
