using Fluxion.Examples;
using Unit05;

// The PCPT unit 5 (torch.nn) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit05 [--part NAME] [--list] [--report PATH | --no-report]
return UnitProgram.Run(args, "Unit05", "PCPT Unit 5: torch.nn in Fluxion", "unit05.html",
    new Part("regression", "cells 7-13: training pairs, polynomial regression, linear layer shapes", Regression.Run),
    new Part("modules", "cells 15-23: custom module, parameters, training with torch.optim", ClassBased.Run, ClassBased.Prepare),
    new Part("twolayer", "cells 28-35: two-layer ReLU network, summary, outputs, training, shared weights", TwoLayer.Run),
    new Part("ex1", "exercise 1: activation functions", Exercise1.Run),
    new Part("ex2", "exercise 2: model capacity (8000 iterations)", Exercise2.Run),
    new Part("ex3", "exercise 3: optimizers on the Himmelblau function", Exercise3.Run));
