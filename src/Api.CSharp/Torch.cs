using Fluxion.Backend;
using Fluxion.IO;
using Fluxion.Ops;
using Fluxion.Random;

namespace Fluxion.CSharp;

/// <summary>Tensor creation, seeding and autograd switches, shaped like PyTorch's <c>torch</c> module.</summary>
public static class Torch
{
    /// <summary>torch.float32, the default dtype.</summary>
    public const Dtype Float32 = Dtype.Float32;
    /// <summary>torch.float64.</summary>
    public const Dtype Float64 = Dtype.Float64;
    /// <summary>torch.int64.</summary>
    public const Dtype Int64 = Dtype.Int64;
    /// <summary>torch.int32.</summary>
    public const Dtype Int32 = Dtype.Int32;
    /// <summary>torch.bool.</summary>
    public const Dtype Bool = Dtype.Bool;
    /// <summary>π as a double (torch.pi).</summary>
    public const double Pi = Math.PI;

    /// <summary>Seeds the global generator (torch.manual_seed); the same seed gives PyTorch's numbers.</summary>
    public static void ManualSeed(long seed) => RandomTensors.manualSeed(seed);

    /// <summary>The global random generator (shared by every thread; each sampling call draws under its lock).</summary>
    public static Generator DefaultGenerator => Fluxion.Random.Generator.Default;

    /// <summary>A new generator with PyTorch's default seed (torch.Generator()); seed it with <c>ManualSeed</c>, which returns it.</summary>
    public static Generator Generator() => new();

    /// <summary>A scope around one training step (<c>using (Torch.StepScope())</c>): storage its ops make returns to a pool when it is disposed, for the next step; a tensor made inside and used afterwards throws ObjectDisposedException unless <c>Keep()</c> was called on it inside.</summary>
    public static IDisposable StepScope() => Fluxion.Tensor.StepScope();
    /// <summary>Runs <paramref name="step"/> once while recording every kernel it calls and returns the recording: <c>Run()</c> replays those kernels on the same tensors (no graph, no new tensors) and returns the step's output with the new values, bit for bit what the eager step gives. As with a CUDA graph, host values the step read are frozen; optimizers re-read their step counts and learning rates; reading a value on the host inside the step throws NotSupportedException. On the Torch backend nothing is recorded and <c>Run()</c> runs the step again.</summary>
    /// <param name="step">One training step that returns the tensor to read after each replay (e.g. the loss); it must leave the state it found (call <c>ZeroGrad()</c> inside).</param>
    public static CapturedStep Capture(Func<Tensor> step) => Fluxion.Tensor.Capture(step);
    /// <summary>A scope in which tensors that require grad record nothing (torch.no_grad); dispose it to leave.</summary>
    public static IDisposable NoGrad() => GradMode.NoGrad();
    /// <summary>A scope in which nothing is recorded, as <see cref="NoGrad"/> (torch.inference_mode); unlike PyTorch's inference tensors, tensors made inside may join autograd later. Dispose it to leave.</summary>
    public static IDisposable InferenceMode() => GradMode.InferenceMode();
    /// <summary>True inside an <see cref="InferenceMode"/> scope on this thread (torch.is_inference_mode_enabled).</summary>
    public static bool IsInferenceModeEnabled => GradMode.IsInferenceModeEnabled;
    /// <summary>True unless inside a <see cref="NoGrad"/> or <see cref="InferenceMode"/> scope on this thread (torch.is_grad_enabled).</summary>
    public static bool IsGradEnabled => GradMode.IsEnabled;

    /// <summary>A scope in which every op checks its result for NaN and every backward node its gradients, raising an error that names the op (torch.autograd.detect_anomaly); per thread, nestable, dispose it to leave.</summary>
    public static IDisposable DetectAnomaly() => AnomalyMode.DetectAnomaly();
    /// <summary>True inside a <see cref="DetectAnomaly"/> scope on this thread (torch.is_anomaly_enabled).</summary>
    public static bool IsAnomalyEnabled => AnomalyMode.IsEnabled;

    /// <summary>Sets how every tensor prints, process-wide for all threads (torch.set_printoptions): a profile ("default", "short", "full") first, then each given value; <paramref name="sciMode"/> is always assigned, so null means automatic.</summary>
    public static void SetPrintOptions(int? precision = null, int? threshold = null, int? edgeitems = null, int? linewidth = null,
                                       string? profile = null, bool? sciMode = null) =>
        Fluxion.Printing.PrintSettings.SetPrintOptions(precision, threshold, edgeitems, linewidth, profile!, sciMode);

    /// <summary>The print options in force (PyTorch's torch._tensor_str.PRINT_OPTS); pass them to <see cref="SetPrintOptions(Fluxion.Printing.PrintOptions)"/> to restore them.</summary>
    public static Fluxion.Printing.PrintOptions GetPrintOptions() => Fluxion.Printing.PrintSettings.Current;

