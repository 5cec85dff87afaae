using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Tensor storage: cells 56 to 63.</summary>
public static class Storage
{
    private static Tensor Ints(params long[][] rows) => Torch.Tensor(rows);

    public static void Run(Notebook nb)
    {
        nb.Section("Tensor storage");

        // cell 56: shape, offset and strides over the flat storage (torch 1.13: x.storage().untyped())
        var x = Ints([1, 2, 3], [4, 5, 6]);
        nb.Print($"x.shape: {x.Shape}");
        nb.Print($"x.storage_offset = {x.StorageOffset()}");
        nb.Print($"x.stride = {Py.Tuple(x.Stride())}");
        nb.Print($"Storage:\n{NumPy.Str(x.UntypedStorage())}");

        // cell 59: a write through a view shows in the transpose, which starts at the same address
        x = Ints([1, 2], [3, 4], [5, 6]);
        var s = x.View(6);
        s[1] = 20;
        var y = x.T;
        nb.Print($"Transposed tensor:\n {y}");
        nb.Print($"Same address of first element: {Py.Str(x.DataPtr() == y.DataPtr())}");

        // cell 61: a transpose is a non-contiguous view; contiguous() copies
        x = Ints([1, 2], [3, 4], [5, 6]);
        y = x.T;
        var z = y.Contiguous();
        nb.Print($"x.stride: {Py.Tuple(x.Stride())}");
        nb.Print($"Contiguous x: {Py.Str(x.IsContiguous())}");
        nb.Print($"y.stride: {Py.Tuple(y.Stride())}");
        nb.Print($"Contiguous y: {Py.Str(y.IsContiguous())}");
        nb.Print($"z.stride: {Py.Tuple(z.Stride())}");
        nb.Print($"Contiguous z: {Py.Str(z.IsContiguous())}");
        x[0, 1] = 20;
        nb.Print($"y:\n {y}");
        nb.Print($"z:\n {z}");
        nb.Print($"Same address for y and z: {Py.Str(y.DataPtr() == z.DataPtr())}");

        // cell 63: clone() has its own memory
        x = Ints([1, 2, 3], [4, 5, 6]);
        y = x.View(6);
        z = x.View(6).Clone();
        nb.Print($"Same address for x and y: {Py.Str(x.DataPtr() == y.DataPtr())}");
        nb.Print($"Same address for x and z: {Py.Str(x.DataPtr() == z.DataPtr())}");
    }
}
