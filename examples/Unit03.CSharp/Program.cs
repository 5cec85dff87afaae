using System.Globalization;
using Unit03;

// The PCPT unit 3 (PyTorch tensors) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit03 [--part NAME] [--list] [--report PATH | --no-report]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parts = new (string Name, string Title, Action<Notebook> Run)[]
{
    ("creation", "cells 6-10: tensors from lists and NumPy arrays, creation functions, print precision", Creation.Run),
    ("attributes", "cells 12-26: shape, size, dim, dtype, device, item, scalars, casting, NumPy conversion", Attributes.Run),
    ("operations", "cells 30-53: indexing, splitting, reshaping, transposing, joining, arithmetic, linear algebra, reductions", Operations.Run),
    ("storage", "cells 56-63: strides, offsets, views sharing storage, contiguity, clones", Storage.Run),
    ("ex1", "exercise 1: preprocessing a grayscale image tensor", Exercise1.Run),
    ("ex2", "exercise 2: tensor shapes and views", Exercise2.Run),
    ("ex3", "exercise 3: principal directions via eigendecomposition", Exercise3.Run),
};

string? only = null;
string? reportPath = Path.Combine("out", "unit03.html");
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
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Unit03 [--part NAME] [--list] [--report PATH | --no-report]");
            return 2;
    }
}

// Every part seeds what it draws (the course's cells 10 and the exercises call torch.manual_seed), so any part runs alone.
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
