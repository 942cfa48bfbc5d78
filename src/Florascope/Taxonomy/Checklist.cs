using System.Globalization;
using System.Text;

namespace Florascope.Taxonomy;

/// <summary>The 13 languages of vernacular names, in the checklist's column order.</summary>
public static class Languages
{
    public static IReadOnlyList<string> All { get; } = ["en", "fr", "de", "es", "it", "nl", "pt", "pl", "cs", "ja", "zh", "ar", "ru"];

    public static bool IsKnown(string code) => All.Contains(code);
}

/// <summary>The organs a photo can show; <c>auto</c> asks the model.</summary>
public static class Organs
{
    public static IReadOnlyList<string> All { get; } = ["leaf", "flower", "fruit", "bark", "habit", "other", "auto"];

    public static bool IsKnown(string organ) => All.Contains(organ);
}

public sealed record Taxon
{
    public required string ScientificNameWithoutAuthor { get; init; }
    public string Authorship { get; init; } = "";
    public string Rank { get; init; } = "species";
    public string Genus { get; init; } = "";
    public string Family { get; init; } = "";
    public string? GbifKey { get; init; }
    public string? PowoId { get; init; }
    public string NativeRange { get; init; } = "";
    public string DemoOrgan { get; init; } = "";
    public IReadOnlyList<string> Projects { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CommonNames { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>Other names of this taxon (imported checklists' synonyms, canonical form): typed names resolve to it.</summary>
    public IReadOnlyList<string> Synonyms { get; init; } = [];

    public string ScientificName => string.IsNullOrEmpty(Authorship) ? ScientificNameWithoutAuthor : $"{ScientificNameWithoutAuthor} {Authorship}";

    /// <summary>Vernacular names in <paramref name="lang"/>, else in English, else none.</summary>
    public IReadOnlyList<string> NamesIn(string lang) =>
        CommonNames.TryGetValue(lang, out var names) && names.Count > 0 ? names
        : CommonNames.TryGetValue("en", out var en) ? en : [];

    public bool InProject(string project) => project == Checklist.AllProject || Projects.Contains(project);
}

/// <summary>The taxa a model knows, read from checklist.tsv (see data/README.md for its columns).</summary>
public sealed partial class Checklist
{
    public const string AllProject = "all";

    private readonly Dictionary<string, int> _byKey;

    public Checklist(IReadOnlyList<Taxon> taxa)
    {
        Taxa = taxa;
        _byKey = [];
        for (var i = 0; i < taxa.Count; i++) _byKey[NameKey(taxa[i].ScientificNameWithoutAuthor)] = i;
        Projects = [AllProject, .. taxa.SelectMany(t => t.Projects).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<Taxon> Taxa { get; }

    /// <summary>Project ids, <c>all</c> first.</summary>
    public IReadOnlyList<string> Projects { get; }

    public bool HasProject(string project) => Projects.Contains(project);

    /// <summary>Index of the taxon, by scientific name with <c>_</c> or spaces, any case; -1 if unknown.</summary>
    public int IndexOf(string name) => _byKey.TryGetValue(NameKey(name), out var i) ? i : -1;

    /// <summary>Folder or typed names compare equal when they differ only in case, underscores and spacing.</summary>
    public static string NameKey(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var part in name.Replace('_', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(part.Normalize(NormalizationForm.FormC).ToLowerInvariant());
        }
        return sb.ToString();
    }

    public static Checklist Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checklist not found: {path}");
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length == 0) throw new InvalidDataException($"Checklist {path} is empty.");
        var header = lines[0].Split('\t');
        int Col(string name)
        {
            var i = Array.IndexOf(header, name);
            return i >= 0 ? i : throw new InvalidDataException($"Checklist {path} has no column '{name}'.");
        }
        var name = Col("scientificNameWithoutAuthor");
        var taxa = new List<Taxon>();
        for (var li = 1; li < lines.Length; li++)
        {
            if (string.IsNullOrWhiteSpace(lines[li])) continue;
            var f = lines[li].Split('\t');
            if (f.Length != header.Length)
                throw new InvalidDataException($"Checklist {path}, line {li + 1}: {f.Length} columns, expected {header.Length}.");
            string Get(string col) => f[Col(col)].Trim();
            string? Opt(string col) => Get(col) is { Length: > 0 } v ? v : null;
            var names = new Dictionary<string, IReadOnlyList<string>>();
            foreach (var lang in Languages.All)
            {
                var i = Array.IndexOf(header, "common_" + lang);
                if (i < 0 || f[i].Length == 0) continue;
                names[lang] = f[i].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            taxa.Add(new Taxon
            {
                ScientificNameWithoutAuthor = f[name].Trim(),
                Authorship = Get("scientificNameAuthorship"),
                Rank = Get("rank"),
                Genus = Get("genus"),
                Family = Get("family"),
                GbifKey = Opt("gbifKey"),
                PowoId = Opt("powoId"),
                NativeRange = Get("nativeRange"),
                DemoOrgan = Get("demoOrgan"),
                Projects = Get("projects").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                CommonNames = names,
            });
        }
        return new Checklist(taxa);
    }

    /// <summary>Accent- and case-insensitive form used for prefix search of names.</summary>
    public static string SearchKey(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
