using System.Text;
using Fluxion.CSharp;

namespace Unit10;

/// <summary>Prints like a notebook cell and keeps every printed block and figure for the HTML report.</summary>
public sealed class Notebook
{
    private readonly StringBuilder block = new();
    private readonly Report? report;

    public Notebook(bool withReport) => report = withReport ? new Report("PCPT Unit 10: essential techniques in Fluxion") : null;

    /// <summary>True when figures are wanted (building a heatmap costs time, so skip it without a report).</summary>
    public bool WantsFigures => report is not null;

    /// <summary>Python's print: the text and a newline.</summary>
    public void Print(string text = "")
    {
        Console.WriteLine(text);
        block.Append(text).Append('\n');
    }

    /// <summary>Starts a new section of the report.</summary>
    public void Section(string title)
    {
        Flush();
        report?.AddHeading(title);
    }

    /// <summary>Adds a figure after the text printed so far.</summary>
    public void Show(Func<Figure> makeFigure)
    {
        if (report is null) return;
        Flush();
        report.AddFigure(makeFigure());
    }

    /// <summary>Progress on the terminal for long parts (never when output is redirected).</summary>
    public static void Progress(string part, int done, int total)
    {
        if (Console.IsErrorRedirected) return;
        if (done == total) Console.Error.Write($"\r{new string(' ', 60)}\r");
        else if (done % 250 == 0) Console.Error.Write($"\r  {part}: {done}/{total} ({100 * done / total}%)");
    }

    public void Save(string path)
    {
        if (report is null) return;
        Flush();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        report.Save(path);
    }

    private void Flush()
    {
        if (block.Length == 0) return;
        report?.AddText(block.ToString().TrimEnd('\n'));
        block.Clear();
    }
}
