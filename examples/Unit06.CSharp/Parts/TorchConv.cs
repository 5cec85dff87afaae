using Fluxion;
using Fluxion.Course;
using Fluxion.CSharp;
using Fluxion.Nn;

namespace Unit06;

/// <summary>Cells 10–19: F.conv1d is cross-correlation; nn.Conv1d's bias, padding, stride and dilation.</summary>
public static class TorchConv
{
    /// <summary>Cell 5's seed: cell 13's bias is the first draw after it.</summary>
    public static void Prepare() => Torch.ManualSeed(0);

    private static string Values(Tensor t) => NumpyPrint.Str(t.Detach().Flatten().ToArray());

    public static void Run(Notebook nb)
    {
        nb.Section("Convolution vs. cross-correlation");
        double[] xNp = [1.0, 2.0, 3.0, 4.0];
        double[] hNp = [1.0, 2.0, 3.0];
        var yNpConv = NumPy.Convolve(xNp, hNp, mode: "valid");
        var yNpXcorr = NumPy.Convolve(xNp, hNp.Reverse().ToArray(), mode: "valid");
        var xPt = Torch.Tensor(xNp).View(1, 1, -1);
        var hPt = Torch.Tensor(hNp).View(1, 1, -1);
        var yPt = F.Conv1d(xPt, hPt, bias: null);
        nb.Print($"{"Input signal x:",-28} {NumpyPrint.Str(xNp)}");
        nb.Print($"{"Kernel h:",-28} {NumpyPrint.Str(hNp)}\n");
        nb.Print("Output in 'valid' mode with various NumPy and PyTorch implementations:");
        nb.Print($"{"NumPy convolution (valid):",-28} {NumpyPrint.Str(yNpConv)}");
        nb.Print($"{"NumPy cross-correlation:",-28} {NumpyPrint.Str(yNpXcorr)}");
        nb.Print($"{"PyTorch conv1d (cross-corr):",-28} {Values(yPt)}");

        nb.Section("Key parameters of nn.Conv1d");
        var conv = new Conv1d(inChannels: 1, outChannels: 1, kernelSize: hPt.Size(-1), bias: true);
        conv.Weight.SetData(hPt);
        var yPtBias = conv.Call(xPt);
        nb.Print($"{"Input signal x:",-21} {NumpyPrint.Str(xNp)}");
        nb.Print($"{"Kernel h:",-21} {NumpyPrint.Str(hNp)}");
        nb.Print($"{"Output (with bias):",-21} {Values(yPtBias)}");
        conv.Bias.SetData(Torch.ZerosLike(conv.Bias.Data));
        var yPtNoBias = conv.Call(xPt);
        nb.Print($"{"Output (bias = 0):",-21} {Values(yPtNoBias)}");

        nb.Section("Padding options");
        nb.Print($"{"Input tensor x",-15} | shape = {NumpyPrint.Tuple(xPt.ShapeArray)} | values = {Values(xPt)}");
        nb.Print($"{"Kernel tensor h",-15} | shape = {NumpyPrint.Tuple(hPt.ShapeArray)} | values = {Values(hPt)}\n");
        foreach (object pad in new object[] { "valid", "same", 0, 1, 2, 3 })
        {
            conv = pad is string mode
                ? new Conv1d(1, 1, kernelSize: hPt.Size(-1), padding: mode, bias: false)
                : new Conv1d(1, 1, kernelSize: hPt.Size(-1), padding: (int)pad, bias: false);
            conv.Weight.SetData(hPt);
            var y = conv.Call(xPt);
            nb.Print($"Padding = {pad,-5} | shape = {NumpyPrint.Tuple(y.ShapeArray)} | values = {Values(y)}");
        }

        nb.Section("Stride in convolution");
        nb.Print($"{"Input tensor x",-16} | shape = {NumpyPrint.Tuple(xPt.ShapeArray)} | values = {Values(xPt)}");
        nb.Print($"{"Kernel tensor h",-16} | shape = {NumpyPrint.Tuple(hPt.ShapeArray)} | values = {Values(hPt)}\n");
        int padding = 2;
        nb.Print($"Padding = {padding}");
        foreach (int stride in new[] { 1, 2, 3 })
        {
            conv = new Conv1d(inChannels: 1, outChannels: 1, kernelSize: hPt.Size(-1), padding: padding, stride: stride, bias: false);
            conv.Weight.SetData(hPt);
            var y = conv.Call(xPt);
            nb.Print($"{"Stride = " + stride,-16} | shape = {NumpyPrint.Tuple(y.ShapeArray)} | values = {Values(y)}");
        }

        nb.Section("Dilation in convolution");
        xNp = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        xPt = Torch.Tensor(xNp).View(1, 1, -1);
        hPt = Torch.Tensor(hNp).View(1, 1, -1);
        nb.Print($"{"Input tensor x",-16} | shape = {NumpyPrint.Tuple(xPt.ShapeArray)} | values = {Values(xPt)}");
        nb.Print($"{"Kernel tensor h",-16} | shape = {NumpyPrint.Tuple(hPt.ShapeArray)} | values = {Values(hPt)}\n");
        padding = 0;
        nb.Print($"Padding = {padding}");
        int strideOne = 1;
        nb.Print($"Stride = {strideOne}");
        foreach (int dilation in new[] { 1, 2, 3 })
        {
            conv = new Conv1d(inChannels: 1, outChannels: 1, kernelSize: hPt.Size(-1), padding: padding, stride: strideOne, dilation: dilation, bias: false);
            conv.Weight.SetData(hPt);
            var y = conv.Call(xPt);
            nb.Print($"{"Dilation = " + dilation,-16} | shape = {NumpyPrint.Tuple(y.ShapeArray)} | values = {Values(y)}");
        }
    }
}
