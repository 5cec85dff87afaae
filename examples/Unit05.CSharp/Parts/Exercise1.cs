using System.Globalization;
using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit05;

/// <summary>Exercise 1: activation functions, and the two-layer network with ReLU, Sigmoid and Identity.</summary>
public static class Exercise1
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 1: activation functions");
        nb.Show(() => Plots.ActivationFunctions(leakySlope: 0.1));

        var experiments = new (string Name, Func<Module> Make, double Lr)[]
        {
            ("ReLU", () => new ReLU(), 0.01),
            ("Sigmoid", () => new Sigmoid(), 0.1),
            ("Identity", () => new Identity(), 0.01),
        };
        foreach (var (name, make, lr) in experiments)
        {
            nb.Print($"Activation function: {name}; Learning rate: {lr.ToString("R", CultureInfo.InvariantCulture)}");
            var (x, y) = Datasets.TrainingPairs();
            x = x.Unsqueeze(1);
            y = y.Unsqueeze(1);
            Torch.ManualSeed(0);
            var model = new NeuralNetTwoLayer(make());
            Training.Loop($"ex1 {name}", 4000, new SGD(model.Parameters(), lr: lr), model, Nn.MSELoss(), x, y, nb);
            nb.Show(() => Plots.ModelFit(x.Squeeze(), y.Squeeze(), model.Call));
        }
    }
}
