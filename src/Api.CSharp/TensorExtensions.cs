using Fluxion.Ops;

namespace Fluxion.CSharp;

/// <summary>PyTorch's tensor methods (<c>x.Exp()</c>, <c>x.Sum(1)</c>, <c>x.Item()</c>, ...) for C#.</summary>
public static class TensorExtensions
{
    /// <summary>The single value of a one-element tensor (tensor.item()).</summary>
    public static double Item(this Tensor t) => t.ToDouble();
    /// <summary>Number of elements (tensor.numel()).</summary>
    public static int Numel(this Tensor t) => t.Numel;
    /// <summary>The size of one dimension (tensor.size(dim)).</summary>
    public static int Size(this Tensor t, int dim) => t.ShapeArray[dim < 0 ? dim + t.Dim : dim];

    /// <summary>Elementwise power.</summary>
    public static Tensor Pow(this Tensor t, double exponent) => Tensor.Pow(t, exponent);
    /// <summary>Elementwise power with a tensor exponent.</summary>
    public static Tensor Pow(this Tensor t, Tensor exponent) => Tensor.Pow(t, exponent);
    /// <summary>Absolute value.</summary>
    public static Tensor Abs(this Tensor t) => Elementwise.abs(t);
    /// <summary>Sign.</summary>
    public static Tensor Sign(this Tensor t) => Elementwise.sign(t);
    /// <summary>e^x.</summary>
    public static Tensor Exp(this Tensor t) => Elementwise.exp(t);
    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(this Tensor t) => Elementwise.log(t);
    /// <summary>Square root.</summary>
    public static Tensor Sqrt(this Tensor t) => Elementwise.sqrt(t);
    /// <summary>Sine.</summary>
    public static Tensor Sin(this Tensor t) => Elementwise.sin(t);
    /// <summary>Cosine.</summary>
    public static Tensor Cos(this Tensor t) => Elementwise.cos(t);
    /// <summary>Tangent.</summary>
    public static Tensor Tan(this Tensor t) => Elementwise.tan(t);
    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(this Tensor t) => Elementwise.tanh(t);
    /// <summary>Logistic sigmoid.</summary>
    public static Tensor Sigmoid(this Tensor t) => Elementwise.sigmoid(t);
    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(this Tensor t) => Elementwise.relu(t);
    /// <summary>Leaky ReLU.</summary>
    public static Tensor LeakyRelu(this Tensor t, double negativeSlope = 0.01) => Elementwise.leakyRelu(negativeSlope, t);
    /// <summary>Softplus log(1 + e^x).</summary>
    public static Tensor Softplus(this Tensor t) => Elementwise.softplus(t);
    /// <summary>ELU.</summary>
    public static Tensor Elu(this Tensor t, double alpha = 1.0) => Elementwise.elu(alpha, t);
    /// <summary>GELU (exact).</summary>
    public static Tensor Gelu(this Tensor t) => Elementwise.gelu(t);
    /// <summary>Arc tangent.</summary>
    public static Tensor Atan(this Tensor t) => Elementwise.atan(t);
    /// <summary>Arc sine.</summary>
    public static Tensor Asin(this Tensor t) => Elementwise.asin(t);
    /// <summary>Arc cosine.</summary>
    public static Tensor Acos(this Tensor t) => Elementwise.acos(t);
    /// <summary>Hyperbolic sine.</summary>
    public static Tensor Sinh(this Tensor t) => Elementwise.sinh(t);
    /// <summary>Hyperbolic cosine.</summary>
    public static Tensor Cosh(this Tensor t) => Elementwise.cosh(t);
    /// <summary>Rounds down.</summary>
    public static Tensor Floor(this Tensor t) => Elementwise.floor(t);
    /// <summary>Rounds up.</summary>
    public static Tensor Ceil(this Tensor t) => Elementwise.ceil(t);
    /// <summary>Rounds half to even.</summary>
    public static Tensor Round(this Tensor t) => Elementwise.round(t);
    /// <summary>Rounds half to even at <paramref name="decimals"/> decimal places (torch.round(x, decimals=d)); negative d rounds to tens, hundreds, ….</summary>
    public static Tensor Round(this Tensor t, int decimals) => TensorModule.roundDecimals(decimals, t);
    /// <summary>Rounds toward zero.</summary>
    public static Tensor Trunc(this Tensor t) => Elementwise.trunc(t);
    /// <summary>e^x - 1.</summary>
    public static Tensor Expm1(this Tensor t) => Elementwise.expm1(t);
    /// <summary>log(1 + x).</summary>
    public static Tensor Log1p(this Tensor t) => Elementwise.log1p(t);
    /// <summary>1 / x.</summary>
    public static Tensor Reciprocal(this Tensor t) => Elementwise.reciprocal(t);
    /// <summary>x².</summary>
    public static Tensor Square(this Tensor t) => Elementwise.square(t);
    /// <summary>The error function.</summary>
    public static Tensor Erf(this Tensor t) => Elementwise.erf(t);
    /// <summary>Elementwise maximum with broadcasting.</summary>
    public static Tensor Maximum(this Tensor t, Tensor other) => Elementwise.maximum(t, other);
    /// <summary>Elementwise minimum with broadcasting.</summary>
    public static Tensor Minimum(this Tensor t, Tensor other) => Elementwise.minimum(t, other);
    /// <summary>atan(t / other) in the right quadrant (torch.atan2).</summary>
    public static Tensor Atan2(this Tensor t, Tensor other) => Elementwise.atan2(t, other);
    /// <summary>Clamps into [min, max].</summary>
    public static Tensor Clamp(this Tensor t, double? min = null, double? max = null) => Elementwise.clamp(min ?? double.NaN, max ?? double.NaN, t);
    /// <summary>Clamps into [min, max] in place (tensor.clamp_); a leaf that requires grad must be inside <see cref="Torch.NoGrad"/>.</summary>
    public static Tensor Clamp_(this Tensor t, double? min = null, double? max = null) => t.Clamp_(min ?? double.NaN, max ?? double.NaN);

