using Fluxion.Nn;
using Fluxion.Random;
using NnModule = Fluxion.Nn.Module;

namespace Fluxion.CSharp;

/// <summary>A tree of named tensors (parameters, gradients or optimizer state) with PyTorch's dotted names.</summary>
public sealed class ParamTree : IEnumerable<(string Name, Tensor Value)>
{
    internal Params Tree { get; }
    internal ParamTree(Params tree) => Tree = tree;
    /// <summary>The tensor at a dotted name such as <c>linear1.weight</c>.</summary>
    public Tensor this[string name] => ParamsModule.find(name, Tree);
    /// <summary>The dotted names in order.</summary>
    public IReadOnlyList<string> Names => ParamsModule.flatten(Tree).Select(e => e.Item1).ToArray();
    /// <summary>Total number of elements.</summary>
    public long Numel => ParamsModule.numel(Tree);
    /// <summary>Applies a function to every tensor, keeping the structure.</summary>
    public ParamTree Map(Func<Tensor, Tensor> f) => new(ParamsModule.map(Fn.Of(f), Tree));
    /// <summary>Combines two trees of the same structure tensor by tensor.</summary>
    public ParamTree Zip(ParamTree other, Func<Tensor, Tensor, Tensor> f) => new(ParamsModule.map2(Fn.Of(f), Tree, other.Tree));
    /// <summary>Enumerates (name, tensor) pairs in order.</summary>
    public IEnumerator<(string Name, Tensor Value)> GetEnumerator() =>
        ParamsModule.flatten(Tree).Select(e => (e.Item1, e.Item2)).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    /// <summary>One line per tensor: name and shape.</summary>
    public override string ToString() => string.Join("\n", this.Select(e => $"{e.Name}: {e.Value.Shape}"));
}

/// <summary>The pure view of a network: parameters in, outputs out.</summary>
public sealed class PureModel
{
    private readonly ModuleFunction function;
    internal PureModel(ModuleFunction function) => this.function = function;
    /// <summary>The network's current parameters (detached; same structure as the gradients).</summary>
    public ParamTree Parameters => new(function.Params);
    /// <summary>Runs the forward pass with the given parameters, leaving the module untouched.</summary>
    public Tensor Apply(ParamTree parameters, Tensor input) => function.Invoke(parameters.Tree, input);
    /// <summary>The forward pass as a delegate.</summary>
    public Func<ParamTree, Tensor, Tensor> Function => Apply;
}