    /// <summary>Restores print options read earlier with <see cref="GetPrintOptions"/>.</summary>
    public static void SetPrintOptions(Fluxion.Printing.PrintOptions options) => Fluxion.Printing.PrintSettings.Set(options);

    /// <summary>A 0-dim tensor from a number.</summary>
    public static Tensor Tensor(double value, Dtype dtype = Dtype.Float32) => Creation.scalar(value, dtype);
    /// <summary>A 1-D tensor from values.</summary>
    public static Tensor Tensor(float[] values) => Creation.ofFloat32(new[] { NotNull(values, nameof(values)).Length }, values);
    /// <summary>A 1-D tensor from values, as the given dtype (float32 by default, like PyTorch).</summary>
    public static Tensor Tensor(double[] values, Dtype dtype = Dtype.Float32) => Creation.ofDoubles(new[] { NotNull(values, nameof(values)).Length }, dtype, values);
    /// <summary>A 1-D int64 tensor.</summary>
    public static Tensor Tensor(long[] values) => Creation.ofInt64(new[] { NotNull(values, nameof(values)).Length }, values);
    /// <summary>A 1-D tensor from C# ints: int32 by default (as TorchSharp), or the given dtype (torch.tensor(values, dtype=...)).</summary>
    public static Tensor Tensor(int[] values, Dtype dtype = Dtype.Int32) => Creation.ofInt32(new[] { NotNull(values, nameof(values)).Length }, values).Cast(dtype);
    /// <summary>A 1-D tensor from longs as the given dtype (torch.tensor([1, 2, 3], dtype=torch.int32)).</summary>
    public static Tensor Tensor(long[] values, Dtype dtype) => Creation.ofInt64(new[] { NotNull(values, nameof(values)).Length }, values).Cast(dtype);
    /// <summary>A 2-D tensor from rows of C# ints: int32 by default, or the given dtype.</summary>
    public static Tensor Tensor(int[][] rows, Dtype dtype = Dtype.Int32) => Creation.ofNested(rows).Cast(dtype);
    /// <summary>A 2-D tensor from rows.</summary>
    public static Tensor Tensor(double[][] rows, Dtype dtype = Dtype.Float32) => Cast(Creation.ofNested(rows), dtype);
    /// <summary>A 2-D tensor from rows.</summary>
    public static Tensor Tensor(float[][] rows) => Creation.ofNested(rows);
    /// <summary>An int64 matrix from rows of equal length (torch.tensor([[1, 2], [3, 4]])).</summary>
    public static Tensor Tensor(long[][] rows) => Creation.ofNested(rows);
    /// <summary>A 3-D tensor from nested rows.</summary>
    public static Tensor Tensor(double[][][] data, Dtype dtype = Dtype.Float32) => Cast(Creation.ofNested(data), dtype);
    /// <summary>A tensor from flat row-major data and a shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => Creation.ofFloat32(shape, data);
    /// <summary>A float64 tensor from flat row-major data and a shape.</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => Creation.ofFloat64(shape, data);

    /// <summary>A tensor that shares memory with the array, as torch.from_numpy: writes through either are seen by the
    /// other (the other FromArray/Tensor overloads copy). Managed backend only; the shape defaults to (data.Length,).</summary>
    public static Tensor FromNumPy(long[] data, params int[] shape) => Share(data, shape, (d, s) => ManagedBackend.Instance.OfInt64(d, s));
    /// <summary>A float32 tensor sharing memory with the array (torch.from_numpy; see the long[] overload).</summary>
    public static Tensor FromNumPy(float[] data, params int[] shape) => Share(data, shape, (d, s) => ManagedBackend.Instance.OfFloat32(d, s));
    /// <summary>A float64 tensor sharing memory with the array (torch.from_numpy; see the long[] overload).</summary>
    public static Tensor FromNumPy(double[] data, params int[] shape) => Share(data, shape, (d, s) => ManagedBackend.Instance.OfFloat64(d, s));
    /// <summary>A bool tensor sharing memory with the array (torch.from_numpy; see the long[] overload).</summary>
    public static Tensor FromNumPy(bool[] data, params int[] shape) => Share(data, shape, (d, s) => ManagedBackend.Instance.OfBool(d, s));

    private static Tensor Share<T>(T[] data, int[]? shape, Func<T[], int[], RawTensor> make)
    {
        NotNull(data, nameof(data));
        var s = shape is null || shape.Length == 0 ? new[] { data.Length } : shape;
        var n = Fluxion.Shape.validate("from_numpy", s);
        if (n != data.Length)
            throw new ShapeException($"from_numpy: {data.Length} values do not fill shape {Fluxion.Shape.toString(s)} ({n} elements); pass a shape whose sizes multiply to the array's length");
        return Fluxion.Tensor.OfRaw(make(data, s));
    }

