using Fluxion.Ops;
using Fluxion.Optim;
using Fluxion.Random;
using Microsoft.FSharp.Core;
using NnF = Fluxion.Nn.Functional;

namespace Fluxion.CSharp;

/// <summary>A convolution's padding: an int (both sides) or PyTorch's strings <c>"same"</c> / <c>"valid"</c>; converts implicitly from both.</summary>
public readonly struct Padding
{
    private readonly string? mode;
    /// <summary>The explicit padding on each side (0 for <c>"valid"</c>; meaningless for <c>"same"</c>).</summary>
    public int Value { get; }
    /// <summary>True for <c>"same"</c> padding.</summary>
    public bool IsSame => mode == "same";
    private Padding(int value, string? mode) { Value = value; this.mode = mode; }
    /// <summary>Explicit padding on both sides.</summary>
    public static implicit operator Padding(int value) =>
        value < 0 ? throw new ArgumentOutOfRangeException(nameof(value), value, "padding must be non-negative") : new(value, null);
    /// <summary><c>"same"</c> or <c>"valid"</c>.</summary>
    public static implicit operator Padding(string mode) => mode switch
    {
        "same" => new(0, "same"),
        "valid" => new(0, "valid"),
        null => throw new ArgumentNullException(nameof(mode)),
        _ => throw new ArgumentException($"Invalid padding string: '{mode}'; use \"same\", \"valid\" or an int", nameof(mode)),
    };
    /// <summary>The padding as PyTorch prints it.</summary>
    public override string ToString() => mode is null ? Value.ToString() : $"'{mode}'";
}

/// <summary>PyTorch's <c>torch.nn.functional</c> with its argument order and keywords: <c>F.Conv1d(x, w, padding: "same")</c>, <c>F.CrossEntropy(logits, y)</c>.</summary>
public static class F
{
    private static FSharpOption<Tensor> Opt(Tensor? t) => t is null ? FSharpOption<Tensor>.None : FSharpOption<Tensor>.Some(t);

