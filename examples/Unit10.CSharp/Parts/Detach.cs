using Fluxion;
using Fluxion.CSharp;

namespace Unit10;

/// <summary>Cell 12: a two-branch loss with the second branch detached or not.</summary>
public static class Detach
{
    private static (double Loss, double Grad) RunCaseGrad(bool detach, Tensor w, Tensor x)
    {
        w.ZeroGrad();
        var a = w * x;
        var b = detach ? w.Detach() * x : w * x;
        var lossA = a.Pow(2);
        var lossB = b.Pow(2);
        var loss = lossA + lossB;
        loss.Backward();
        return (loss.Item(), w.Grad!.Item());
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Detach: stopping gradient flow");
        var w = Torch.Tensor(2.0).RequiresGrad();
        var x = Torch.Tensor(3.0);
        var (lossBoth, gradBoth) = RunCaseGrad(false, w, x);
        nb.Print($"detach = False -> loss = {lossBoth,4:F1}, grad = {gradBoth,4:F1}");
        var (lossDet, gradDet) = RunCaseGrad(true, w, x);
        nb.Print($"detach = True  -> loss = {lossDet,4:F1}, grad = {gradDet,4:F1}");
    }
}
