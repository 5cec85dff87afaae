namespace Fluxion.CSharp;

/// <summary>PyTorch-style in-place updates of parameters for hand-written training loops.</summary>
public static class ParameterExtensions
{
    /// <summary>param -= update, in place and unrecorded (use inside <see cref="Torch.NoGrad"/>).</summary>
    public static void Sub_(this Fluxion.Nn.Parameter parameter, Tensor update) => parameter.Value.SubInPlace(update);
    /// <summary>param += update, in place and unrecorded.</summary>
    public static void Add_(this Fluxion.Nn.Parameter parameter, Tensor update) => parameter.Value.AddInPlace(update, 1.0);
    /// <summary>The number of elements (param.numel()).</summary>
    public static int Numel(this Fluxion.Nn.Parameter parameter) => parameter.Numel;
    /// <summary>The single value of a one-element parameter.</summary>
    public static double Item(this Fluxion.Nn.Parameter parameter) => parameter.Value.ToDouble();
    /// <summary>The values as a flat float32 array (row-major), as for a tensor.</summary>
    public static float[] ToArray(this Fluxion.Nn.Parameter parameter) => parameter.Value.ToFloat32Array();
}
