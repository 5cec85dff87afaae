using System.Globalization;
using Unit07;

// The PCPT unit 7 (classification) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit07 [--part NAME] [--list] [--report PATH | --no-report]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parts = new (string Name, string Title, Action<Notebook> Run, Action Prepare)[]
{
    ("binary", "cells 6-10: sine vs square waves, SmallCNN with BCEWithLogitsLoss", Binary.Run, () => { }),
    ("sequential", "cell 12: the same model as nn.Sequential", SequentialPart.Run, Binary.Prepare),
    ("multiclass", "cells 18-23: six frequency bands, FrequencyClassifier with CrossEntropyLoss", Multiclass.Run, Multiclass.Prepare),
    ("evaluation", "cells 26-30: test accuracy, confusion matrix, out-of-range inputs", Evaluation.Run, Evaluation.Prepare),
    ("ex1", "exercise 1: binary cross-entropy", Exercise1.Run, () => { }),
    ("ex2", "exercise 2: softmax and cross-entropy", Exercise2.Run, () => { }),
    ("ex3", "exercise 3: frequency classification from FFT features", Exercise3.Run, () => { }),
    ("ex4", "exercise 4: intertwined 2D point clouds", Exercise4.Run, () => { }),
};

string? only = null;
string? reportPath = Path.Combine("out", "unit07.html");
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
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Unit07 [--part NAME] [--list] [--report PATH | --no-report]");
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
