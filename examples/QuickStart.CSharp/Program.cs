// The README's two styles, compiled and run: PyTorch's imperative loop and pure functions of parameters.
using System.Globalization;
using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var (x, y) = Datasets.TrainingPairs();
x = x.Unsqueeze(1);
y = y.Unsqueeze(1);

// Imperative: a Module subclass, an optimizer object, ZeroGrad/Backward/Step.
Torch.ManualSeed(0);
var model = new NeuralNetTwoLayer();
Console.WriteLine(model);
Console.WriteLine(Nn.Summary(model, 1));
var optimizer = new SGD(model.Parameters(), lr: 0.01, momentum: 0.8);
var lossFn = new MSELoss();
for (int k = 1; k <= 4000; k++)
{
    var loss = lossFn.Invoke(model.Call(x), y);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    if (k % 1000 == 0) Console.WriteLine($"Iteration {k,4} | Loss = {loss.Item():F6}");
}

// Functional: the same kind of network as a pure function of a parameter tree.
Torch.ManualSeed(0);
var net = Nn.Linear(1, 3).Then(Nn.ReLU()).Then(Nn.Linear(3, 1));
var pure = net.AsPure();
Func<ParamTree, Tensor> lossOf = p => (pure.Apply(p, x) - y).Pow(2).Mean();
ParamTree parameters = pure.Parameters;
for (int k = 1; k <= 4000; k++)
{
    var (value, grads) = Diff.ValueAndGrad(lossOf, parameters);
    parameters = parameters.Zip(grads, (p, g) => p - 0.01 * g);
    if (k % 1000 == 0) Console.WriteLine($"Iteration {k,4} | Loss = {value.Item():F6} (pure)");
}
Console.WriteLine(parameters);

// A functional optimizer: Init/Update are pure, and bit-identical to the SGD object above.
var sgd = Optim.Sgd(lr: 0.01, momentum: 0.8);
parameters = pure.Parameters;
var state = sgd.Init(parameters);
for (int k = 1; k <= 4000; k++)
{
    var (value, grads) = Diff.ValueAndGrad(lossOf, parameters);
    (parameters, state) = sgd.Update(grads, state, parameters);
    if (k % 1000 == 0) Console.WriteLine($"Iteration {k,4} | Loss = {value.Item():F6} (functional SGD, momentum 0.8)");
}

// Higher-order derivatives of any function of tensors.
Tensor h = Diff.Hessian(p => Datasets.Himmelblau(p[0], p[1]), Torch.Tensor(new[] { 3.0, 0.0 }));
Console.WriteLine($"Hessian of Himmelblau at (3, 0):\n{h}");

sealed class NeuralNetTwoLayer : Module
{
    private readonly Linear linear1 = new(1, 3);   // found automatically, in declaration order
    private readonly ReLU activation = new();
    private readonly Linear linear2 = new(3, 1);
    public override Tensor Forward(Tensor x) => linear2.Call(activation.Call(linear1.Call(x)));
}
