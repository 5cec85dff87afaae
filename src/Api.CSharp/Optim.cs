using Fluxion.Nn;
using FO = Fluxion.Optim;
using Pure = Fluxion.Optim.Optimizer;
using PureOptim = Fluxion.Optim.OptimModule;

namespace Fluxion.CSharp;

/// <summary>The state of a functional optimizer (moments, step count); treat it as opaque.</summary>
public sealed class OptimizerState
{
    internal Fluxion.Optim.OptState State { get; }
    internal OptimizerState(Fluxion.Optim.OptState state) => State = state;
    /// <summary>Number of updates taken.</summary>
    public int Step => State.Step;
}

/// <summary>A pure optimizer (optax style): <c>Init</c> makes a state, <c>Update</c> returns new parameters and state and changes nothing.</summary>
public sealed class FunctionalOptimizer
{
    private readonly Pure optimizer;
    internal FunctionalOptimizer(Pure optimizer) => this.optimizer = optimizer;
    /// <summary>The initial state for a parameter tree.</summary>
    public OptimizerState Init(ParamTree parameters) => new(optimizer.Init(parameters.Tree));
    /// <summary>One step: new parameters and state from the gradients, the state and the current parameters.</summary>
    public (ParamTree Parameters, OptimizerState State) Update(ParamTree gradients, OptimizerState state, ParamTree parameters)
    {
        var (p, s) = optimizer.Update(gradients.Tree, state.State, parameters.Tree);
        return (new ParamTree(p), new OptimizerState(s));
    }
}

/// <summary>Functional optimizers with PyTorch's formulas and defaults (bit-identical to the SGD/Adam/... objects).</summary>
public static class Optim
{
    /// <summary>Stochastic gradient descent.</summary>
    public static FunctionalOptimizer Sgd(double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false) =>
        new(PureOptim.sgdWith(new Fluxion.Kernels.OptimKernels.SgdHyper(lr, momentum, dampening, weightDecay, nesterov, false)));
    /// <summary>Adam.</summary>
    public static FunctionalOptimizer Adam(double lr = 1e-3) => new(PureOptim.adam(lr));
    /// <summary>AdamW (decoupled weight decay 1e-2).</summary>
    public static FunctionalOptimizer AdamW(double lr = 1e-3) => new(PureOptim.adamW(lr));
    /// <summary>RMSprop.</summary>
    public static FunctionalOptimizer RMSprop(double lr = 1e-2) => new(PureOptim.rmsprop(lr));
    /// <summary>Adagrad.</summary>
    public static FunctionalOptimizer Adagrad(double lr = 1e-2) => new(PureOptim.adagrad(lr));
}

/// <summary>Learning-rate schedulers (torch.optim.lr_scheduler) with PyTorch's keywords in camelCase and its string options.</summary>
public static class LrScheduler
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public static FO.StepLR StepLR(FO.TorchOptimizer optimizer, int stepSize, double gamma = 0.1) => new(optimizer, stepSize, gamma);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch.</summary>
    public static FO.ExponentialLR ExponentialLR(FO.TorchOptimizer optimizer, double gamma) => new(optimizer, gamma);

    /// <summary>Cosine annealing from the base rate to <paramref name="etaMin"/> over <paramref name="tMax"/> epochs.</summary>
    public static FO.CosineAnnealingLR CosineAnnealingLR(FO.TorchOptimizer optimizer, int tMax, double etaMin = 0) => new(optimizer, tMax, etaMin);

    /// <summary>Cosine annealing restarted every <paramref name="t0"/> epochs, the period growing by <paramref name="tMult"/>.</summary>
    public static FO.CosineAnnealingWarmRestarts CosineAnnealingWarmRestarts(FO.TorchOptimizer optimizer, int t0, int tMult = 1, double etaMin = 0) =>
        new(optimizer, t0, tMult, etaMin);

    /// <summary>The one-cycle policy; give <paramref name="totalSteps"/>, or <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</summary>
    public static FO.OneCycleLR OneCycleLR(FO.TorchOptimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95,
        double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false)
    {
        if (totalSteps is null && epochs is null && stepsPerEpoch is null)
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (totalSteps is int t && t <= 0)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), t, $"Expected positive integer total_steps, but got {t}");
        if (totalSteps is null && (epochs ?? 0) <= 0)
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Expected positive integer epochs, but got {(epochs is int e ? e.ToString() : "None")}");
        if (totalSteps is null && (stepsPerEpoch ?? 0) <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepsPerEpoch), stepsPerEpoch,
                $"Expected positive integer steps_per_epoch, but got {(stepsPerEpoch is int s ? s.ToString() : "None")}");
        var strategy = annealStrategy switch
        {
            "cos" => FO.AnnealStrategy.Cos,
            "linear" => FO.AnnealStrategy.Linear,
            _ => throw new ArgumentException($"anneal_strategy must by one of 'cos' or 'linear', instead got {annealStrategy}", nameof(annealStrategy)),
        };
        return new(optimizer, maxLr, totalSteps ?? 0, totalSteps is null ? epochs!.Value : 0, totalSteps is null ? stepsPerEpoch!.Value : 0,
            pctStart, strategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase);
    }

    /// <summary>Cuts the rate by <paramref name="factor"/> when the metric passed to <c>Step</c> stops improving (<paramref name="mode"/> "min" or "max").</summary>
    public static FO.ReduceLROnPlateau ReduceLROnPlateau(FO.TorchOptimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10,
        double threshold = 1e-4, string thresholdMode = "rel", int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        if (factor >= 1.0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "Factor should be < 1.0.");
        var m = mode switch
        {
            "min" => FO.PlateauMode.Min,
            "max" => FO.PlateauMode.Max,
            _ => throw new ArgumentException($"mode {mode} is unknown!", nameof(mode)),
        };
        var tm = thresholdMode switch
        {
            "rel" => FO.ThresholdMode.Rel,
            "abs" => FO.ThresholdMode.Abs,
            _ => throw new ArgumentException($"threshold mode {thresholdMode} is unknown!", nameof(thresholdMode)),
        };
        return new(optimizer, m, factor, patience, threshold, tm, cooldown, new[] { minLr }, eps);
    }
}
