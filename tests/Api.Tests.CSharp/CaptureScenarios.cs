using Fluxion;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace ApiScenarios;

/// <summary>A captured training step written in C#: the same network trained eagerly and through
/// <c>Torch.Capture</c>, so the F# tests can compare every loss and weight.</summary>
public static class CaptureScenarios
{
    /// <summary>Trains Linear(1,4)-ReLU-Linear(4,1) with SGD (momentum 0.9) for <paramref name="steps"/> steps; returns the losses and the final weights.</summary>
    public static (double[] Losses, float[] Weights, int Kernels) Train(bool captured, int steps)
    {
        var g = Torch.Generator();
        g.ManualSeed(11);
        var model = Nn.Sequential(Nn.Linear(1, 4, generator: g), Nn.ReLU(), Nn.Linear(4, 1, generator: g));
        var x = Torch.Linspace(-1.0, 1.0, 32).Reshape(32, 1);
        var y = (x * 3.0).Sin();
        var opt = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        var lossFn = Nn.MSELoss();
        Tensor Step()
        {
            var loss = lossFn.Invoke(model.Call(x), y);
            loss.Backward();
            opt.Step();
            opt.ZeroGrad();
            return loss;
        }
        var losses = new double[steps];
        var kernels = 0;
        if (captured)
        {
            var plan = Torch.Capture(Step);
            kernels = plan.KernelCount;
            losses[0] = plan.Output.Item();
            for (var i = 1; i < steps; i++) losses[i] = plan.Run().Item();
        }
        else
        {
            for (var i = 0; i < steps; i++) losses[i] = Step().Item();
        }
        var weights = new List<float>();
        foreach (var p in model.Parameters()) weights.AddRange(p.Data.ToFloat32Array());
        return (losses, weights.ToArray(), kernels);
    }
}
