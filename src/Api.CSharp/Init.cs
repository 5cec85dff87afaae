using Fluxion.Nn;
using Fluxion.Random;
using Microsoft.FSharp.Core;

namespace Fluxion.CSharp;

/// <summary>PyTorch's <c>torch.nn.init</c>: fills a parameter or tensor in place with PyTorch's draws (global generator unless one is given).</summary>
public static class Init
{
    private static Generator G(Generator? g) => g ?? Generator.Default;
    /// <summary>The recommended gain for a nonlinearity.</summary>
    public static double CalculateGain(string nonlinearity, double? param = null) =>
        InitModule.calculateGain(nonlinearity, param.HasValue ? FSharpOption<double>.Some(param.Value) : FSharpOption<double>.None);
    /// <summary>Uniform samples in [a, b).</summary>
    public static Tensor Uniform_(Tensor t, double a = 0, double b = 1, Generator? generator = null) => InitModule.uniform(G(generator), a, b, t);
    /// <summary>Normal samples.</summary>
    public static Tensor Normal_(Tensor t, double mean = 0, double std = 1, Generator? generator = null) => InitModule.normal(G(generator), mean, std, t);
    /// <summary>A constant.</summary>
    public static Tensor Constant_(Tensor t, double value) => InitModule.constant(value, t);
    /// <summary>Zeros.</summary>
    public static Tensor Zeros_(Tensor t) => InitModule.zeros(t);
    /// <summary>Ones.</summary>
    public static Tensor Ones_(Tensor t) => InitModule.ones(t);
    /// <summary>Glorot uniform.</summary>
    public static Tensor XavierUniform_(Tensor t, double gain = 1, Generator? generator = null) => InitModule.xavierUniform(G(generator), gain, t);
    /// <summary>Glorot normal.</summary>
    public static Tensor XavierNormal_(Tensor t, double gain = 1, Generator? generator = null) => InitModule.xavierNormal(G(generator), gain, t);
    /// <summary>He uniform (mode "fan_in" or "fan_out").</summary>
    public static Tensor KaimingUniform_(Tensor t, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) =>
        InitModule.kaimingUniform(G(generator), a, mode, nonlinearity, t);
    /// <summary>He normal (mode "fan_in" or "fan_out").</summary>
    public static Tensor KaimingNormal_(Tensor t, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) =>
        InitModule.kaimingNormal(G(generator), a, mode, nonlinearity, t);
    /// <summary>Uniform samples into a parameter.</summary>
    public static Parameter Uniform_(Parameter p, double a = 0, double b = 1, Generator? generator = null) { Uniform_(p.Value, a, b, generator); return p; }
    /// <summary>Normal samples into a parameter.</summary>
    public static Parameter Normal_(Parameter p, double mean = 0, double std = 1, Generator? generator = null) { Normal_(p.Value, mean, std, generator); return p; }
    /// <summary>A constant into a parameter.</summary>
    public static Parameter Constant_(Parameter p, double value) { Constant_(p.Value, value); return p; }
    /// <summary>Zeros into a parameter.</summary>
    public static Parameter Zeros_(Parameter p) { Zeros_(p.Value); return p; }
    /// <summary>Glorot uniform into a parameter.</summary>
    public static Parameter XavierUniform_(Parameter p, double gain = 1, Generator? generator = null) { XavierUniform_(p.Value, gain, generator); return p; }
    /// <summary>Glorot normal into a parameter.</summary>
    public static Parameter XavierNormal_(Parameter p, double gain = 1, Generator? generator = null) { XavierNormal_(p.Value, gain, generator); return p; }
    /// <summary>He uniform into a parameter.</summary>
    public static Parameter KaimingUniform_(Parameter p, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) { KaimingUniform_(p.Value, a, mode, nonlinearity, generator); return p; }
    /// <summary>He normal into a parameter.</summary>
    public static Parameter KaimingNormal_(Parameter p, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) { KaimingNormal_(p.Value, a, mode, nonlinearity, generator); return p; }
}
