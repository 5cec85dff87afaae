using Fluxion.Examples;
using Unit03;

// The PCPT unit 3 (PyTorch tensors) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit03 [--part NAME] [--list] [--report PATH | --no-report]
// Every part seeds what it draws (the course's cells 10 and the exercises call torch.manual_seed), so any part runs alone.
return UnitProgram.Run(args, "Unit03", "PCPT Unit 3: PyTorch tensors in Fluxion", "unit03.html",
    new Part("creation", "cells 6-10: tensors from lists and NumPy arrays, creation functions, print precision", Creation.Run),
    new Part("attributes", "cells 12-26: shape, size, dim, dtype, device, item, scalars, casting, NumPy conversion", Attributes.Run),
    new Part("operations", "cells 30-53: indexing, splitting, reshaping, transposing, joining, arithmetic, linear algebra, reductions", Operations.Run),
    new Part("storage", "cells 56-63: strides, offsets, views sharing storage, contiguity, clones", Storage.Run),
    new Part("ex1", "exercise 1: preprocessing a grayscale image tensor", Exercise1.Run),
    new Part("ex2", "exercise 2: tensor shapes and views", Exercise2.Run),
    new Part("ex3", "exercise 3: principal directions via eigendecomposition", Exercise3.Run));
