using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit05;

/// <summary>Exercise 2: a four-layer network (H = 10) on 16 noisy cosine samples: more capacity than the data needs.</summary>
public static class Exercise2
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 2: model capacity");
        Torch.ManualSeed(0);
        var x = Torch.Linspace(0.0, 2.2, steps: 16).Unsqueeze(1);
        var y = (2 * Torch.Pi * x).Cos() + 0.1 * Torch.RandnLike(x);

        int hidden = 10;
        double lr = 0.05;
        var model = new NeuralNetFourLayer(new ReLU(), hidden);
        nb.Print("\nModel summary (using torchinfo):");
        nb.Print(Nn.Summary(model, 1));

        nb.Print($"\nTraining model: Four-Layer Network | Activation: ReLU | Hidden dim: {hidden} | Lr: {lr}");
        var losses = Training.Loop("ex2", 8000, new SGD(model.Parameters(), lr: lr), model, Nn.MSELoss(), x, y, nb);
        nb.Show(() => Plots.ModelFit(x.Squeeze(), y.Squeeze(), model.Call, 0.0, 2.3));
        nb.Show(() => Plots.LossCurves(new[] { ("four-layer ReLU, H=10", losses) }));

        nb.Print("\nConclusion: The model shows signs of overfitting: it fits the training data very ");
        nb.Print("well but the learned function is not a clean sinusoid. With 4 layers and 10 hidden ");
        nb.Print("units each, it has more capacity than necessary for this small dataset. As a result, ");
        nb.Print("it partially fits the noise in the data rather than capturing the underlying trend.");
    }
}
