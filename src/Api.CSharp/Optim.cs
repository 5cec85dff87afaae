using Fluxion.Nn;
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
