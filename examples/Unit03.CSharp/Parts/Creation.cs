using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Tensor creation: cells 6, 8 and 10.</summary>
public static class Creation
{
    public static void Run(Notebook nb)
    {
        nb.Section("Tensor creation");

        // cell 6: a Python list and the tensor made from it
        long[] x = { 1, 2, 3, 4 };
        nb.Print($"Python list: x = {Py.List(x)}, type = <class 'list'>");
        var xTorch = Torch.Tensor(x);
        nb.Print($"PyTorch tensor: x_torch = {xTorch}, type = <class 'torch.Tensor'>");

        // cell 8: torch.from_numpy shares the array's memory, so writes through either side show in both
        long[] xNp = { 1, 2, 3, 4 };
        nb.Print($"x_np = {NumPy.Str(xNp)}, type = <class 'numpy.ndarray'>");
        xTorch = Torch.FromNumPy(xNp);
        nb.Print($"x_torch = {xTorch}, type = <class 'torch.Tensor'>");
        xTorch[0] = 10;
        xNp[1] = 20;
        nb.Print($"x_np = {NumPy.Str(xNp)}");
        nb.Print($"x_torch = {xTorch}");

        // cell 10: creation from a shape, from another tensor, and print precision
        Torch.ManualSeed(42);
        int[] shape = { 3 };
        nb.Print($"Zeros Tensor: {Torch.Zeros(shape)}");
        nb.Print($"Ones Tensor (float): {Torch.Ones(shape)}");
        nb.Print($"Ones Tensor (int): {Torch.Ones(shape, Torch.Int64)}");
        nb.Print($"Random Tensor: {Torch.Rand(shape)}");
        var t = Torch.Tensor(new[] { new long[] { 1, 2, 3 }, new long[] { 4, 5, 6 } });
        nb.Print($"Ones Tensor:\n{Torch.OnesLike(t)}");
        Torch.SetPrintOptions(precision: 2);
        nb.Print($"Random Tensor (float, 2 decimals):\n{Torch.RandLike(t, Torch.Float32)}");
        Torch.SetPrintOptions(precision: 4);
    }
}
