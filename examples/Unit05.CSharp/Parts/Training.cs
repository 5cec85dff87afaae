using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;
using Fluxion.Examples;
using Spectre.Console;
using System.Diagnostics;

namespace Unit05;

/// <summary>The course's training_loop: forward, loss, zero_grad, backward, step; prints every 1000 iterations.</summary>
public static class Training
{
    /// <summary>The console of the progress bar (standard error; a bar only on an interactive terminal).</summary>
    private static readonly Lazy<IAnsiConsole> BarConsole = new(TrainingBar.StandardError);

    public static double[] Loop(string part, int numIterations, TorchOptimizer optimizer, Module model, LossModule lossFn, Tensor xTrain, Tensor yTrain, Notebook nb) =>
        TrainingBar.Run(BarConsole.Value, part, numIterations, progress =>
        {
            var clock = Stopwatch.StartNew();
            var losses = new double[numIterations];
            for (int k = 1; k <= numIterations; k++)
            {
                var yPred = model.Call(xTrain);
                var loss = lossFn.Invoke(yPred, yTrain);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                losses[k - 1] = loss.Item();
                if (k % 1000 == 0) nb.Print($"Iteration {k,4} | Loss = {loss.Item():F6}");
                progress.Report(new FitProgress(k, numIterations, losses[k - 1], clock.Elapsed));
            }
            return losses;
        });
}
