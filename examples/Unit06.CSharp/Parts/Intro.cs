using Fluxion.Course;
using Fluxion.CSharp;

namespace Unit06;

/// <summary>Cells 5–7: np.convolve on integer arrays and its full, valid and same modes.</summary>
public static class Intro
{
    public static void Run(Notebook nb)
    {
        nb.Section("Introduction to 1D convolution");
        Torch.ManualSeed(0);
        NumPy.Random.Seed(0);
        long[] x = [1, 2, 3, 4];
        long[] h = [1, 2, 3];
        var y = NumPy.Convolve(x, h);
        nb.Print($"{"Input signal x:",-20} length: {x.Length,-2}  | values: {NumpyPrint.Str(x)}");
        nb.Print($"{"Kernel h:",-20} length: {h.Length,-2}  | values: {NumpyPrint.Str(h)}");
        nb.Print($"{"Output y = x * h:",-20} length: {y.Length,-2}  | values: {NumpyPrint.Str(y)}");

        nb.Section("Convolution modes in NumPy");
        // The course defines float copies here but convolves the integer x and h of the cell before.
        var yFull = NumPy.Convolve(x, h, mode: "full");
        var yValid = NumPy.Convolve(x, h, mode: "valid");
        var ySame = NumPy.Convolve(x, h, mode: "same");
        nb.Print($"{"Input signal x:",-20} length: {x.Length,-2}  | values: {NumpyPrint.Str(x)}");
        nb.Print($"{"Kernel h:",-20} length: {h.Length,-2}  | values: {NumpyPrint.Str(h)}\n");
        nb.Print($"{"y with full mode:",-20} length: {yFull.Length,-2}  | values: {NumpyPrint.Str(yFull)}");
        nb.Print($"{"y with valid mode:",-20} length: {yValid.Length,-2}  | values: {NumpyPrint.Str(yValid)}");
        nb.Print($"{"y with same mode:",-20} length: {ySame.Length,-2}  | values: {NumpyPrint.Str(ySame)}");
    }
}
