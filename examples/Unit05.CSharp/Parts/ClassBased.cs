using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;
using Fluxion.Printing;

namespace Unit05;

/// <summary>Cells 15–23: a custom module, its structure and parameters, and training with torch.optim.</summary>
public static class ClassBased
{
    /// <summary>Replays the draws of the cells before (the model is built without reseeding).</summary>
    public static void Prepare()
    {
        Datasets.TrainingPairs();
        Torch.ManualSeed(0);
        _ = new Linear(2, 1);
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Class-based network design");
        var model = new NeuralNetLinear();
        nb.Print(model.ToString());

        nb.Print("Model architecture:");
        nb.Print(model.ToString());
        nb.Print("Registered submodules (via model._modules):");
        nb.Print(model.ModulesRepr(ModulesDictStyle.Dict));
        nb.Print();
        nb.Print("Learnable parameters:");
        foreach (var (name, param) in model.NamedParameters())
            nb.Print($"     Name: {name}; Shape: {param.Shape}; Number of elements: {param.Numel()}");
        nb.Print($"Total number of trainable parameters: {Models.CountParameters(model)}");

        nb.Print("Initialized parameters of the NeuralNetLinear model:\n");
        foreach (var (name, param) in model.NamedParameters())
        {
            nb.Print($"Name: {name}");
            nb.Print($"  Shape: {param.Shape}");
            nb.Print($"  Values:\n{param.Data}");
            nb.Print($"  requires_grad: {(param.RequiresGrad ? "True" : "False")}\n");
        }

        nb.Section("Model training and optimization");
        var (x, y) = Datasets.TrainingPairs();
        y = y.Unsqueeze(1);
        x = Torch.Stack(new[] { x, x.Pow(2) }, dim: 1);
        Torch.ManualSeed(0);
        model = new NeuralNetLinear();
        var optimizer = new SGD(model.Parameters(), lr: 1e-2);
        Training.Loop("optim", 4000, optimizer, model, Nn.MSELoss(), x, y, nb);
        double a = model.LinearModel.Bias.Item();
        double b = model.LinearModel.Weight[0, 0].Item();
        double c = model.LinearModel.Weight[0, 1].Item();
        nb.Print($"Learned parameters: a = {a:F4},  b = {b:F4},  c = {c:F4}");
        nb.Show(() => Plots.PolynomialFit(x.Select(1, 0), y.Squeeze(), a, b, c));
    }
}
