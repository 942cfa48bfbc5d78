using System.Runtime.InteropServices;
using System.Text;

namespace Florascope.Bench;

/// <summary>One line of the summary: what was measured, the figure, and the target or a remark.</summary>
public sealed record Row(string What, string Figure, string Note = "");

/// <summary>Collects the figures, prints them, and writes them into docs/benchmarks.md.</summary>
public sealed class Report(string suite)
{
    private readonly List<Row> _rows = [];
    private readonly List<string> _notes = [];

    public void Add(string what, string figure, string note = "")
    {
        _rows.Add(new Row(what, figure, note));
        Console.WriteLine($"  {what}: {figure}{(note.Length > 0 ? $"  [{note}]" : "")}");
    }

    /// <summary>A remark printed at once and kept for the document (a skipped measurement, a failure).</summary>
    public void Note(string text)
    {
        _notes.Add(text);
        Console.WriteLine($"  NOTE: {text}");
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}";
    }

    public void PrintTable()
    {
        var w1 = _rows.Max(r => r.What.Length);
        var w2 = _rows.Max(r => r.Figure.Length);
        Console.WriteLine();
        Console.WriteLine($"Summary ({suite})");
        Console.WriteLine(new string('-', w1 + w2 + 24));
        foreach (var r in _rows) Console.WriteLine($"{r.What.PadRight(w1)}  {r.Figure.PadLeft(w2)}  {r.Note}");
        Console.WriteLine(new string('-', w1 + w2 + 24));
        foreach (var n in _notes) Console.WriteLine($"NOTE: {n}");
    }

    public string Markdown(string command, IEnumerable<string> preamble)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## `{suite}` suite").AppendLine();
        sb.AppendLine($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine($"- Machine: {Machine()}");
        sb.AppendLine($"- Command: `{command}`");
        foreach (var p in preamble) sb.AppendLine($"- {p}");
        sb.AppendLine();
        sb.AppendLine("| Measurement | Figure | Target / remark |");
        sb.AppendLine("| --- | ---: | --- |");
        foreach (var r in _rows) sb.AppendLine($"| {Indent(r.What)} | {Escape(r.Figure)} | {Escape(r.Note)} |");
        if (_notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var n in _notes) sb.AppendLine($"- **Note:** {n}");
        }
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Markdown drops leading spaces in a cell: show a sub-row with an arrow instead.</summary>
    private static string Indent(string what)
    {
        var level = (what.Length - what.TrimStart().Length) / 2;
        return level == 0 ? Escape(what) : $"{string.Concat(Enumerable.Repeat("&emsp;", level - 1))}↳ {Escape(what.TrimStart())}";
    }

    /// <summary>Replaces this suite's section between its markers, leaving the rest of the file alone.</summary>
    public void WriteSection(string docPath, string markdown)
    {
        var start = $"<!-- {suite}:start -->";
        var end = $"<!-- {suite}:end -->";
        var section = $"{start}\n{markdown.TrimEnd()}\n{end}";
        var text = File.Exists(docPath)
            ? File.ReadAllText(docPath)
            : "# Benchmarks\n\nWritten by `bench/Florascope.Bench`; each section is replaced by the run of its suite.\n\n";
        var i = text.IndexOf(start, StringComparison.Ordinal);
        var j = i < 0 ? -1 : text.IndexOf(end, i, StringComparison.Ordinal);
        text = i >= 0 && j >= 0
            ? text[..i] + section + text[(j + end.Length)..]
            : text.TrimEnd() + "\n\n" + section + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(docPath)!);
        File.WriteAllText(docPath, text);
    }
}