    // Names the caller's parameter instead of letting `.Length` or LINQ fail with a NullReferenceException or 'source'.
    private static T NotNull<T>(T? value, string name) where T : class =>
        value ?? throw new ArgumentNullException(name, $"torch: {name} is null");

    private static Tensor Cast(Tensor t, Dtype dtype) => t.Dtype == dtype || !DtypeModule.isFloat(t.Dtype) ? t : t.Cast(dtype);

    /// <summary>Zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Creation.zeros(shape, Dtype.Float32);
    /// <summary>Zeros of a dtype.</summary>
    public static Tensor Zeros(int[] shape, Dtype dtype) => Creation.zeros(shape, dtype);
    /// <summary>Ones.</summary>
    public static Tensor Ones(params int[] shape) => Creation.ones(shape, Dtype.Float32);
    /// <summary>Ones of a dtype.</summary>
    public static Tensor Ones(int[] shape, Dtype dtype) => Creation.ones(shape, dtype);
    /// <summary>A tensor filled with a value.</summary>
    public static Tensor Full(int[] shape, double value, Dtype dtype = Dtype.Float32) => Creation.full(shape, value, dtype);
    /// <summary>The n×n identity.</summary>
    public static Tensor Eye(int n, Dtype dtype = Dtype.Float32) => Creation.eye(n, n, dtype);
    /// <summary>Zeros shaped like t.</summary>
    public static Tensor ZerosLike(Tensor t) => t.ZerosLike();
    /// <summary>Ones shaped like t.</summary>
    public static Tensor OnesLike(Tensor t) => t.OnesLike();
    /// <summary>A tensor filled with a value, shaped like t.</summary>
    public static Tensor FullLike(Tensor t, double value) => t.FullLike(value);

    /// <summary>Evenly spaced values from start to end inclusive (PyTorch-exact float32).</summary>
    public static Tensor Linspace(double start, double end, int steps, Dtype dtype = Dtype.Float32) => RandomTensors.linspace(start, end, steps, dtype);
    /// <summary>Values from 0 to end (exclusive) by 1.</summary>
    public static Tensor Arange(double end, Dtype dtype = Dtype.Float32) => RandomTensors.arange(0, end, 1, dtype);
    /// <summary>Values from start to end (exclusive) by step.</summary>
    public static Tensor Arange(double start, double end, double step = 1, Dtype dtype = Dtype.Float32) => RandomTensors.arange(start, end, step, dtype);

    // Every sampling function takes an optional generator (PyTorch's generator=); null means the global one.
    private static Generator Gen(Generator? generator) => generator ?? Fluxion.Random.Generator.Default;

    /// <summary>Uniform samples in [0, 1) from the global generator.</summary>
    public static Tensor Rand(params int[] shape) => RandomTensors.rand(Fluxion.Random.Generator.Default, shape, Dtype.Float32);
    /// <summary>Uniform samples in [0, 1) from the generator (null: the global one).</summary>
    public static Tensor Rand(int[] shape, Dtype dtype = Dtype.Float32, Generator? generator = null) => RandomTensors.rand(Gen(generator), shape, dtype);
    /// <summary>Standard normal samples from the global generator.</summary>
    public static Tensor Randn(params int[] shape) => RandomTensors.randn(Fluxion.Random.Generator.Default, shape, Dtype.Float32);
    /// <summary>Standard normal samples from the generator (null: the global one).</summary>
    public static Tensor Randn(int[] shape, Dtype dtype = Dtype.Float32, Generator? generator = null) => RandomTensors.randn(Gen(generator), shape, dtype);
    /// <summary>Uniform samples shaped like t.</summary>
    public static Tensor RandLike(Tensor t, Generator? generator = null) => RandomTensors.rand(Gen(generator), t.ShapeArray, t.Dtype);
    /// <summary>Uniform samples shaped like t in another floating dtype (torch.rand_like(t, dtype=...)).</summary>
    public static Tensor RandLike(Tensor t, Dtype dtype, Generator? generator = null) => RandomTensors.rand(Gen(generator), t.ShapeArray, dtype);
    /// <summary>Normal samples shaped like t.</summary>
    public static Tensor RandnLike(Tensor t, Generator? generator = null) => RandomTensors.randn(Gen(generator), t.ShapeArray, t.Dtype);
    /// <summary>Integers drawn uniformly from [low, high).</summary>
    public static Tensor RandInt(long low, long high, params int[] shape) => RandomTensors.randint(Fluxion.Random.Generator.Default, low, high, shape);
    /// <summary>Integers drawn uniformly from [low, high) with the generator (null: the global one).</summary>
    public static Tensor RandInt(long low, long high, int[] shape, Generator? generator) => RandomTensors.randint(Gen(generator), low, high, shape);
    /// <summary>Integers drawn uniformly from [low, high) as the given integer dtype (torch.randint(..., dtype=torch.int32)); the draws are those of int64, as in PyTorch.</summary>
    public static Tensor RandInt(long low, long high, int[] shape, Dtype dtype, Generator? generator = null) => RandomTensors.randint(Gen(generator), low, high, shape).Cast(dtype);
    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor RandPerm(int n, Generator? generator = null) => RandomTensors.randperm(Gen(generator), n);
    /// <summary>Uniform samples in [low, high) (torch.empty(shape).uniform_(low, high)).</summary>
    public static Tensor Uniform(int[] shape, double low, double high, Dtype dtype = Dtype.Float32, Generator? generator = null) =>
        RandomTensors.uniform(Gen(generator), shape, low, high, dtype);
    /// <summary>Normal samples with a mean and a standard deviation (torch.normal(mean, std, size)).</summary>
    public static Tensor Normal(double mean, double std, int[] shape, Dtype dtype = Dtype.Float32, Generator? generator = null) =>
        RandomTensors.normal(Gen(generator), shape, mean, std, dtype);

