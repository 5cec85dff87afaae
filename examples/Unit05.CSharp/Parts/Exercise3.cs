using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

namespace Unit05;

/// <summary>Exercise 3: SGD with momentum, Adam and RMSprop on the Himmelblau function, with early stopping.</summary>
public static class Exercise3
{
    private sealed record Setup(string StartLabel, string Name, double U0, double V0, Func<Parameter[], TorchOptimizer> MakeOptimizer);

    // Arrays, not List<double>: the framework's ReadyToRun code has no List<double>, so the JIT compiled its methods.
    private sealed record Outcome(Setup Setup, double[] U, double[] V, double[] Losses, int StopStep, double StopDelta, double UFinal, double VFinal);

    /// <summary>optimize_himmelblau: record (u, v) and the loss before each update; stop once the loss changes by less than lossTol.</summary>
    private static Outcome Optimize(Setup run, int numSteps = 100, double lossTol = 1e-3)
    {
        var u = new Parameter(Torch.Tensor(run.U0));
        var v = new Parameter(Torch.Tensor(run.V0));
        var optimizer = run.MakeOptimizer(new[] { u, v });
        var us = new double[numSteps]; var vs = new double[numSteps]; var losses = new double[numSteps];
        int count = 0;
        int stopStep = 0; double stopDelta = double.NaN;
        for (int step = 1; step <= numSteps; step++)
        {
            var loss = Datasets.Himmelblau(u.Value, v.Value);
            us[count] = u.Item(); vs[count] = v.Item(); losses[count] = loss.Item();
            count++;
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            if (count > 1)
            {
                double delta = Math.Abs(losses[count - 1] - losses[count - 2]);
                if (delta < lossTol) { stopStep = step; stopDelta = delta; break; }
            }
        }
        return new Outcome(run, Head(us, count), Head(vs, count), Head(losses, count), stopStep, stopDelta, u.Item(), v.Item());
    }

    /// <summary>The first n values (Array.Copy: a range or Span.ToArray would be a generic instantiation for the JIT).</summary>
    private static double[] Head(double[] values, int n)
    {
        var head = new double[n];
        Array.Copy(values, head, n);
        return head;
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 3: optimization");
        var runs = new[]
        {
            new Setup("start(-1,0.0)", "SGD (momentum=0.8)", -1, 0, ps => new SGD(ps, lr: 0.01, momentum: 0.8)),
            new Setup("start(-1,0.0)", "SGD (momentum=0.5)", -1, 0, ps => new SGD(ps, lr: 0.01, momentum: 0.5)),
            new Setup("start(-1,0.0)", "SGD (momentum=0.0)", -1, 0, ps => new SGD(ps, lr: 0.01, momentum: 0.0)),
            new Setup("start(3.0,0.0)", "Adam", 3, 0, ps => new Adam(ps, lr: 0.03)),
            new Setup("start(3.0,0.0)", "RMSprop", 3, 0, ps => new RMSprop(ps, lr: 0.03)),
            new Setup("start(3.0,0.0)", "SGD", 3, 0, ps => new SGD(ps, lr: 0.01, momentum: 0.7)),
        };
        var outcomes = runs.Select(r => Optimize(r)).ToList();
        // Grouping only feeds the figures: a run without a report skips it (and the JIT of its generic code).
        if (nb.WantsFigures)
            foreach (var group in outcomes.GroupBy(o => (o.Setup.U0, o.Setup.V0)))
                nb.Show(() => Plots.Himmelblau(group.Select(o => (o.Setup.Name, o.U, o.V)), group.Key.U0, group.Key.V0));

        nb.Print();
        nb.Print(new string('#', 72));
        nb.Print("# EXTRA (not printed by the notebook): exercise_optimization summary");
        nb.Print(new string('#', 72));
        foreach (var o in outcomes)
        {
            var f = Datasets.Himmelblau(Torch.Tensor(o.UFinal), Torch.Tensor(o.VFinal)).Item();
            var label = $"{o.Setup.StartLabel} {o.Setup.Name}";
            nb.Print($"{label,-32} steps={o.Losses.Length,3} stop@{o.StopStep} d={o.StopDelta.ToString("F6"),-15}" +
                     $"u={o.UFinal:F6} v={o.VFinal:F6} f(u,v)={f:F6} last_loss={o.Losses[^1]:F6}");
        }
    }
}
