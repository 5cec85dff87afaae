using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Exercise 2: shapes and views (libpcpt exercise_tensor_properties).</summary>
public static class Exercise2
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 2: tensor shapes and views");
        var x = Torch.Zeros(2, 1, 1, 3);
        nb.Print($"Original tensor x:\n{x}");
        nb.Print($"Shape: {x.Shape}, Dimensions: {x.Dim}, Total elements: {x.Numel()}");
        var y = x.Squeeze();
        nb.Print($"After squeeze(): shape = {y.Shape}");
        var z1 = y.Unsqueeze(1);
        nb.Print($"After unsqueeze(1): shape = {z1.Shape}");
        var z2 = y[.., TensorIndex.NewAxis, TensorIndex.NewAxis, ..];
        nb.Print($"Using indexing with None: shape = {z2.Shape}");
        var xFlat = x.View(-1);
        nb.Print($"Flattened tensor shape: {xFlat.Shape}");
        var z = xFlat.View(3, 2);
        nb.Print($"Reshaped x to (3, 2) to obtain z: z.shape = {z.Shape}");
        x[0, 0, 0, 0] = 1;
        nb.Print($"Tensor z after modifying x[0,0,0,0] = 1:\n{z}");
    }
}
