using Fluxion.Data;

namespace Fluxion.CSharp;

/// <summary>The course unit's data sets.</summary>
public static class Datasets
{
    /// <summary>The 100 training pairs of the unit (reseeds the global generator with 0, as the course's library does).</summary>
    public static (Tensor X, Tensor Y) TrainingPairs()
    {
        var (x, y) = UnitData.trainingPairs().ToValueTuple();
        return (Torch.FromArray(x, x.Length), Torch.FromArray(y, y.Length));
    }

    /// <summary>The Himmelblau function (u² + v − 11)² + (u + v² − 7)² on tensors (differentiable).</summary>
    public static Tensor Himmelblau(Tensor u, Tensor v) => (u.Pow(2) + v - 11).Pow(2) + (u + v.Pow(2) - 7).Pow(2);
}

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
}