    /// <summary>Stacks equally shaped tensors along a new dimension.</summary>
    public static Tensor Stack(IEnumerable<Tensor> tensors, int dim = 0) => Shapes.stack(dim, NotNull(tensors, nameof(tensors)).ToArray());
    /// <summary>Concatenates tensors along a dimension.</summary>
    public static Tensor Cat(IEnumerable<Tensor> tensors, int dim = 0) => Shapes.cat(dim, NotNull(tensors, nameof(tensors)).ToArray());
    /// <summary>Picks a where cond is true and b elsewhere.</summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b) => Fluxion.Tensor.Where(cond, a, b);
    /// <summary>Stacks tensors row-wise; 1-D tensors become rows (torch.vstack).</summary>
    public static Tensor VStack(params Tensor[] tensors) => Indexing.vstack(tensors);
    /// <summary>Stacks tensors column-wise: along 0 for 1-D tensors, along 1 otherwise (torch.hstack).</summary>
    public static Tensor HStack(params Tensor[] tensors) => Indexing.hstack(tensors);
    /// <summary>Einstein summation, e.g. <c>Torch.Einsum("ij,jk->ik", a, b)</c> (torch.einsum); differentiable to any order.</summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => Indexing.einsum(equation, operands);
    /// <summary>Elementwise maximum with broadcasting (torch.maximum).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Elementwise.maximum(a, b);
    /// <summary>Elementwise minimum with broadcasting (torch.minimum).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Elementwise.minimum(a, b);
    /// <summary>atan(a / b) in the right quadrant (torch.atan2).</summary>
    public static Tensor Atan2(Tensor a, Tensor b) => Elementwise.atan2(a, b);
    /// <summary>Rolls the elements by <paramref name="shifts"/> along <paramref name="dim"/>, or the flattened tensor when no dim is given (torch.roll).</summary>
    public static Tensor Roll(Tensor x, int shifts, int? dim = null) => x.Roll(shifts, dim);
    /// <summary>Rolls by <c>shifts[i]</c> along <c>dims[i]</c> (torch.roll with tuples).</summary>
    public static Tensor Roll(Tensor x, int[] shifts, int[] dims) => x.Roll(shifts, dims);
    /// <summary>A complex tensor from real and imaginary parts of equal shape (torch.complex).</summary>
    public static ComplexTensor Complex(Tensor real, Tensor imag) => ComplexTensor.Complex(real, imag);
    /// <summary>Matrix product with PyTorch's rules.</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => Fluxion.Tensor.MatMul(a, b);

    /// <summary>Writes a state dict, an optimizer's state dict or nested dictionaries, lists and tensors (torch.save); a <c>.safetensors</c> path writes safetensors, any other PyTorch's zip format.</summary>
    public static void Save(object value, string path) => Checkpoint.save(path, value);

    /// <summary>Reads a checkpoint holding a state dict (torch.load), ready for <c>model.LoadStateDict(Torch.Load(path))</c>.</summary>
    public static StateDict Load(string path) => Checkpoint.loadStateDict(path);

    /// <summary>Reads a checkpoint as T, e.g. an optimizer's state dict as <c>Dictionary&lt;string, object&gt;</c>; nested values are dictionaries, <c>List&lt;object&gt;</c>, <c>object[]</c> (tuples), tensors, strings, longs, doubles, bools and null.</summary>
    public static T Load<T>(string path)
    {
        var value = Checkpoint.load(path);
        if (typeof(T) == typeof(StateDict)) return (T)(object)Checkpoint.toStateDict(path, value);
        if (value is T t) return t;
        throw new InvalidDataException($"{path}: holds a {value?.GetType().Name ?? "None"}, not a {typeof(T).Name}");
    }
}
