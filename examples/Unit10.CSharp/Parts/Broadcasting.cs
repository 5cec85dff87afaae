using System.Diagnostics;
using Fluxion;
using Fluxion.CSharp;

namespace Unit10;

/// <summary>Cells 5 and 9: three broadcasting examples, then expand (a view) against repeat (a copy).</summary>
public static class Broadcasting
{
    public static void Run(Notebook nb)
    {
        nb.Section("Broadcasting in PyTorch");
        var X = Torch.Arange(1.0, 7.0).View(2, 3);
        var b = Torch.Tensor(new[] { 1.0, 2.0, 3.0 });
        var Y = X + b;
        nb.Print("Example 1: Add a bias vector to each row of a matrix");
        nb.Print($"Shapes:    {X.Shape} + {b.Shape} -> {Y.Shape}");
        nb.Print(Y.ToString());

        X = Torch.Arange(1.0, 25.0).View(2, 3, 4);
        var g = Torch.Tensor(new[] { 1.0, 2.0, 3.0 });
        Y = X * g.View(1, 3, 1);
        nb.Print("\nExample 2: Scale each channel in a batch of 1D signals");
        nb.Print($"Shapes:    {X.Shape} * {g.View(1, 3, 1).Shape} -> {Y.Shape}");
        nb.Print(Y.ToString());

        var seq = Torch.Arange(1.0, 11.0).View(2, 5);
        var mu = seq.Mean(1, keepDim: true);
        var std = seq.Std(1, keepDim: true);
        var seqNorm = (seq - mu) / std;
        nb.Print("\nExample 3: Normalize each sequence by its own mean/std");
        nb.Print($"Shapes:    {seq.Shape} -> {seqNorm.Shape}");
        nb.Print($"means: {mu}");
        nb.Print($"stds:  {std}");
        nb.Print(seqNorm.ToString());

        nb.Section("Broadcasting (expand) vs. repeat");
        const int N = 5000, D = 1000;
        X = Torch.Arange(N * D).View(N, D);
        b = Torch.Linspace(0.0, 1.0, D);
        var bExp = b.Unsqueeze(0).Expand(N, -1);
        var bRep = b.Unsqueeze(0).Repeat(N, 1);
        var Y1 = X + bExp;
        var Y2 = X + bRep;
        nb.Print($"Equal results: {Py(Y1.AllClose(Y2))}");
        nb.Print($"b_exp shares storage with b: {Py(bExp.DataPtr() == b.DataPtr())}");
        nb.Print($"b_rep shares storage with b: {Py(bRep.DataPtr() == b.DataPtr())}");
        int bytesPerElement = b.ElementSize();
        double storageB = b.Numel * bytesPerElement / 1e6;
        double storageBRep = bRep.Numel * bytesPerElement / 1e6;
        nb.Print($"numel(b)     = {b.Numel,8}  (about {storageB:F3} MB)");
        nb.Print($"numel(b_exp) = {bExp.Numel,8}  (about {storageB:F3} MB; no extra storage)");
        nb.Print($"numel(b_rep) = {bRep.Numel,8}  (about {storageBRep,4:F1} MB)");

        // The four times below are measured on this machine: they vary from run to run (the golden
        // printout holds PyTorch's on the machine that made it; the test compares their form).
        double tBuildExp, tBuildRep, tAddExp, tAddRep;
        using (Torch.NoGrad())
        {
            tBuildExp = Bench(() => b.Unsqueeze(0).Expand(N, -1));
            tBuildRep = Bench(() => b.Unsqueeze(0).Repeat(N, 1));
            tAddExp = Bench(() => (X + b.Unsqueeze(0).Expand(N, -1)).Sum().Item());
            tAddRep = Bench(() => (X + b.Unsqueeze(0).Repeat(N, 1)).Sum().Item());
        }
        nb.Print($"\nBuild with b_exp: {tBuildExp * 1e3,6:F4} ms/run");
        nb.Print($"Build with b_rep: {tBuildRep * 1e3,6:F4} ms/run");
        nb.Print($"Add with b_exp:   {tAddExp * 1e3,6:F4} ms/run");
        nb.Print($"Add with b_rep:   {tAddRep * 1e3,6:F4} ms/run");
    }

    private static string Py(bool value) => value ? "True" : "False";

    /// <summary>The course's bench: mean seconds per call over 10 timed calls after 2 warm-up calls.</summary>
    private static double Bench(Action fn, int iters = 10, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++) fn();
        double total = 0.0;
        for (int i = 0; i < iters; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            fn();
            total += Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        return total / iters;
    }

}
