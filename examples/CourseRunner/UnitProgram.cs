using System.Globalization;

namespace Fluxion.Examples;

/// <summary>One part of a unit program: a run of the course's cells.</summary>
/// <param name="Name">What <c>--part</c> takes.</param>
/// <param name="Title">The line <c>--list</c> prints.</param>
/// <param name="Run">Prints the cells.</param>
/// <param name="Prepare">Replays the random draws of the cells before this part, when it runs alone.</param>
public sealed record Part(string Name, string Title, Action<Notebook> Run, Action? Prepare = null);

/// <summary>The command line every unit program shares: <c>[--part NAME] [--list] [--report PATH | --no-report]</c>.</summary>
public static class UnitProgram
{
    /// <summary>Runs the parts the arguments select and returns the exit code (2 for a usage error).</summary>
    /// <param name="program">The program's name in usage messages, e.g. <c>Unit06</c>.</param>
    /// <param name="reportTitle">The HTML report's title.</param>
    /// <param name="reportFile">The default report file under <c>out/</c>.</param>
    public static int Run(string[] args, string program, string reportTitle, string reportFile, params Part[] parts)
    {
        // The course prints with Python's invariant number formatting whatever the machine's culture.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string? only = null;
        string? reportPath = Path.Combine("out", reportFile);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--list":
                    int width = parts.Max(p => p.Name.Length) + 1;
                    foreach (var p in parts) Console.WriteLine($"{p.Name.PadRight(width)} {p.Title}");
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
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: {program} [--part NAME] [--list] [--report PATH | --no-report]");
                    return 2;
            }
        }

        var nb = new Notebook(reportPath is null ? null : reportTitle);
        foreach (var part in parts)
        {
            if (only is not null && part.Name != only) continue;
            if (only is not null) part.Prepare?.Invoke();
            part.Run(nb);
        }
        if (reportPath is not null)
        {
            nb.Save(reportPath);
            Console.Error.WriteLine($"Report written to {Path.GetFullPath(reportPath)}");
        }
        return 0;
    }
}
