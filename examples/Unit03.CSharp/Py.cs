using System.Globalization;
using Fluxion;
using Fluxion.Printing;

namespace Unit03;

/// <summary>Python's spelling of values the course prints with f-strings and print().</summary>
public static class Py
{
    /// <summary>str(bool): True / False.</summary>
    public static string Str(bool b) => b ? "True" : "False";

    /// <summary>str(dtype): torch.float32, torch.int64, ...</summary>
    public static string Str(Dtype d) => DtypeModule.name(d);

    /// <summary>str(tuple): (3, 1).</summary>
    public static string Tuple(int[] values) => PyFormat.tuple(values);

    /// <summary>str(list) of ints: [1, 2, 3, 4].</summary>
    public static string List(long[] values) => "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>str(x.item()): a Python int for integer tensors, a Python float (repr) otherwise.</summary>
    public static string Item(Tensor t) =>
        t.Dtype == Dtype.Int64 ? ((long)t.ToDouble()).ToString(CultureInfo.InvariantCulture)
        : t.Dtype == Dtype.Bool ? Str(t.ToDouble() != 0)
        : PyFormat.floatRepr(t.ToDouble());

    /// <summary>str(type(x.item())): the Python class the number becomes.</summary>
    public static string ItemType(Tensor t) =>
        t.Dtype == Dtype.Int64 ? "<class 'int'>" : t.Dtype == Dtype.Bool ? "<class 'bool'>" : "<class 'float'>";

    /// <summary>f"{x:.4f}" of a 0-dim tensor (Tensor.__format__ formats its item).</summary>
    public static string Fixed(Tensor t, int precision) => PyFormat.toFixed(precision, t.ToDouble());
}
