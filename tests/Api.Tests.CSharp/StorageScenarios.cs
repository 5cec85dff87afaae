using System.Text;
using Fluxion;
using Fluxion.CSharp;

namespace ApiScenarios;

/// <summary>The course's "Tensor Storage" cells (PCPT_03 cells 8, 34, 36, 56, 59, 61, 63) written in C#; each returns
/// what it prints, and the F# tests compare that with PyTorch 1.13's printout.</summary>
public static class StorageScenarios
{
    static string Tuple(int[] s) => Fluxion.Shape.toString(s);
    static string Py(bool b) => b ? "True" : "False";

    /// <summary>Cell 8: torch.from_numpy shares memory with the array.</summary>
    public static string Cell8()
    {
        var o = new StringBuilder();
        var xNp = new long[] { 1, 2, 3, 4 };
        o.AppendLine($"x_np = {NumPy.Str(xNp)}, type = <class 'numpy.ndarray'>");
        var xTorch = Torch.FromNumPy(xNp);
        o.AppendLine($"x_torch = {xTorch}, type = <class 'torch.Tensor'>");
        xTorch[0] = 10;
        xNp[1] = 20;
        o.AppendLine($"x_np = {NumPy.Str(xNp)}");
        o.AppendLine($"x_torch = {xTorch}");
        return o.ToString();
    }

    /// <summary>Cell 34: view and reshape of a contiguous tensor both share its storage.</summary>
    public static string Cell34()
    {
        var o = new StringBuilder();
        var x = Torch.Tensor(new long[] { 1, 2, 3, 4, 5, 6 }).View(3, 2);
        o.AppendLine($"Original tensor x:\n {x}");
        var y = x.View(2, 3);
        var z = x.Reshape(2, 3);
        o.AppendLine("\nAfter reshaping:");
        o.AppendLine($"y: {y}");
        o.AppendLine($"z: {z}");
        x[1, 0] = 30;
        o.AppendLine("\nAfter modifying x[1, 0] = 30:");
        o.AppendLine($"y: {y}");
        o.AppendLine($"z: {z}");
        return o.ToString();
    }

    /// <summary>Cell 36: squeeze, unsqueeze and None indexing return views.</summary>
    public static string Cell36()
    {
        var o = new StringBuilder();
        var x = Torch.Zeros(2, 1, 1, 4);
        o.AppendLine($"Shape of x: {x.Shape}");
        var y = x.Squeeze();
        o.AppendLine($"Shape of y: {y.Shape}");
        var z = y.Unsqueeze(0);
        o.AppendLine($"Shape of z: {z.Shape}");
        var z2 = y[TensorIndex.NewAxis, .., .., TensorIndex.NewAxis];
        o.AppendLine($"Shape of z2: {z2.Shape}");
        x[0, 0, 0, 0] = 1;
        o.AppendLine($"Tensor z after modifying x:\n {z}");
        return o.ToString();
    }

    /// <summary>Cell 56: shape, storage offset, strides and the storage's elements.</summary>
    public static string Cell56()
    {
        var o = new StringBuilder();
        var x = Torch.Tensor(new long[] { 1, 2, 3, 4, 5, 6 }).View(2, 3);
        o.AppendLine($"x.shape: {x.Shape}");
        o.AppendLine($"x.storage_offset = {x.StorageOffset()}");
        o.AppendLine($"x.stride = {Tuple(x.Stride())}");
        o.AppendLine($"Storage:\n{NumPy.Str(x.UntypedStorage())}");
        return o.ToString();
    }

    /// <summary>Cell 59: a write through a view is seen by the transpose; both start at the same address.</summary>
    public static string Cell59()
    {
        var o = new StringBuilder();
        var x = Torch.Tensor(new long[] { 1, 2, 3, 4, 5, 6 }).View(3, 2);
        var s = x.View(6);
        s[1] = 20;
        var y = x.T;
        o.AppendLine($"Transposed tensor:\n {y}");
        o.AppendLine($"Same address of first element: {Py(x.DataPtr() == y.DataPtr())}");
        return o.ToString();
    }

    /// <summary>Cell 61: strides and contiguity of a transpose and of its contiguous copy.</summary>
    public static string Cell61()
    {
        var o = new StringBuilder();
        var x = Torch.Tensor(new long[] { 1, 2, 3, 4, 5, 6 }).View(3, 2);
        var y = x.T;
        var z = y.Contiguous();
        o.AppendLine($"x.stride: {Tuple(x.Stride())}");
        o.AppendLine($"Contiguous x: {Py(x.IsContiguous())}");
        o.AppendLine($"y.stride: {Tuple(y.Stride())}");
        o.AppendLine($"Contiguous y: {Py(y.IsContiguous())}");
        o.AppendLine($"z.stride: {Tuple(z.Stride())}");
        o.AppendLine($"Contiguous z: {Py(z.IsContiguous())}");
        x[0, 1] = 20;
        o.AppendLine($"y:\n {y}");
        o.AppendLine($"z:\n {z}");
        o.AppendLine($"Same address for y and z: {Py(y.DataPtr() == z.DataPtr())}");
        return o.ToString();
    }

    /// <summary>Cell 63: view shares the address, clone does not.</summary>
    public static string Cell63()
    {
        var o = new StringBuilder();
        var x = Torch.Tensor(new long[] { 1, 2, 3, 4, 5, 6 }).View(2, 3);
        var y = x.View(6);
        var z = x.View(6).Clone();
        o.AppendLine($"Same address for x and y: {Py(x.DataPtr() == y.DataPtr())}");
        o.AppendLine($"Same address for x and z: {Py(x.DataPtr() == z.DataPtr())}");
        return o.ToString();
    }

    /// <summary>Setters: a column from a tensor, a mask with a scalar, and a slice through a transposed view.</summary>
    public static (string Column, string Masked, string ThroughTranspose, long Version) Setters()
    {
        var x = Torch.Zeros(2, 3);
        x[.., 0] = Torch.Tensor(new[] { 5.0, 6.0 });
        var column = x.ToString();
        var m = Torch.Tensor(new long[] { 0, 1, 2, 3, 4, 5 }).View(2, 3);
        m[m > 2] = 0;
        var masked = m.ToString();
        var b = Torch.Tensor(new long[] { 0, 1, 2, 3, 4, 5 }).View(2, 3);
        var t = b.T;
        t[1..] = -1;
        return (column, masked, b.ToString(), b.Version);
    }

    /// <summary>Runs <paramref name="body"/> and returns the exception's type name and message, or "no error".</summary>
    static (string Type, string Message) Outcome(Action body)
    {
        try { body(); return ("no error", ""); }
        catch (Exception e) { return (e.GetType().Name, e.Message); }
    }

    /// <summary>Bad input: view of a transpose, a basic and an advanced setter with a wrong-sized value, a leaf setter.</summary>
    public static ((string Type, string Message) View, (string Type, string Message) Basic, (string Type, string Message) Advanced, (string Type, string Message) Leaf) BadInput()
    {
        var x = Torch.Arange(6, Dtype.Int64).View(2, 3);
        var view = Outcome(() => x.T.View(6));
        var basic = Outcome(() => x[0, 0..2] = Torch.Tensor(new long[] { 1, 2, 3 }));
        var advanced = Outcome(() => x[x > 2] = Torch.Tensor(new long[] { 1, 2, 3, 4 }));
        var w = Torch.Zeros(2, 3).RequiresGrad_();
        var leaf = Outcome(() => w[0] = 1);
        return (view, basic, advanced, leaf);
    }
}
