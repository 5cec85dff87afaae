using System.Text;
using Fluxion.CSharp;

namespace Fluxion.Examples;

/// <summary>Prints like a notebook cell and keeps every printed block and figure for the HTML report.</summary>
public sealed class Notebook
{
    private readonly StringBuilder block = new();
    private readonly Report? report;

    /// <summary>A printer; with <paramref name="reportTitle"/> it also collects a report of that title.</summary>
    public Notebook(string? reportTitle) => report = reportTitle is null ? null : new Report(reportTitle);

    /// <summary>True when figures are wanted (building some figures costs time, so they are skipped without a report).</summary>
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

    /// <summary>Adds a figure after the text printed so far (the figure is only built when a report is collected).</summary>
    public void Show(Func<Figure> makeFigure)
    {
        if (report is null) return;
        Flush();
        report.AddFigure(makeFigure());
    }

    /// <summary>Writes the report (a self-contained HTML page); nothing without a report.</summary>
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
