using System.Globalization;
using Unit10;

// The PCPT unit 10 (essential techniques) in C#: every cell of the course in order, printing what PyTorch 1.13 prints.
// Usage: Unit10 [--part NAME] [--list] [--report PATH | --no-report]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Every part seeds the generator itself (or, as exercise 1, only prints seed-independent text), so parts
// run alone print what they print in the whole run.
var parts = new (string Name, string Title, Action<Notebook> Run)[]
{
    ("broadcast", "cells 5-9: broadcasting, expand vs. repeat", Broadcasting.Run),
    ("detach", "cell 12: detach stops gradient flow", Detach.Run),
    ("normalize", "cells 17-24: input standardization, BatchNorm, train/eval modes", Normalization.Run),
    ("regularize", "cells 28-33: weight decay, inverted dropout, dropout training", Regularization.Run),
    ("losses", "cell 35: custom loss functions and their loss matrices", CustomLosses.Run),
    ("ex1", "exercise 1: BatchNorm running statistics", Exercise1.Run),
    ("ex2", "exercise 2: dropout masks and inverted scaling", Exercise2.Run),
    ("ex3", "exercise 3: learning a convolution kernel with different losses", Exercise3.Run),
};

string? only = null;
string? reportPath = Path.Combine("out", "unit10.html");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--list":
            foreach (var p in parts) Console.WriteLine($"{p.Name,-10} {p.Title}");
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
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Unit10 [--part NAME] [--list] [--report PATH | --no-report]");
            return 2;
    }
}

var nb = new Notebook(withReport: reportPath is not null);
foreach (var part in parts)
{
    if (only is not null && part.Name != only) continue;
    part.Run(nb);
}
if (reportPath is not null)
{
    nb.Save(reportPath);
    Console.Error.WriteLine($"Report written to {Path.GetFullPath(reportPath)}");
}
return 0;
