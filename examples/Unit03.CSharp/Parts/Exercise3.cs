using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Exercise 3: principal directions of a sheared Gaussian cloud via eigh of its covariance (libpcpt exercise_eigen_pca).</summary>
public static class Exercise3
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 3: principal directions via eigendecomposition");
        int n = 200;
        Torch.ManualSeed(42);
        var m = Torch.Tensor(new[] { new[] { 2.0, -1.0 }, new[] { 1.0, 0.5 } });
        var xRaw = Torch.Randn(n, 2);
        var x = xRaw.MatMul(m.T);
        var xMean = x.Mean(0, keepDim: true);
        var xCentered = x - xMean;
        nb.Print($"Mean after centering (should be close to 0):\n{xCentered.Mean(0)}\n");

        var c = xCentered.T.MatMul(xCentered) / (n - 1);
        var (eigvals, eigvecs) = Linalg.Eigh(c);

        // print(t, "\n") puts a space between the repr and the newline.
        nb.Print("Covariance matrix C:");
        nb.Print($"{c.Round(4)} \n");
        nb.Print("Eigenvalues (variances along principal directions):");
        nb.Print($"{eigvals.Round(4)} \n");
        nb.Print("Eigenvectors (columns = principal directions):");
        nb.Print($"{eigvecs.Round(4)} \n");
        nb.Show(() => Plots.PrincipalDirections(xCentered, eigvals, eigvecs));
    }
}