    private static Reduction Red(string reduction) => reduction switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        null => throw new ArgumentNullException(nameof(reduction)),
        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction; use \"mean\", \"sum\" or \"none\"", nameof(reduction)),
    };

    /// <summary>1-D convolution (torch.nn.functional.conv1d); <paramref name="padding"/> is an int, <c>"valid"</c> or <c>"same"</c> (stride 1 only; an odd total pads one more on the right, as PyTorch).</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, Padding padding = default, int dilation = 1, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (!padding.IsSame) return Convolution.conv1d(stride, padding.Value, dilation, groups, weight, Opt(bias), input);
        if (stride != 1) throw new ArgumentException("padding='same' is not supported for strided convolutions", nameof(padding));
        var total = dilation * (weight.ShapeArray[^1] - 1);
        var left = total / 2;
        var right = total - left;
        if (left == right) return Convolution.conv1d(1, left, dilation, groups, weight, Opt(bias), input);
        return Convolution.conv1d(1, 0, dilation, groups, weight, Opt(bias), Shapes.pad(new[] { left, right }, 0.0, input));
    }

    /// <summary>y = x·Wᵀ + b (torch.nn.functional.linear).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => NnF.linear(weight, Opt(bias), input);
    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor input) => Elementwise.relu(input);
    /// <summary>Logistic sigmoid.</summary>
    public static Tensor Sigmoid(Tensor input) => Elementwise.sigmoid(input);
    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor input) => Elementwise.tanh(input);
    /// <summary>Leaky ReLU.</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => Elementwise.leakyRelu(negativeSlope, input);
    /// <summary>ELU.</summary>
    public static Tensor Elu(Tensor input, double alpha = 1.0) => Elementwise.elu(alpha, input);
    /// <summary>GELU, exact (<c>"none"</c>) or with the tanh approximation (<c>"tanh"</c>).</summary>
    public static Tensor Gelu(Tensor input, string approximate = "none") => approximate switch
    {
        "none" => Elementwise.gelu(input),
        "tanh" => NnF.geluTanh(input),
        _ => throw new ArgumentException($"approximate argument must be either none or tanh, got '{approximate}'", nameof(approximate)),
    };
    /// <summary>Softplus (1/β)·log(1 + e^(βx)), linear above the threshold.</summary>
    public static Tensor Softplus(Tensor input, double beta = 1.0, double threshold = 20.0) => NnF.softplus(beta, threshold, input);
    /// <summary>Softmax along a dimension.</summary>
    public static Tensor Softmax(Tensor input, int dim) => Reductions.softmax(dim, input);
    /// <summary>Log-softmax along a dimension.</summary>
    public static Tensor LogSoftmax(Tensor input, int dim) => Reductions.logSoftmax(dim, input);

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, string reduction = "mean") => Loss.mse(Red(reduction), input, target);
    /// <summary>Mean absolute error.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, string reduction = "mean") => Loss.l1(Red(reduction), input, target);
    /// <summary>Huber loss.</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, string reduction = "mean", double delta = 1.0) => Loss.huber(delta, Red(reduction), input, target);
    /// <summary>Smooth L1 loss.</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, string reduction = "mean", double beta = 1.0) => Loss.smoothL1(beta, Red(reduction), input, target);
    /// <summary>Cross-entropy of logits against class indices or class probabilities.</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, string reduction = "mean", double labelSmoothing = 0.0) =>
        Loss.crossEntropyWith(Opt(weight), ignoreIndex, labelSmoothing, Red(reduction), input, target);
    /// <summary>Negative log-likelihood of log-probabilities against class indices.</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, string reduction = "mean") =>
        Loss.nllWith("NLLLoss", Opt(weight), ignoreIndex, Red(reduction), input, target);
    /// <summary>Binary cross-entropy of probabilities.</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean") =>
        Loss.bceWith(Opt(weight), Red(reduction), input, target);
    /// <summary>Binary cross-entropy of logits (numerically stable).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean", Tensor? posWeight = null) =>
        Loss.bceWithLogitsWith(Opt(weight), Opt(posWeight), Red(reduction), input, target);

    /// <summary>Dropout: zeroes elements with probability p in training and scales the rest by 1/(1-p); pass your own generator for reproducible masks.</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null) =>
        NnF.dropout(generator ?? Generator.Default, p, training, input);
    /// <summary>Max pooling over the last dimension (stride defaults to the kernel size).</summary>
    public static Tensor MaxPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1) =>
        Convolution.maxPool1d(kernelSize, stride ?? kernelSize, padding, dilation, input);
    /// <summary>Average pooling over the last dimension (stride defaults to the kernel size); <c>ceil_mode</c> and <c>count_include_pad</c> as in PyTorch.</summary>
    public static Tensor AvgPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) =>
        Convolution.avgPool1dWith(kernelSize, stride ?? kernelSize, padding, ceilMode, countIncludePad, input);
    /// <summary>Pads the last dimensions by (left, right, left, right, ...); mode "constant", or "reflect"/"replicate"/"circular" for the last dimension.</summary>
    public static Tensor Pad(Tensor input, int[] pad, string mode = "constant", double value = 0.0)
    {
        ArgumentNullException.ThrowIfNull(pad);
        if (mode == "constant") return Shapes.pad(pad, value, input);
        if (mode is "reflect" or "replicate" or "circular")
        {
            if (pad.Length != 2) throw new ArgumentException($"pad: mode '{mode}' supports padding the last dimension only (2 values), got {pad.Length}", nameof(pad));
            return NnF.padLast(mode, pad[0], pad[1], input);
        }
        throw new ArgumentException($"Unrecognised padding mode {mode}", nameof(mode));
    }
    /// <summary>Einstein summation (torch.einsum).</summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => Indexing.einsum(equation, operands);
}