    /// <summary>Sum of all elements.</summary>
    public static Tensor Sum(this Tensor t) => t.Sum();
    /// <summary>Sum over a dimension.</summary>
    public static Tensor Sum(this Tensor t, int dim, bool keepDim = false) => t.Sum(new[] { dim }, keepDim);
    /// <summary>Mean of all elements.</summary>
    public static Tensor Mean(this Tensor t) => Reductions.mean(t);
    /// <summary>Mean over a dimension.</summary>
    public static Tensor Mean(this Tensor t, int dim, bool keepDim = false) => Reductions.meanDim(dim, keepDim, t);
    /// <summary>Variance (unbiased).</summary>
    public static Tensor Var(this Tensor t) => Reductions.var(1, t);
    /// <summary>Variance over all elements, divided by n - 1 when <paramref name="unbiased"/> and by n otherwise (x.var(unbiased=False)).</summary>
    public static Tensor Var(this Tensor t, bool unbiased) => Reductions.var(unbiased ? 1 : 0, t);
    /// <summary>Standard deviation (unbiased).</summary>
    public static Tensor Std(this Tensor t) => Reductions.std(1, t);
    /// <summary>The unbiased variance along a dimension (x.var(dim)).</summary>
    public static Tensor Var(this Tensor t, int dim, bool keepDim = false) => Reductions.varDims(new[] { dim }, 1, keepDim, t);
    /// <summary>The unbiased standard deviation along a dimension (x.std(dim)).</summary>
    public static Tensor Std(this Tensor t, int dim, bool keepDim = false) => Reductions.stdDims(new[] { dim }, 1, keepDim, t);
    /// <summary>Largest element.</summary>
    public static Tensor Max(this Tensor t) => Reductions.max(t);
    /// <summary>Smallest element.</summary>
    public static Tensor Min(this Tensor t) => Reductions.min(t);
    /// <summary>Largest elements along a dimension, with their indices.</summary>
    public static (Tensor Values, Tensor Indices) Max(this Tensor t, int dim, bool keepDim = false) { var r = Reductions.maxDim(dim, keepDim, t); return (r.Item1, r.Item2); }
    /// <summary>Smallest elements along a dimension, with their indices.</summary>
    public static (Tensor Values, Tensor Indices) Min(this Tensor t, int dim, bool keepDim = false) { var r = Reductions.minDim(dim, keepDim, t); return (r.Item1, r.Item2); }
    /// <summary>Index of the largest element.</summary>
    public static Tensor ArgMax(this Tensor t) => Reductions.argmax(t);
    /// <summary>Indices of the largest elements along a dimension.</summary>
    public static Tensor ArgMax(this Tensor t, int dim, bool keepDim = false) => Reductions.argmaxDim(dim, keepDim, t);
    /// <summary>Index of the smallest element.</summary>
    public static Tensor ArgMin(this Tensor t) => Reductions.argmin(t);
    /// <summary>log(sum(exp(x))) along a dimension.</summary>
    public static Tensor LogSumExp(this Tensor t, int dim, bool keepDim = false) => Reductions.logsumexp(dim, keepDim, t);
    /// <summary>Softmax along a dimension.</summary>
    public static Tensor Softmax(this Tensor t, int dim) => Reductions.softmax(dim, t);
    /// <summary>Log-softmax along a dimension.</summary>
    public static Tensor LogSoftmax(this Tensor t, int dim) => Reductions.logSoftmax(dim, t);

