using Fluxion.Examples;
using Unit06;

// The PCPT unit 6 (convolution) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit06 [--part NAME] [--list] [--report PATH | --no-report]
return UnitProgram.Run(args, "Unit06", "PCPT Unit 6: convolution in Fluxion", "unit06.html",
    new Part("numpy", "cells 5-7: np.convolve and its modes", Intro.Run),
    new Part("torch", "cells 10-19: F.conv1d, nn.Conv1d, padding, stride, dilation", TorchConv.Run, TorchConv.Prepare),
    new Part("denoise", "cells 22-30: denoising with a fixed and a learned filter", Denoising.Run),
    new Part("data", "cells 33-36: Dataset and DataLoader, training with mini-batches", DataParts.Run, DataParts.Prepare),
    new Part("ex1", "exercise 1: smoothing and edge detection", Exercise1.Run),
    new Part("ex2", "exercise 2: Conv1d parameters", Exercise2.Run),
    new Part("ex3", "exercise 3: learning to separate low and high frequencies", Exercise3.Run, Exercise3.Prepare));
