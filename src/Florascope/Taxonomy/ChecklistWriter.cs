namespace Florascope.Taxonomy;

/// <summary>Writes a checklist in the same TSV layout that <see cref="Checklist.Load"/> reads.</summary>
public static class ChecklistWriter
{
    public static void Write(Checklist checklist, string path)
    {
        var header = new List<string> { "scientificNameWithoutAuthor", "scientificNameAuthorship", "rank", "genus", "family", "gbifKey", "powoId", "nativeRange", "demoOrgan", "projects" };
        header.AddRange(Languages.All.Select(l => "common_" + l));
        var lines = new List<string> { string.Join('\t', header) };
        foreach (var t in checklist.Taxa)
        {
            var row = new List<string> { t.ScientificNameWithoutAuthor, t.Authorship, t.Rank, t.Genus, t.Family, t.GbifKey ?? "", t.PowoId ?? "", t.NativeRange, t.DemoOrgan, string.Join(',', t.Projects) };
            row.AddRange(Languages.All.Select(l => t.CommonNames.TryGetValue(l, out var n) ? string.Join('|', n.Select(name => name.Replace('|', '/'))) : ""));
            lines.Add(string.Join('\t', row.Select(Cell)));
        }
        File.WriteAllLines(path, lines, new System.Text.UTF8Encoding(false));
    }

    /// <summary>
    /// A cell of the bundle's tab-separated files (checklist.tsv, references.tsv): names and credits from
    /// other archives may hold tabs or line breaks, which would break the rows and the bundle's loading;
    /// they become single spaces.
    /// </summary>
    public static string Cell(string? value) =>
        string.IsNullOrEmpty(value) ? "" : value.AsSpan().IndexOfAny('\t', '\r', '\n') < 0 ? value : string.Join(' ', value.Split(['\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
