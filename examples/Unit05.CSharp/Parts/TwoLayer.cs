using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit05;

/// <summary>Cells 28–35: the two-layer ReLU network, its summary and outputs, training, and shared weights.</summary>
public static class TwoLayer
{
    public static void Run(Notebook nb)
    {
        nb.Section("Example: piecewise linear approximation");
        Torch.ManualSeed(0);
        var model = new NeuralNetTwoLayer();
        nb.Print("Model structure:");
        nb.Print(model.ToString());
        nb.Print("Learnable parameters:");
        foreach (var (name, para) in model.NamedParameters())
            nb.Print($"Name: {name}; Shape: {para.Shape}; Number of elements: {para.Numel()}");
        nb.Print($"Total number of parameters: {Models.CountParameters(model)}");

        nb.Print("\nModel summary (using torchinfo):");
        nb.Print(Nn.Summary(model, 1));

        var xInput = Torch.Tensor(new[] { new[] { 0.0 }, new[] { 1.0 }, new[] { 2.0 }, new[] { 3.0 } });
        nb.Print($"Input tensor of shape: {xInput.Shape}");
        nb.Print(xInput.ToString());
        var yOutput = model.Call(xInput);
        nb.Print($"\nOutput tensor of shape: {yOutput.Shape}");
        nb.Print(yOutput.ToString());

        var (x, y) = Datasets.TrainingPairs();
        x = x.Unsqueeze(1);
        y = y.Unsqueeze(1);
        Torch.ManualSeed(0);
        model = new NeuralNetTwoLayer();
        Training.Loop("two-layer", 4000, new SGD(model.Parameters(), lr: 1e-2), model, Nn.MSELoss(), x, y, nb);
        nb.Show(() => Plots.ModelFit(x.Squeeze(), y.Squeeze(), model.Call));
        SharedWeights(nb, y);
    }

    /// <summary>Replays the draws of the cells before the shared-weights model.</summary>
    public static void PrepareShared()
    {
        Datasets.TrainingPairs();
        Torch.ManualSeed(0);
        _ = new NeuralNetTwoLayer();
    }

    public static void SharedWeights(Notebook nb, Tensor notebookY)
    {
        nb.Section("Shared weights");
        var model = new NeuralNet { NotebookGlobalY = notebookY };
        nb.Print(model.ToString());
        nb.Print("\nModel summary (using torchinfo):");
        nb.Print(Nn.Summary(model, 1));
    }
}