/// <summary>Layers shaped like PyTorch's <c>torch.nn</c> (each is a <see cref="NnModule"/> you can call with <c>Call(x)</c>).
/// Layers with parameters draw them from <c>generator</c> when one is given, else from the global generator.</summary>
public static partial class Nn
{
    /// <summary>y = x·Wᵀ + b.</summary>
    public static Linear Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null) => new(inFeatures, outFeatures, bias, generator!);
    /// <summary>1-D convolution over (N, C, L).</summary>
    public static Conv1d Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true, Generator? generator = null) =>
        new(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, "zeros", generator!);
    /// <summary>1-D convolution with string padding, <c>"same"</c> (stride 1 only) or <c>"valid"</c>, as PyTorch's <c>padding='same'</c>.</summary>
    public static Conv1d Conv1d(int inChannels, int outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1, int groups = 1, bool bias = true, Generator? generator = null) =>
        new(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, "zeros", generator!);
    /// <summary>Elman RNN cell, PyTorch's <c>nn.RNNCell</c>: h' = act(x·Wihᵀ + bih + h·Whhᵀ + bhh) with act "tanh" or "relu".</summary>
    public static RNNCell RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", Generator? generator = null) =>
        new(inputSize, hiddenSize, bias, nonlinearity, generator!);
    /// <summary>Multi-layer Elman RNN, PyTorch's <c>nn.RNN</c>, over (L, N, H_in), (N, L, H_in) with batchFirst, or unbatched (L, H_in).</summary>
    public static RNN RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
                          double dropout = 0.0, bool bidirectional = false, Generator? generator = null) =>
        new(inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional, generator!);
    /// <summary>max(x, 0).</summary>
    public static ReLU ReLU() => new();
    /// <summary>Logistic sigmoid.</summary>
    public static Sigmoid Sigmoid() => new();
    /// <summary>Hyperbolic tangent.</summary>
    public static Tanh Tanh() => new();
    /// <summary>The identity.</summary>
    public static Identity Identity() => new();
    /// <summary>Leaky ReLU.</summary>
    public static LeakyReLU LeakyReLU(double negativeSlope = 0.01) => new(negativeSlope);
    /// <summary>ELU.</summary>
    public static ELU ELU(double alpha = 1.0) => new(alpha);
    /// <summary>GELU.</summary>
    public static GELU GELU() => new("none");
    /// <summary>Softplus.</summary>
    public static Softplus Softplus() => new();
    /// <summary>Softmax along a dimension.</summary>
    public static Softmax Softmax(int dim) => new(dim);
    /// <summary>Log-softmax along a dimension.</summary>
    public static LogSoftmax LogSoftmax(int dim) => new(dim);
    /// <summary>Flattens dimensions startDim..endDim.</summary>
    public static Flatten Flatten(int startDim = 1, int endDim = -1) => new(startDim, endDim);
    /// <summary>Dropout with probability p (active in training mode); masks come from the generator (null: the global one).</summary>
    public static Dropout Dropout(double p = 0.5, Generator? generator = null) => new(p, generator!);
    /// <summary>Batch normalisation over (N, C) or (N, C, L), PyTorch 1.13's CPU bits; <c>momentum: null</c> is PyTorch's
    /// <c>momentum=None</c> (a cumulative average of the batch statistics).</summary>
    public static BatchNorm1d BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true) =>
        new(numFeatures, eps, momentum ?? double.NaN, affine, trackRunningStats);
    /// <summary>Max pooling over the last dimension (stride 0: the kernel size).</summary>
    public static MaxPool1d MaxPool1d(int kernelSize, int stride = 0, int padding = 0, int dilation = 1, bool ceilMode = false) =>
        new(kernelSize, stride, padding, dilation, ceilMode);
    /// <summary>Adaptive average pooling of the last dimension to <paramref name="outputSize"/> cells (PyTorch's windows).</summary>
    public static AdaptiveAvgPool1d AdaptiveAvgPool1d(int outputSize) => new(outputSize);
    /// <summary>Splits dimension <paramref name="dim"/> into <paramref name="unflattenedSize"/> (one size may be -1, inferred).</summary>
    public static Unflatten Unflatten(int dim, params int[] unflattenedSize) => new(dim, unflattenedSize);
    /// <summary>Average pooling over the last dimension (stride 0: the kernel size); <c>ceil_mode</c> and <c>count_include_pad</c> as in PyTorch.</summary>
    public static AvgPool1d AvgPool1d(int kernelSize, int stride = 0, int padding = 0, bool ceilMode = false, bool countIncludePad = true) =>
        new(kernelSize, stride, padding, ceilMode, countIncludePad);
    /// <summary>A container that applies modules in order.</summary>
    public static Sequential Sequential(params NnModule[] modules) => new(modules);
    /// <summary>Mean squared error loss.</summary>
    public static Fluxion.Optim.MSELoss MSELoss(Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean) => new(reduction);
    /// <summary>Mean absolute error loss.</summary>
    public static Fluxion.Optim.L1Loss L1Loss(Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean) => new(reduction);
    /// <summary>Huber loss.</summary>
    public static Fluxion.Optim.HuberLoss HuberLoss(double delta = 1.0, Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean) => new(reduction, delta);
    /// <summary>Smooth L1 loss.</summary>
    public static Fluxion.Optim.SmoothL1Loss SmoothL1Loss(double beta = 1.0, Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean) => new(reduction, beta);
    /// <summary>Cross-entropy of logits against int64 class indices or class probabilities.</summary>
    public static Fluxion.Optim.CrossEntropyLoss CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean, double labelSmoothing = 0.0) =>
        new(weight!, ignoreIndex, reduction, labelSmoothing);
    /// <summary>Negative log-likelihood of log-probabilities.</summary>
    public static Fluxion.Optim.NLLLoss NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean) =>
        new(weight!, ignoreIndex, reduction);
    /// <summary>Binary cross-entropy of probabilities.</summary>
    public static Fluxion.Optim.BCELoss BCELoss(Tensor? weight = null, Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean) => new(weight!, reduction);
    /// <summary>Binary cross-entropy of logits; <paramref name="posWeight"/> (one weight per class, broadcast over the last dimension) scales the positive term, <paramref name="weight"/> each element.</summary>
    public static Fluxion.Optim.BCEWithLogitsLoss BCEWithLogitsLoss(Tensor? weight = null, Fluxion.Optim.Reduction reduction = Fluxion.Optim.Reduction.Mean, Tensor? posWeight = null) =>
        new(weight!, reduction, posWeight!);
    /// <summary>The torchinfo summary table (runs one forward pass on torch.rand(inputSize), drawing from the global generator).</summary>
    public static string Summary(NnModule model, params int[] inputSize) => Fluxion.Nn.Summary.summary(model, inputSize);
    /// <summary>The torchinfo summary table with columns <paramref name="colWidth"/> characters wide (<c>summary(model, input_size, col_width=...)</c>).</summary>
    public static string Summary(NnModule model, int[] inputSize, int colWidth)
    {
        ArgumentNullException.ThrowIfNull(inputSize);
        if (colWidth < 0) throw new ArgumentOutOfRangeException(nameof(colWidth), colWidth, "summary: col_width must be >= 0.");
        var d = Fluxion.Printing.SummaryFormat.defaultOptions(true);
        var options = new Fluxion.Printing.SummaryOptions(d.Columns, d.Depth, colWidth, d.RowSettings);
        return Fluxion.Nn.ModuleSummaryExtensions.Summary(model, inputSize, options);
    }
}

