using Fluxion;
using Fluxion.CSharp;

namespace Unit03;

/// <summary>Exercise 1: an 8×8 grayscale image as integers, then normalised to [0, 1] (libpcpt exercise_image_tensor).</summary>
public static class Exercise1
{
    public static void Run(Notebook nb)
    {
        nb.Section("Exercise 1: preprocessing grayscale image tensors");
        Torch.ManualSeed(42);
        var imgInt = Torch.RandInt(0, 256, new[] { 8, 8 }, Torch.Int32);
        nb.Print("=== Original Integer Tensor ===");
        nb.Print(imgInt.ToString());
        nb.Print("\n--- Tensor Attributes ---");
        nb.Print($"Shape: {imgInt.Shape}");
        nb.Print($"Dtype: {Py.Str(imgInt.Dtype)}");
        nb.Print("Device: cpu");
        nb.Print($"Total number of elements: {imgInt.Numel()}");

        var imgFloat = imgInt.To(Torch.Float32) / 255.0;
        nb.Print("\n=== Normalized Float Tensor ===");
        nb.Print(imgFloat.ToString());
        nb.Print("\n--- Normalized Tensor Statistics ---");
        nb.Print($"Dtype: {Py.Str(imgFloat.Dtype)}");
        nb.Print($"Mean pixel value: {Py.Fixed(imgFloat.Mean(), 4)}");
        nb.Print($"Standard deviation: {Py.Fixed(imgFloat.Std(), 4)}");
    }
}
