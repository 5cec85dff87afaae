using Fluxion.Examples;
using Unit09;

// The PCPT unit 9 (recursion and RNNs) in C#: every cell of the course in order, printing what PyTorch 1.13 prints.
// Usage: Unit09 [--part NAME] [--list] [--report PATH | --no-report]
var cells = new (string Name, string Title, Action<Notebook> Run)[]
{
    ("filters", "cells 5-15: recursive filters and the change detector as an nn.RNN", Filters.Run),
    ("data", "cells 19-21: synthetic novelty curves, datasets and loaders", DataParts.Run),
    ("mse", "cells 23-25: training the change-detector RNN with MSE", MseTraining.Run),
    ("bce", "cells 28-30: a bidirectional tanh RNN with BCEWithLogitsLoss", BceTraining.Run),
    ("prf", "cells 33-39: precision, recall and F-measure of picked peaks", PrfParts.Run),
    ("ex1", "exercise 1: impulse responses of recursive filters", Exercise1.Run),
    ("ex2", "exercise 2: class-imbalance weighting", Exercise2.Run),
    ("ex3", "exercise 3: training with PRF reporting", Exercise3.Run),
};

// The cells share PyTorch's default generator (model initialisation, DataLoader seeds), so a single part first
// replays the cells before it without printing, as the notebook's kernel would have run them.
var parts = cells.Select((c, k) => new Part(c.Name, c.Title, c.Run, () =>
{
    var silent = new Notebook(reportTitle: null, quiet: true);
    foreach (var earlier in cells.Take(k))
        if (!earlier.Name.StartsWith("ex")) earlier.Run(silent);
})).ToArray();

return UnitProgram.Run(args, "Unit09", "PCPT Unit 9: recursion and RNNs in Fluxion", "unit09.html", parts);
