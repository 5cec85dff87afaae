namespace Fluxion.CSharp;

/// <summary>Entry points shaped like PyTorch's <c>torch</c> module.</summary>
public static class Torch
{
    /// <summary>The Fluxion version string.</summary>
    public static string Version => Fluxion.Info.version;
}
