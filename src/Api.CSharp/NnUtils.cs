using Fluxion.Nn;

namespace Fluxion.CSharp;

public static partial class Nn
{
    /// <summary>Gradient clipping as in <c>torch.nn.utils</c>, bit-exact with torch 1.13 in float32.</summary>
    public static class Utils
    {
        /// <summary>Scales all gradients so their joint norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
        public static Tensor ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false) =>
            Fluxion.Nn.Utils.clipGradNormWith(normType, errorIfNonfinite, maxNorm, parameters);

        /// <summary>Clamps every gradient element into [−clipValue, clipValue] in place.</summary>
        public static void ClipGradValue(IEnumerable<Parameter> parameters, double clipValue) =>
            Fluxion.Nn.Utils.clipGradValue(clipValue, parameters);
    }
}
