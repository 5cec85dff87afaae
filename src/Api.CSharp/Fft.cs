using Fluxion.Ops;

namespace Fluxion.CSharp;

/// <summary>
/// PyTorch's <c>torch.fft</c> for one dimension: <c>Fft.Rfft(x, n: 64, norm: "ortho").Abs()</c>. Complex values
/// are <see cref="ComplexTensor"/>s (a real tensor in <c>torch.view_as_real</c> layout with <c>Real</c>,
/// <c>Imag</c>, <c>Abs()</c> and <c>Angle()</c>), since Fluxion has no complex dtype. Every transform is
/// differentiable.
/// </summary>
public static class Fft
{
    /// <summary>The onesided DFT of a real signal along <paramref name="dim"/> (torch.fft.rfft); <paramref name="n"/> crops or zero-pads.</summary>
    public static ComplexTensor Rfft(Tensor x, int? n = null, int dim = -1, string norm = "backward") =>
        Fluxion.Ops.Fft.rfft(x, n, dim, norm);

    /// <summary>The real signal of <paramref name="n"/> points (default 2·(bins−1)) whose onesided DFT is <paramref name="x"/> (torch.fft.irfft).</summary>
    public static Tensor Irfft(ComplexTensor x, int? n = null, int dim = -1, string norm = "backward") =>
        Fluxion.Ops.Fft.irfft(x, n, dim, norm);

    /// <summary>The DFT of a complex signal (torch.fft.fft; a C# member cannot share its class name <c>Fft</c>).</summary>
    public static ComplexTensor Transform(ComplexTensor x, int? n = null, int dim = -1, string norm = "backward") =>
        Fluxion.Ops.Fft.fft(x, n, dim, norm);

    /// <summary>The DFT of a real signal taken as complex (torch.fft.fft).</summary>
    public static ComplexTensor Transform(Tensor x, int? n = null, int dim = -1, string norm = "backward") =>
        Fluxion.Ops.Fft.fft(x, n, dim, norm);

    /// <summary>The inverse DFT of a complex signal (torch.fft.ifft).</summary>
    public static ComplexTensor Ifft(ComplexTensor x, int? n = null, int dim = -1, string norm = "backward") =>
        Fluxion.Ops.Fft.ifft(x, n, dim, norm);

    /// <summary>The inverse DFT of a real signal taken as complex (torch.fft.ifft).</summary>
    public static ComplexTensor Ifft(Tensor x, int? n = null, int dim = -1, string norm = "backward") =>
        Fluxion.Ops.Fft.ifft(x, n, dim, norm);

    /// <summary>A complex tensor from equally shaped real and imaginary parts (torch.complex).</summary>
    public static ComplexTensor Complex(Tensor real, Tensor imag) => ComplexTensor.Complex(real, imag);
}

/// <summary>PyTorch's <c>tensor.roll</c> as C# extension methods (differentiable circular shifts).</summary>
public static class RollExtensions
{
    /// <summary>Rolls by <paramref name="shifts"/> along <paramref name="dim"/>, or the flattened tensor when no dim is given (torch.roll).</summary>
    public static Tensor Roll(this Tensor x, int shifts, int? dim = null) =>
        dim.HasValue ? Fluxion.Ops.Roll.roll(new[] { shifts }, new[] { dim.Value }, x) : Fluxion.Ops.Roll.roll(new[] { shifts }, System.Array.Empty<int>(), x);

    /// <summary>Rolls by <c>shifts[i]</c> along <c>dims[i]</c> (torch.roll with tuples).</summary>
    public static Tensor Roll(this Tensor x, int[] shifts, int[] dims) => Fluxion.Ops.Roll.roll(shifts, dims, x);
}
