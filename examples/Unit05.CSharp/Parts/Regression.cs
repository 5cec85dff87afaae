using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit05;

/// <summary>Cells 7–13: the training pairs, polynomial regression with a hand-written update, the layer's shapes.</summary>
public static class Regression
{
    public static void Run(Notebook nb)
    {
        nb.Section("Example: polynomial regression");
        // Generate training data (same as in Unit 4)
        var (x, y) = Datasets.TrainingPairs();
        int B = x.Size(0);
        nb.Print($"Number of training pairs: {B}");
        nb.Show(() => Plots.TrainingPairs(x, y));

        // Shape of y: (B, 1) to match output format of linear layer; x gets the features x and x²
        y = y.Unsqueeze(1);
        x = Torch.Stack(new[] { x, x.Pow(2) }, dim: 1);

        Torch.ManualSeed(0);
        var model = new Linear(inFeatures: 2, outFeatures: 1);
        var lossFn = Nn.MSELoss();
        double learningRate = 1e-2;
        int numIterations = 4000;

        // The course's loop body, captured as it runs the first time (see Training.Loop): each later iteration replays
        // its kernels on the same tensors, so the loss printed after Run() is the one the eager loop prints.
        Tensor yPred = x;
        var step = Torch.Capture(() =>
        {
            yPred = model.Call(x);
            var loss = lossFn.Invoke(yPred, y);
            model.ZeroGrad();
            loss.Backward();
            using (Torch.NoGrad())
                foreach (var param in model.Parameters())
                    param.Sub_(learningRate * param.Grad);
            return loss;
        });
        for (int k = 1; k <= numIterations; k++)
        {
            var loss = k == 1 ? step.Output : step.Run();
            if (k % 1000 == 0) nb.Print($"Iteration {k,4} | Loss: {loss.Item():F4}");
        }

        double a = model.Bias.Item();
        double b = model.Weight[0, 0].Item();
        double c = model.Weight[0, 1].Item();
        nb.Print($"\nLearned Parameters:\na = {a:F4}, b = {b:F4}, c = {c:F4}");
        nb.Show(() => Plots.PolynomialFit(x.Select(1, 0), y.Squeeze(), a, b, c));

        nb.Section("Defining linear layers");
        nb.Print($"Shape of input tensor: {x.Shape}");
        nb.Print($"Shape of output tensor: {yPred.Shape}");
        nb.Print($"Linear layer: {model}");
        nb.Print($"Weight matrix shape: {model.Weight.Shape}");
        nb.Print($"Weight values:\n {model.Weight}");
        nb.Print($"Bias shape: {model.Bias.Shape}");
        nb.Print($"Bias values:\n {model.Bias}");
    }
}
