// Quick start: data, a model, training, in PyTorch's style and as pure functions. Needs only Fluxion.CSharp.
using System.Globalization;
using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;   // numbers print with a '.'

// Data: 100 noisy samples of a curve, drawn with PyTorch's generator and arithmetic (same seed, same numbers).
Torch.ManualSeed(0);
var x = Torch.Rand(100) * 2;
var y = x + 2 * (x - 0.9).Pow(2) + 0.3 * (20 * x).Cos() + 0.1 * Torch.Randn(100);
x = x.Unsqueeze(1);   // (100, 1): one feature per sample
y = y.Unsqueeze(1);

// PyTorch's style: a Module, an optimizer object, ZeroGrad/Backward/Step.
Torch.ManualSeed(0);
var model = new TwoLayerNet();
Console.WriteLine(model);
var optimizer = new SGD(model.Parameters(), lr: 0.01);
var lossFn = new MSELoss();
for (int k = 1; k <= 4000; k++)
{
    var loss = lossFn.Invoke(model.Call(x), y);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    if (k % 1000 == 0) Console.WriteLine($"Iteration {k,4} | Loss = {loss.Item():F6}");
}

// Save the weights in PyTorch's own .pt format (torch.load reads it), then load them into a fresh model.
var path = Path.Combine(Path.GetTempPath(), "two_layer_net.pt");
Torch.Save(model.StateDict(), path);
var restored = new TwoLayerNet();
restored.LoadStateDict(Torch.Load(path));
model = restored;

using (Torch.NoGrad())
    Console.WriteLine($"Prediction at x = 1: {model.Call(Torch.Tensor(new[] { new[] { 1.0 } })).Item():F4}");

// The functional style: the same network as a pure function of a parameter tree; same seed, same losses.
Torch.ManualSeed(0);
var pure = Nn.Linear(1, 3).Then(Nn.ReLU()).Then(Nn.Linear(3, 1)).AsPure();
Func<ParamTree, Tensor> lossOf = p => (pure.Apply(p, x) - y).Pow(2).Mean();
ParamTree parameters = pure.Parameters;
for (int k = 1; k <= 4000; k++)
{
    var (value, grads) = Diff.ValueAndGrad(lossOf, parameters);
    parameters = parameters.Zip(grads, (p, g) => p - 0.01 * g);
    if (k % 1000 == 0) Console.WriteLine($"Iteration {k,4} | Loss = {value.Item():F6} (pure)");
}
Console.WriteLine(parameters);

sealed class TwoLayerNet : Module
{
    private readonly Linear linear1 = new(1, 3);   // submodules are found automatically, in declaration order
    private readonly ReLU activation = new();
    private readonly Linear linear2 = new(3, 1);
    public override Tensor Forward(Tensor x) => linear2.Call(activation.Call(linear1.Call(x)));
}
