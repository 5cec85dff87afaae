using Fluxion.Examples;
using Unit10;

// The PCPT unit 10 (essential techniques) in C#: every cell of the course in order, printing what PyTorch 1.13 prints.
// Usage: Unit10 [--part NAME] [--list] [--report PATH | --no-report]
// Every part seeds the generator itself (or, as exercise 1, only prints seed-independent text), so parts
// run alone print what they print in the whole run.
return UnitProgram.Run(args, "Unit10", "PCPT Unit 10: essential techniques in Fluxion", "unit10.html",
    new Part("broadcast", "cells 5-9: broadcasting, expand vs. repeat", Broadcasting.Run),
    new Part("detach", "cell 12: detach stops gradient flow", Detach.Run),
    new Part("normalize", "cells 17-24: input standardization, BatchNorm, train/eval modes", Normalization.Run),
    new Part("regularize", "cells 28-33: weight decay, inverted dropout, dropout training", Regularization.Run),
    new Part("losses", "cell 35: custom loss functions and their loss matrices", CustomLosses.Run),
    new Part("ex1", "exercise 1: BatchNorm running statistics", Exercise1.Run),
    new Part("ex2", "exercise 2: dropout masks and inverted scaling", Exercise2.Run),
    new Part("ex3", "exercise 3: learning a convolution kernel with different losses", Exercise3.Run));
