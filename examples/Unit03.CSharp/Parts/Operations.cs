using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Tensor operations: cells 30 to 53.</summary>
public static class Operations
{
    private static Tensor Ints(params long[][] rows) => Torch.Tensor(rows);

    public static void Run(Notebook nb)
    {
        nb.Section("Tensor operations");

        // cell 30: indexing and slicing
        var x = Ints([1, 2, 3], [4, 5, 6]);
        nb.Print($"Tensor x:\n {x}");
        nb.Print($"Shape of x: {x.Shape}");
        nb.Print($"\nFirst row: {x[0]}");
        nb.Print($"Shape: {x[0].Shape}");
        nb.Print($"\nLast column: {x[.., ^1]}");
        nb.Print($"Shape: {x[.., ^1].Shape}");
        nb.Print($"\nElement x[0, 0]: {x[0, 0]}");
        nb.Print($"Shape: {x[0, 0].Shape}");

        // cell 32: splitting into chunks of one row / one column
        x = Ints([1, 2, 3], [4, 5, 6]);
        nb.Print($"Tensor x:\n {x}");
        nb.Print($"Shape of x: {x.Shape}");
        int chunkSize = 1;
        var yRows = x.Split(chunkSize, dim: 0);
        nb.Print("\nSplit along dim=0 (rows):");
        nb.Print($"First chunk:\n {yRows[0]}");
        nb.Print($"Shape of first chunk: {yRows[0].Shape}");
        var yCols = x.Split(chunkSize, dim: 1);
        nb.Print("\nSplit along dim=1 (columns):");
        nb.Print($"First chunk:\n {yCols[0]}");
        nb.Print($"Shape of first chunk: {yCols[0].Shape}");

        // cell 34: view() shares memory; reshape() of a contiguous tensor does too
        x = Ints([1, 2], [3, 4], [5, 6]);
        nb.Print($"Original tensor x:\n {x}");
        var y = x.View(2, 3);
        var z = x.Reshape(2, 3);
        nb.Print("\nAfter reshaping:");
        nb.Print($"y: {y}");
        nb.Print($"z: {z}");
        x[1, 0] = 30;
        nb.Print("\nAfter modifying x[1, 0] = 30:");
        nb.Print($"y: {y}");
        nb.Print($"z: {z}");

        // cell 36: squeeze, unsqueeze and None indexing return views
        x = Torch.Zeros(2, 1, 1, 4);
        nb.Print($"Shape of x: {x.Shape}");
        y = x.Squeeze();
        nb.Print($"Shape of y: {y.Shape}");
        z = y.Unsqueeze(0);
        nb.Print($"Shape of z: {z.Shape}");
        var z2 = y[TensorIndex.NewAxis, .., .., TensorIndex.NewAxis];
        nb.Print($"Shape of z2: {z2.Shape}");
        x[0, 0, 0, 0] = 1;
        nb.Print($"Tensor z after modifying x:\n {z}");

        // cell 38: transposition
        x = Ints([1, 2], [3, 4], [5, 6]);
        nb.Print($"Original tensor x:\n {x}");
        var y1 = x.Transpose(0, 1);
        nb.Print($"\nTranspose using transpose(0, 1):\n {y1}");
        var y2 = x.T;
        nb.Print($"\nTranspose using .T:\n {y2}");

        // cell 40: permutation
        x = Torch.Zeros(2, 3, 4, 5);
        nb.Print($"Original shape of x: {x.Shape}");
        y = x.Permute(2, 3, 1, 0);
        nb.Print($"Permuted shape of y: {y.Shape}");

        // cell 42: concatenation along rows and columns
        var x1 = Ints([1, 2, 3, 4], [5, 6, 7, 8]);
        var x2 = Ints([9, 10, 11, 12]);
        nb.Print($"Tensor x1:\n {x1}");
        nb.Print($"Tensor x2:\n {x2}");
        var catRows = Torch.Cat([x1, x2], dim: 0);
        nb.Print($"\nConcatenation along rows (dim=0):\n {catRows}");
        nb.Print($"Shape: {catRows.Shape}");
        var x2Reshaped = x2.Reshape(2, 2);
        var catCols = Torch.Cat([x1, x2Reshaped], dim: 1);
        nb.Print($"\nConcatenation along columns (dim=1):\n {catCols}");
        nb.Print($"Shape: {catCols.Shape}");

        // cell 44: stacking along a new dimension
        x1 = Torch.Tensor(new long[] { 1, 2, 3 });
        x2 = Torch.Tensor(new long[] { 4, 5, 6 });
        var y0 = Torch.Stack([x1, x2], dim: 0);
        nb.Print($"Stacking along new dim=0:\n {y0}");
        nb.Print($"Shape: {y0.Shape}");
        y1 = Torch.Stack([x1, x2], dim: 1);
        nb.Print($"Stacking along new dim=1:\n {y1}");
        nb.Print($"Shape: {y1.Shape}");

        // cell 46: elementwise operations and comparisons
        x = Torch.Tensor(new[] { new[] { 0.0, 1, 2 } }, Torch.Float32);
        y = Torch.Ones(new[] { 1, 3 }, Torch.Float32) * 2;
        nb.Print($"Tensor x: {x}");
        nb.Print($"Tensor y: {y}");
        nb.Print($"\nAddition: {x + y}");
        nb.Print($"Addition (torch.add): {x + y}");
        nb.Print($"Multiplication: {x * y}");
        nb.Print($"Multiplication (torch.mul): {x * y}");
        nb.Print($"Division: {x / y}");
        nb.Print($"Exponentiation (torch.exp): {x.Exp()}");
        nb.Print($"Logarithm (torch.log): {x.Log()}");
        nb.Print($"Comparison x < y: {x.Lt(y)}");
        nb.Print($"Comparison x == y: {x.Eq(y)}");

        // cell 48: four spellings of the matrix product
        x = Torch.Ones(new[] { 1, 3 }, Torch.Float32);
        y = Torch.Tensor(new[] { new[] { 1.0, 2 }, new[] { 3.0, 4 }, new[] { 5.0, 6 } }, Torch.Float32);
        nb.Print($"Matrix product using torch.mm: {Torch.MatMul(x, y)}");
        nb.Print($"Matrix product using torch.matmul: {Torch.MatMul(x, y)}");
        nb.Print($"Matrix product using @ operator: {x.MatMul(y)}");
        nb.Print($"Matrix product using torch.einsum: {Torch.Einsum("ij,jk->ik", x, y)}");

        // cell 50: determinant, inverse, eigendecomposition
        x = Torch.Tensor(new[] { new[] { 2.0, 1 }, new[] { 1.0, 2 } }, Torch.Float32);
        nb.Print($"Determinant: {Linalg.Det(x)}");
        nb.Print($"Inverse:\n {Linalg.Inv(x)}");
        var (eigvalsC, eigvecsC) = Linalg.Eig(x);
        var eigvals = eigvalsC.Real;
        var eigvecs = eigvecsC.Real;
        nb.Print($"Eigenvalues: {eigvals}");
        nb.Print($"Eigenvectors (columns):\n {eigvecs}");
        var v1 = eigvecs[.., 0];
        var lambda1 = eigvals[0];
        nb.Print("\nVerification for first eigenpair:");
        nb.Print($"x @ v1 = {x.MatMul(v1)}");
        nb.Print($"lambda1 * v1 = {lambda1 * v1}");

        // cell 53: reductions over all elements and along dimensions
        x = Torch.Tensor(new[] { new[] { 1.0, 2, 3 }, new[] { 6.0, 5, 4 } }, Torch.Float32);
        nb.Print($"Global mean: {x.Mean()}");
        nb.Print($"Standard deviation: {x.Std()}");
        nb.Print($"Global sum: {x.Sum()}");
        nb.Print($"Column-wise mean: {x.Mean(0)}");
        nb.Print($"Column-wise standard deviation: {x.Std(0)}");
        nb.Print($"Row-wise max: {x.Max(1).Values}");
        nb.Print($"Row-wise argmax: {x.Max(1).Indices}");
        nb.Print($"Row-wise argmax (alternative): {x.ArgMax(1)}");
    }
}
