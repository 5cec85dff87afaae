using Fluxion;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace ApiScenarios;

/// <summary>nn.BCEWithLogitsLoss(weight=..., pos_weight=..., reduction=...) as a C# reader writes it.</summary>
public static class LossScenarios
{
    /// <summary>loss = nn.BCEWithLogitsLoss(weight, reduction, pos_weight)(x, y); loss.backward(seed); returns the loss and x.grad.</summary>
    public static (float[] Value, float[] Grad) BceWithLogits(float[] x, int[] shape, float[] y, float[]? weight, int[]? weightShape,
                                                              float[]? posWeight, int[]? posWeightShape, string reduction)
    {
        var input = Torch.Tensor(x).Reshape(shape).RequiresGrad_();
        var target = Torch.Tensor(y).Reshape(shape);
        var red = reduction switch { "mean" => Reduction.Mean, "sum" => Reduction.Sum, _ => Reduction.None };
        var lossFn = (weight, posWeight) switch
        {
            (null, null) => Nn.BCEWithLogitsLoss(reduction: red),
            (null, _) => Nn.BCEWithLogitsLoss(posWeight: Torch.Tensor(posWeight).Reshape(posWeightShape!), reduction: red),
            (_, null) => Nn.BCEWithLogitsLoss(weight: Torch.Tensor(weight).Reshape(weightShape!), reduction: red),
            _ => Nn.BCEWithLogitsLoss(Torch.Tensor(weight).Reshape(weightShape!), red, Torch.Tensor(posWeight).Reshape(posWeightShape!)),
        };
        var loss = lossFn.Invoke(input, target);
        var n = loss.Shape.ToArray().Aggregate(1, (a, b) => a * b);
        var seed = red == Reduction.None
            ? Torch.Tensor(Enumerable.Range(1, n).Select(i => i / 8f).ToArray()).Reshape(loss.Shape.ToArray())
            : Torch.Tensor(new[] { 1.0f }).Reshape(Array.Empty<int>());
        loss.Backward(seed);
        return (loss.ToFloat32Array(), input.Grad!.ToFloat32Array());
    }

    /// <summary>nn.BCEWithLogitsLoss(pos_weight=torch.ones(length)) on (4, 3) zeros: the message of the exception.</summary>
    public static string WrongLengthMessage(string what, int length)
    {
        var ones = Torch.Ones(length);
        var loss = what == "weight" ? Nn.BCEWithLogitsLoss(weight: ones) : Nn.BCEWithLogitsLoss(posWeight: ones);
        try
        {
            loss.Invoke(Torch.Zeros(4, 3), Torch.Zeros(4, 3));
            return "no exception";
        }
        catch (ArgumentException e)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }
}
