using Fluxion.Examples;
using Unit07;

// The PCPT unit 7 (classification) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit07 [--part NAME] [--list] [--report PATH | --no-report]
return UnitProgram.Run(args, "Unit07", "PCPT Unit 7: classification in Fluxion", "unit07.html",
    new Part("binary", "cells 6-10: sine vs square waves, SmallCNN with BCEWithLogitsLoss", Binary.Run),
    new Part("sequential", "cell 12: the same model as nn.Sequential", SequentialPart.Run, Binary.Prepare),
    new Part("multiclass", "cells 18-23: six frequency bands, FrequencyClassifier with CrossEntropyLoss", Multiclass.Run, Multiclass.Prepare),
    new Part("evaluation", "cells 26-30: test accuracy, confusion matrix, out-of-range inputs", Evaluation.Run, Evaluation.Prepare),
    new Part("ex1", "exercise 1: binary cross-entropy", Exercise1.Run),
    new Part("ex2", "exercise 2: softmax and cross-entropy", Exercise2.Run),
    new Part("ex3", "exercise 3: frequency classification from FFT features", Exercise3.Run),
    new Part("ex4", "exercise 4: intertwined 2D point clouds", Exercise4.Run));
