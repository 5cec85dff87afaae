using System.Globalization;
using Unit09;

// The PCPT unit 9 (recursion and RNNs) in C#: every cell of the course in order, printing what PyTorch 1.13 prints.
// Usage: Unit09 [--part NAME] [--list] [--report PATH | --no-report]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parts = new (string Name, string Title, Action<Notebook> Run)[]
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

string? only = null;
string? reportPath = Path.Combine("out", "unit09.html");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--list":
            foreach (var p in parts) Console.WriteLine($"{p.Name,-9} {p.Title}");
            return 0;
        case "--part" when i + 1 < args.Length:
            only = args[++i];
            if (!parts.Any(p => p.Name == only))
            {
                Console.Error.WriteLine($"Unknown part '{only}'. Parts: {string.Join(", ", parts.Select(p => p.Name))}");
                return 2;
            }
            break;
        case "--report" when i + 1 < args.Length:
            reportPath = args[++i];
            break;
        case "--no-report":
            reportPath = null;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Unit09 [--part NAME] [--list] [--report PATH | --no-report]");
            return 2;
    }
}

var nb = new Notebook(withReport: reportPath is not null);
// The cells share PyTorch's default generator (model initialisation, DataLoader seeds), so a single part
// replays the parts before it without printing, as the notebook's kernel would have run them.
var silent = new Notebook(withReport: false, quiet: true);
int last = only is null ? parts.Length - 1 : Array.FindIndex(parts, p => p.Name == only);
for (int k = 0; k <= last; k++)
{
    var part = parts[k];
    if (only is not null && part.Name != only)
    {
        if (!part.Name.StartsWith("ex")) part.Run(silent);
        continue;
    }
    part.Run(nb);
}
if (reportPath is not null)
{
    nb.Save(reportPath);
    Console.Error.WriteLine($"Report written to {Path.GetFullPath(reportPath)}");
}
return 0;
