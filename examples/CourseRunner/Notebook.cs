using System.Text;
using Fluxion.CSharp;

namespace Fluxion.Examples;

/// <summary>Prints like a notebook cell and keeps every printed block and figure for the HTML report.</summary>
public sealed class Notebook
{
    private readonly StringBuilder block = new();
    private readonly Report? report;
    private readonly bool quiet;

    /// <summary>A printer; with <paramref name="reportTitle"/> it also collects a report of that title.</summary>
    /// <param name="quiet">Print nothing: a part that replays earlier cells only for their state.</param>
    public Notebook(string? reportTitle, bool quiet = false)
    {
        report = reportTitle is null ? null : new Report(reportTitle);
        this.quiet = quiet;
    }

    /// <summary>True when figures are wanted (building some figures costs time, so they are skipped without a report).</summary>
    public bool WantsFigures => report is not null;

    /// <summary>Python's print: the text and a newline.</summary>
    public void Print(string text = "")
    {
        if (!quiet) Console.WriteLine(text);
        block.Append(text).Append('\n');
    }

    /// <summary>Starts a new section of the report.</summary>
    public void Section(string title)
    {
        Flush();
        report?.AddHeading(title);
    }

    /// <summary>Adds a figure after the text printed so far (built only when a report is collected; a null figure adds nothing).</summary>
    public void Show(Func<Figure?> makeFigure)
    {
        if (report is null) return;
        Flush();
        var figure = makeFigure();
        if (figure is not null) report.AddFigure(figure);
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
