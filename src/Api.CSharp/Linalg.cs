using Fluxion.Ops;
using Core = Fluxion.Ops.Linalg;

namespace Fluxion.CSharp;

/// <summary>A complex tensor as real and imaginary parts of equal shape (Fluxion has no complex dtype yet).</summary>
/// <param name="Real">The real parts.</param>
/// <param name="Imag">The imaginary parts.</param>
public sealed record ComplexPair(Tensor Real, Tensor Imag);

/// <summary>Linear algebra shaped like PyTorch's <c>torch.linalg</c>; float32/float64 with leading batch dimensions, differentiable in every mode.</summary>
public static class Linalg
{
    private static ComplexPair Pair(ComplexTensor c) => new(c.Real, c.Imag);

    /// <summary>The inverse of each square matrix (linalg.inv); throws <see cref="LinAlgException"/> for a singular matrix.</summary>
    public static Tensor Inv(Tensor a) => Core.inv(a);
    /// <summary>Solves A X = B (linalg.solve); B is (*, n, k) or a batch of vectors (*, n).</summary>
    public static Tensor Solve(Tensor a, Tensor b) => Core.solve(a, b);
    /// <summary>The determinant of each square matrix (linalg.det).</summary>
    public static Tensor Det(Tensor a) => Core.det(a);
    /// <summary>Sign and natural log of |det| of each square matrix (linalg.slogdet).</summary>
    public static (Tensor Sign, Tensor LogAbsDet) Slogdet(Tensor a) { var r = Core.slogdet(a); return (r.Sign, r.LogAbsDet); }
    /// <summary>The lower Cholesky factor L with A = L Lᵀ (linalg.cholesky); throws <see cref="LinAlgException"/> unless A is positive-definite.</summary>
    public static Tensor Cholesky(Tensor a) => Core.cholesky(a);

    /// <summary>The QR decomposition (linalg.qr) with mode "reduced", "complete" or "r" (Q empty).</summary>
    public static (Tensor Q, Tensor R) Qr(Tensor a, string mode = "reduced")
    {
        var m = mode switch
        {
            "reduced" => QrMode.Reduced,
            "complete" => QrMode.Complete,
            "r" => QrMode.R,
            _ => throw new ArgumentException($"linalg.qr: qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'", nameof(mode)),
        };
        var r = Core.qr(m, a);
        return (r.Q, r.R);
    }

    /// <summary>Eigenvalues (ascending) and orthonormal eigenvectors of each symmetric matrix (linalg.eigh; vector signs are arbitrary).</summary>
    public static (Tensor Eigenvalues, Tensor Eigenvectors) Eigh(Tensor a) { var r = Core.eigh(a); return (r.Eigenvalues, r.Eigenvectors); }
    /// <summary>Eigenvalues of each symmetric matrix in ascending order (linalg.eigvalsh).</summary>
    public static Tensor Eigvalsh(Tensor a) => Core.eigvalsh(a);
    /// <summary>Complex eigenvalues and eigenvectors of each real square matrix (linalg.eig) as real/imaginary pairs, sorted by real part then imaginary part descending; not differentiable.</summary>
    public static (ComplexPair Eigenvalues, ComplexPair Eigenvectors) Eig(Tensor a) { var r = Core.eig(a); return (Pair(r.Eigenvalues), Pair(r.Eigenvectors)); }
    /// <summary>Complex eigenvalues of each real square matrix (linalg.eigvals) as a real/imaginary pair.</summary>
    public static ComplexPair Eigvals(Tensor a) => Pair(Core.eigvals(a));

    /// <summary>The singular value decomposition A = U diag(S) Vh (linalg.svd; vector signs are arbitrary).</summary>
    public static (Tensor U, Tensor S, Tensor Vh) Svd(Tensor a, bool fullMatrices = true) { var r = Core.svd(fullMatrices, a); return (r.U, r.S, r.Vh); }
    /// <summary>Singular values in descending order (linalg.svdvals).</summary>
    public static Tensor Svdvals(Tensor a) => Core.svdvals(a);

    /// <summary>The least-squares solution of A X = B for full-rank A (linalg.lstsq); residuals and singular values are empty as with PyTorch's default driver.</summary>
    public static (Tensor Solution, Tensor Residuals, Tensor Rank, Tensor SingularValues) Lstsq(Tensor a, Tensor b)
    {
        var r = Core.lstsq(a, b);
        return (r.Solution, r.Residuals, r.Rank, r.SingularValues);
    }
    /// <summary>The numerical rank of each matrix (linalg.matrix_rank), an int64 tensor.</summary>
    public static Tensor MatrixRank(Tensor a) => Core.matrixRank(a);
    /// <summary>The Moore-Penrose pseudo-inverse (linalg.pinv).</summary>
    public static Tensor Pinv(Tensor a) => Core.pinv(a);

    /// <summary>The vector norm (linalg.vector_norm / linalg.norm): ord 2 by default, any p, ±∞ or 0; over all elements unless dims are given.</summary>
    public static Tensor Norm(Tensor x, double ord = 2, int[]? dim = null, bool keepDim = false) =>
        Core.vectorNorm(ord, dim ?? Array.Empty<int>(), keepDim, x);
    /// <summary>The vector norm (linalg.vector_norm).</summary>
    public static Tensor VectorNorm(Tensor x, double ord = 2, int[]? dim = null, bool keepDim = false) => Norm(x, ord, dim, keepDim);

    /// <summary>A matrix norm over two dimensions (linalg.matrix_norm): "fro" (default) or "nuc".</summary>
    public static Tensor MatrixNorm(Tensor x, string ord = "fro", int dim0 = -2, int dim1 = -1, bool keepDim = false)
    {
        var o = ord switch
        {
            "fro" => MatrixNormOrd.Frobenius,
            "nuc" => MatrixNormOrd.Nuclear,
            _ => throw new ArgumentException($"linalg.matrix_norm: Order {ord} not supported.", nameof(ord)),
        };
        return Core.matrixNorm(o, dim0, dim1, keepDim, x);
    }
    /// <summary>A matrix norm over two dimensions (linalg.matrix_norm): ord 2, -2 (extreme singular values), 1, -1, ±∞ (abs sums).</summary>
    public static Tensor MatrixNorm(Tensor x, double ord, int dim0 = -2, int dim1 = -1, bool keepDim = false) =>
        Core.matrixNorm(MatrixNormOrd.NewOrd(ord), dim0, dim1, keepDim, x);
}
