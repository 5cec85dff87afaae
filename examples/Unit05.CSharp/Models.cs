using Fluxion;
using Fluxion.Nn;

namespace Unit05;

/// <summary>Helpers over the course's models.</summary>
public static class Models
{
    /// <summary>sum(p.numel() for p in model.parameters()); a loop, not LINQ's Sum, whose generic instantiation the
    /// ReadyToRun image lacks (the JIT compiled it at startup).</summary>
    public static long CountParameters(Module model)
    {
        long total = 0;
        foreach (var p in model.Parameters()) total += p.Numel;
        return total;
    }
}

// The course's models. Sub-modules in fields are registered automatically in declaration order;
// C# names map to PyTorch's (linearModel -> linear_model). Field initialisers run in declaration
// order, so parameters are drawn in the same order as the course's __init__.

/// <summary>One linear layer: y = a + b·x + c·x² when fed (x, x²).</summary>
public sealed class NeuralNetLinear : Module
{
    private readonly Linear linearModel = new(2, 1);
    public Linear LinearModel => linearModel;
    public override Tensor Forward(Tensor x) => linearModel.Call(x);
}

/// <summary>Linear(1→3) → activation → Linear(3→1); ReLU unless another activation is given (exercise 1).</summary>
public sealed class NeuralNetTwoLayer : Module
{
    private readonly Linear linear1;
    private readonly Module activation;
    private readonly Linear linear2;

    public NeuralNetTwoLayer(Module? activation = null)
    {
        linear1 = new Linear(inFeatures: 1, outFeatures: 3);
        this.activation = activation ?? new ReLU();
        linear2 = new Linear(inFeatures: 3, outFeatures: 1);
    }

    public override Tensor Forward(Tensor x)
    {
        x = linear1.Call(x);
        x = activation.Call(x);
        return linear2.Call(x);
    }
}

/// <summary>One linear layer applied twice (shared weights).</summary>
public sealed class NeuralNet : Module
{
    private readonly Linear linearModel = new(1, 1);

    /// <summary>The course's forward ends with `return y`, which picks up the notebook's global `y`
    /// (shape [100, 1]); torchinfo's first row shows that shape. Set this to mirror it.</summary>
    public Tensor? NotebookGlobalY { get; set; }

    public override Tensor Forward(Tensor x)
    {
        x = linearModel.Call(x);
        x = linearModel.Call(x);
        return NotebookGlobalY ?? x;
    }
}

/// <summary>Exercise 2: Linear(1→H) → act → Linear(H→H) → act → Linear(H→H) → act → Linear(H→1), one activation instance.</summary>
public sealed class NeuralNetFourLayer : Module
{
    private readonly Linear linear1;
    private readonly Linear linear2;
    private readonly Linear linear3;
    private readonly Linear linear4;
    private readonly Module act;

    public NeuralNetFourLayer(Module act, int hidden)
    {
        linear1 = new Linear(1, hidden);
        linear2 = new Linear(hidden, hidden);
        linear3 = new Linear(hidden, hidden);
        linear4 = new Linear(hidden, 1);
        this.act = act;
    }

    public override Tensor Forward(Tensor x)
    {
        x = act.Call(linear1.Call(x));
        x = act.Call(linear2.Call(x));
        x = act.Call(linear3.Call(x));
        return linear4.Call(x);
    }
}