/// <summary>Composition and pure views of modules for C#.</summary>
public static class ModuleExtensions
{
    /// <summary>Runs this module, then the next one (a Sequential).</summary>
    public static Sequential Then(this NnModule first, NnModule next) =>
        first is Sequential s ? new Sequential(s.Children().Append(next).ToArray()) : new Sequential(first, next);
    /// <summary>The pure view: parameters in, outputs out.</summary>
    public static PureModel AsPure(this NnModule model) => new(model.AsFunction());
    /// <summary>Copies a parameter tree (same structure) into the module's parameters.</summary>
    public static void LoadParameters(this NnModule model, ParamTree parameters) => model.LoadParams(parameters.Tree);
    /// <summary>The torchinfo summary table.</summary>
    public static string Summary(this NnModule model, params int[] inputSize) => Fluxion.Nn.Summary.summary(model, inputSize);
}

/// <summary>Adapts .NET delegates to F# functions for calls into the core.</summary>
internal static class Fn
{
    public static Microsoft.FSharp.Core.FSharpFunc<A, R> Of<A, R>(Func<A, R> f) => Microsoft.FSharp.Core.FSharpFunc<A, R>.FromConverter(x => f(x));
    public static Microsoft.FSharp.Core.FSharpFunc<A, Microsoft.FSharp.Core.FSharpFunc<B, R>> Of<A, B, R>(Func<A, B, R> f) =>
        Microsoft.FSharp.Core.FSharpFunc<A, Microsoft.FSharp.Core.FSharpFunc<B, R>>.FromConverter(a => Of<B, R>(b => f(a, b)));
}
