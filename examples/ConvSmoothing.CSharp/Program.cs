// A Conv1d filter learns to smooth a noisy signal: function approximation with a convolutional filter.
// Usage: ConvSmoothing [--iterations N]
using System.Globalization;
using Fluxion;
using Fluxion.CSharp;
using Fluxion.Nn;
using Fluxion.Optim;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int iterations = args.Length == 2 && args[0] == "--iterations" ? int.Parse(args[1]) : 500;

Torch.ManualSeed(0);
var t = Torch.Linspace(0, 1, 512);
var clean = (2 * Torch.Pi * 3 * t).Sin();
var noisy = clean + 0.3 * Torch.RandnLike(t);

// (N, C, L) = (1, 1, 512); padding keeps the length.
var input = noisy.Reshape(1, 1, 512);
var target = clean.Reshape(1, 1, 512);
int kernelSize = 15;
var conv = new Conv1d(1, 1, kernelSize, padding: kernelSize / 2, bias: false);
var optimizer = new Adam(conv.Parameters(), lr: 0.01);
var lossFn = new MSELoss();

Console.WriteLine(conv);
Console.WriteLine($"Noisy signal vs clean: MSE = {lossFn.Invoke(input, target).Item():F6}");
for (int k = 1; k <= iterations; k++)
{
    var loss = lossFn.Invoke(conv.Call(input), target);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    if (k % 100 == 0 || k == 1) Console.WriteLine($"Iteration {k,4} | Loss = {loss.Item():F6}");
}
var kernel = conv.Weight.Data.Reshape(kernelSize);
Console.WriteLine($"Learned kernel:\n{kernel}");
Console.WriteLine($"Kernel sum = {kernel.Sum().Item():F4} (a smoothing filter passes the signal's level: about 1)");
