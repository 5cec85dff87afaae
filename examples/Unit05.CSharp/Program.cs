using System.Globalization;
using Unit05;

// The PCPT unit 5 (torch.nn) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit05 [--part NAME] [--list] [--report PATH | --no-report]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parts = new (string Name, string Title, Action<Notebook> Run, Action Prepare)[]
{
    ("regression", "cells 7-13: training pairs, polynomial regression, linear layer shapes", Regression.Run, () => { }),
    ("modules", "cells 15-23: custom module, parameters, training with torch.optim", ClassBased.Run, ClassBased.Prepare),
    ("twolayer", "cells 28-35: two-layer ReLU network, summary, outputs, training, shared weights", TwoLayer.Run, () => { }),
    ("ex1", "exercise 1: activation functions", Exercise1.Run, () => { }),
    ("ex2", "exercise 2: model capacity (8000 iterations)", Exercise2.Run, () => { }),
    ("ex3", "exercise 3: optimizers on the Himmelblau function", Exercise3.Run, () => { }),
};

string? only = null;
string? reportPath = Path.Combine("out", "unit05.html");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--list":
            foreach (var p in parts) Console.WriteLine($"{p.Name,-11} {p.Title}");
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
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Unit05 [--part NAME] [--list] [--report PATH | --no-report]");
            return 2;
    }
}

var nb = new Notebook(withReport: reportPath is not null);
foreach (var part in parts)
{
    if (only is not null && part.Name != only) continue;
    if (only is not null) part.Prepare();
    part.Run(nb);
}
if (reportPath is not null)
{
    nb.Save(reportPath);
    Console.Error.WriteLine($"Report written to {Path.GetFullPath(reportPath)}");
}
return 0;