    /// <summary>Matrix product.</summary>
    public static Tensor MatMul(this Tensor a, Tensor b) => Tensor.MatMul(a, b);
    /// <summary>Dot product of 1-D tensors.</summary>
    public static Tensor Dot(this Tensor a, Tensor b) => Tensor.MatMul(a, b);

    /// <summary>Bytes per element of the tensor's dtype (tensor.element_size()): 4 for float32, 8 for float64 and int64.</summary>
    public static int ElementSize(this Tensor t) => DtypeModule.size(t.Dtype);
    /// <summary>True when |a - b| &lt;= atol + rtol * |b| holds for every element after broadcasting, computed in the tensors' dtype (torch.allclose); NaNs are equal only with <paramref name="equalNan"/>.</summary>
    public static bool AllClose(this Tensor a, Tensor b, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
    {
        System.ArgumentNullException.ThrowIfNull(a);
        System.ArgumentNullException.ThrowIfNull(b);
        var diff = a - b;
        var close = diff.Abs().Le(b.Abs() * rtol + atol).ToBoolArray();
        if (!equalNan) return System.Array.TrueForAll(close, c => c);
        var aw = a.Expand(diff.ShapeArray).Contiguous().ToDoubleArray();
        var bw = b.Expand(diff.ShapeArray).Contiguous().ToDoubleArray();
        for (int i = 0; i < close.Length; i++)
            if (!close[i] && !(double.IsNaN(aw[i]) && double.IsNaN(bw[i]))) return false;
        return true;
    }
    /// <summary>Reshape (one size may be -1).</summary>
    public static Tensor Reshape(this Tensor t, params int[] shape) => t.Reshape(shape);
    /// <summary>View (same as reshape: storage is contiguous).</summary>
    public static Tensor View(this Tensor t, params int[] shape) => t.View(shape);
    /// <summary>Reorders dimensions.</summary>
    public static Tensor Permute(this Tensor t, params int[] dims) => t.Permute(dims);
    /// <summary>Inserts a size-1 dimension.</summary>
    public static Tensor Unsqueeze(this Tensor t, int dim) => Shapes.unsqueeze(dim, t);
    /// <summary>Removes all size-1 dimensions.</summary>
    public static Tensor Squeeze(this Tensor t) => Shapes.squeeze(t);
    /// <summary>Removes a size-1 dimension.</summary>
    public static Tensor Squeeze(this Tensor t, int dim) => Shapes.squeezeDim(dim, t);
    /// <summary>Flattens dimensions startDim..endDim.</summary>
    public static Tensor Flatten(this Tensor t, int startDim = 0, int endDim = -1) => Shapes.flatten(startDim, endDim, t);
    /// <summary>Broadcasts to a shape.</summary>
    public static Tensor Expand(this Tensor t, params int[] shape) => t.Expand(shape);
    /// <summary>Reverses along dimensions.</summary>
    public static Tensor Flip(this Tensor t, params int[] dims) => Shapes.flip(dims, t);
    /// <summary>Tiles the tensor.</summary>
    public static Tensor Repeat(this Tensor t, params int[] repeats) => Shapes.repeat(repeats, t);
    /// <summary>Splits into pieces of a size along a dimension.</summary>
    public static Tensor[] Split(this Tensor t, int size, int dim = 0) => Shapes.split(size, dim, t);
    /// <summary>Splits into a number of chunks along a dimension.</summary>
    public static Tensor[] Chunk(this Tensor t, int chunks, int dim = 0) => Shapes.chunk(chunks, dim, t);
    /// <summary>Slices along a dimension picked by a 1-D int64 index (tensor.index_select).</summary>
    public static Tensor IndexSelect(this Tensor t, int dim, Tensor index) => Indexing.indexSelect(dim, index, t);
    /// <summary>t with src written at index along dim (tensor.scatter).</summary>
    public static Tensor Scatter(this Tensor t, int dim, Tensor index, Tensor src) => Indexing.scatter(dim, index, src, t);
    /// <summary>t with src added at index along dim (tensor.scatter_add).</summary>
    public static Tensor ScatterAdd(this Tensor t, int dim, Tensor index, Tensor src) => Indexing.scatterAdd(dim, index, src, t);
    /// <summary>t with value where the bool mask is true (tensor.masked_fill).</summary>
    public static Tensor MaskedFill(this Tensor t, Tensor mask, double value) => Indexing.maskedFill(mask, value, t);
    /// <summary>The elements where the bool mask is true, as a 1-D tensor (tensor.masked_select).</summary>
    public static Tensor MaskedSelect(this Tensor t, Tensor mask) => Indexing.maskedSelect(mask, t);
    /// <summary>Repeats each element along dim, or of the flattened tensor when dim is null (tensor.repeat_interleave).</summary>
    public static Tensor RepeatInterleave(this Tensor t, int repeats, int? dim = null) =>
        Indexing.repeatInterleave(repeats, dim is int d ? Microsoft.FSharp.Core.FSharpOption<int>.Some(d) : Microsoft.FSharp.Core.FSharpOption<int>.None, t);
    /// <summary>Tiles the tensor; fewer reps than dimensions are padded with leading 1s (tensor.tile).</summary>
    public static Tensor Tile(this Tensor t, params int[] reps) => Indexing.tile(reps, t);
    /// <summary>Gathers values along a dimension.</summary>
    public static Tensor Gather(this Tensor t, int dim, Tensor index) => Indexing.gather(dim, index, t);
    /// <summary>Elements start, start+step, ... before stop along a dimension.</summary>
    public static Tensor Slice(this Tensor t, int dim, int start, int stop, int step = 1) => t.Slice(dim, start, stop, step);

    /// <summary>Elementwise x &gt; y as a bool tensor.</summary>
    public static Tensor Gt(this Tensor t, Tensor other) => t.Compare(Backend.CompareKind.Gt, other);
    /// <summary>Elementwise x &lt; y as a bool tensor.</summary>
    public static Tensor Lt(this Tensor t, Tensor other) => t.Compare(Backend.CompareKind.Lt, other);
    /// <summary>Elementwise x == y as a bool tensor.</summary>
    public static Tensor Eq(this Tensor t, Tensor other) => t.Compare(Backend.CompareKind.Eq, other);
    /// <summary>Elementwise x != y as a bool tensor.</summary>
    public static Tensor Ne(this Tensor t, Tensor other) => t.Compare(Backend.CompareKind.Ne, other);
    /// <summary>Elementwise x &gt;= y as a bool tensor.</summary>
    public static Tensor Ge(this Tensor t, Tensor other) => t.Compare(Backend.CompareKind.Ge, other);
    /// <summary>Elementwise x &lt;= y as a bool tensor.</summary>
    public static Tensor Le(this Tensor t, Tensor other) => t.Compare(Backend.CompareKind.Le, other);
    /// <summary>Elementwise x &gt; s as a bool tensor.</summary>
    public static Tensor Gt(this Tensor t, double s) => t.CompareScalar(Backend.CompareKind.Gt, s);
    /// <summary>Elementwise x &lt; s as a bool tensor.</summary>
    public static Tensor Lt(this Tensor t, double s) => t.CompareScalar(Backend.CompareKind.Lt, s);

    /// <summary>Converts to float32.</summary>
    public static Tensor Float(this Tensor t) => t.Cast(Dtype.Float32);
    /// <summary>Converts to float64.</summary>
    public static Tensor Double(this Tensor t) => t.Cast(Dtype.Float64);
    /// <summary>Converts to int64.</summary>
    public static Tensor Long(this Tensor t) => t.Cast(Dtype.Int64);
    /// <summary>Converts to int32 (tensor.int()); floats truncate toward zero.</summary>
    public static Tensor Int(this Tensor t) => t.Cast(Dtype.Int32);
    /// <summary>Converts to a dtype.</summary>
    public static Tensor To(this Tensor t, Dtype dtype) => t.Cast(dtype);
    /// <summary>Converts to a dtype (tensor.type(dtype)), as <see cref="To(Tensor, Dtype)"/>.</summary>
    public static Tensor Type(this Tensor t, Dtype dtype) => t.Cast(dtype);
    /// <summary>Values as float32, row-major.</summary>
    public static float[] ToArray(this Tensor t) => t.ToFloat32Array();
    /// <summary>A leaf tensor that records operations (tensor.requires_grad_()).</summary>
    public static Tensor RequiresGrad(this Tensor t) => t.RequiresGrad_();
}
