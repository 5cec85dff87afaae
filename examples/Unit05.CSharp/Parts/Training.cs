using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;
using Fluxion.Examples;
using System.Diagnostics;

namespace Unit05;

/// <summary>The course's training_loop: forward, loss, zero_grad, backward, step; prints every 1000 iterations.</summary>
public static class Training
{
    public static double[] Loop(string part, int numIterations, TorchOptimizer optimizer, Module model, LossModule lossFn, Tensor xTrain, Tensor yTrain, Notebook nb) =>
        TrainingBar.Run(part, numIterations, progress =>
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
