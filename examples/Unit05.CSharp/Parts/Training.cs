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
    // TrainingBar.Start, not the generic TrainingBar.Run<T>: the ReadyToRun image holds no code for an F# generic
    // method over a reference type, so Run<double[]> and its closure were compiled by the JIT at the first training.
    // Reports go through IProgress: TrainingProgress.Report(int, float) ends in a tail call with a struct argument,
    // which no ReadyToRun image holds and the runtime makes through its tail-call helper stubs at every iteration.
    public static double[] Loop(string part, int numIterations, TorchOptimizer optimizer, Module model, LossModule lossFn, Tensor xTrain, Tensor yTrain, Notebook nb)
    {
        using var bar = TrainingBar.Start(part, numIterations);
        IProgress<FitProgress> progress = bar;
        var clock = Stopwatch.StartNew();
        var losses = new double[numIterations];
        // One iteration of the course's loop (forward, loss, zero_grad, backward, step), captured as it runs the
        // first time; every later iteration replays its kernels on the same tensors: the same numbers as running
        // these lines again, without rebuilding the graph each time.
        var step = Torch.Capture(() =>
        {
            var yPred = model.Call(xTrain);
            var loss = lossFn.Invoke(yPred, yTrain);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            return loss;
        });
        for (int k = 1; k <= numIterations; k++)
        {
            var loss = k == 1 ? step.Output : step.Run();
            losses[k - 1] = loss.Item();
            if (k % 1000 == 0) nb.Print($"Iteration {k,4} | Loss = {loss.Item():F6}");
            progress.Report(new FitProgress(k, numIterations, losses[k - 1], clock.Elapsed));
        }
        return losses;
    }
}
