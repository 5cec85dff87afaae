using System.Globalization;
using Unit06;

// The PCPT unit 6 (convolution) in C#: every cell of the course in order, printing what PyTorch prints.
// Usage: Unit06 [--part NAME] [--list] [--report PATH | --no-report]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parts = new (string Name, string Title, Action<Notebook> Run, Action Prepare)[]
{
    ("numpy", "cells 5-7: np.convolve and its modes", Intro.Run, () => { }),
    ("torch", "cells 10-19: F.conv1d, nn.Conv1d, padding, stride, dilation", TorchConv.Run, TorchConv.Prepare),
    ("denoise", "cells 22-30: denoising with a fixed and a learned filter", Denoising.Run, () => { }),
    ("data", "cells 33-36: Dataset and DataLoader, training with mini-batches", DataParts.Run, DataParts.Prepare),
    ("ex1", "exercise 1: smoothing and edge detection", Exercise1.Run, () => { }),
    ("ex2", "exercise 2: Conv1d parameters", Exercise2.Run, () => { }),
    ("ex3", "exercise 3: learning to separate low and high frequencies", Exercise3.Run, Exercise3.Prepare),
};

string? only = null;
string? reportPath = Path.Combine("out", "unit06.html");
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
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: Unit06 [--part NAME] [--list] [--report PATH | --no-report]");
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
