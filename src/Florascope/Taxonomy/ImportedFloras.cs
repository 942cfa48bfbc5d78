namespace Florascope.Taxonomy;

/// <summary>
/// The code of a project (flora) imported from a checklist: lower-case letters, digits and '-', 2-40
/// characters, neither "all" nor "best" (the API's own words).
/// </summary>
public readonly record struct ProjectCode
{
    public const int MinLength = 2;
    public const int MaxLength = 40;

    private ProjectCode(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Null when <paramref name="text"/> is a valid code, else why not.</summary>
    public static string? Problem(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "A project code is required.";
        if (text.Length is < MinLength or > MaxLength) return $"The project code '{Shown(text)}' must have {MinLength}-{MaxLength} characters.";
        if (!text.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            return $"The project code '{Shown(text)}' may only hold lower-case letters, digits and '-'.";
        if (text is Checklist.AllProject or "best") return $"The project code '{text}' is reserved.";
        return null;
    }

    public static bool TryParse(string? text, out ProjectCode code)
    {
        code = Problem(text) is null ? new ProjectCode(text!) : default;
        return code.Value is not null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with the reason when <paramref name="text"/> is not a valid code.</summary>
    public static ProjectCode Parse(string? text) =>
        Problem(text) is { } problem ? throw new ArgumentException(problem) : new ProjectCode(text!);

    private static string Shown(string text) => text.Length > 60 ? text[..60] + "..." : text;
}

/// <summary>An accepted name of an imported checklist, with its synonyms (canonical names) and vernacular names by language.</summary>
public sealed record FloraName(string CanonicalName, string Authorship, string Rank, string Genus, string Family,
    IReadOnlyList<string> Synonyms, IReadOnlyDictionary<string, IReadOnlyList<string>> CommonNames);

/// <summary>A project imported from a checklist archive (stored in the database, not in a model bundle).</summary>
public sealed record ImportedFlora(ProjectCode Code, string Title, string Description, IReadOnlyList<FloraName> Names);

/// <summary>What the API says of an imported project: its title and the accepted names the model cannot identify yet.</summary>
public sealed record ImportedProject(string Code, string Title, string Description, IReadOnlyList<Taxon> KnownOnly);

public sealed partial class Checklist
{
    private static readonly IReadOnlyDictionary<string, ImportedProject> NoImports = new Dictionary<string, ImportedProject>();

    /// <summary>The projects imported from checklists, by code (empty for a bundle's own checklist).</summary>
    public IReadOnlyDictionary<string, ImportedProject> ImportedProjects { get; private init; } = NoImports;

    /// <summary>The accepted names of an imported project that the model does not know (identifiable: none of them); empty otherwise.</summary>
    public IReadOnlyList<Taxon> KnownOnly(string project) => ImportedProjects.TryGetValue(project, out var p) ? p.KnownOnly : [];

    private Checklist(IReadOnlyList<Taxon> taxa, IEnumerable<KeyValuePair<string, int>> synonyms, IReadOnlyDictionary<string, ImportedProject> imported)
        : this(taxa)
    {
        // The model's own names come first: a synonym never hides an accepted name.
        foreach (var (key, index) in synonyms) _byKey.TryAdd(key, index);
        ImportedProjects = imported;
        Projects = [.. Projects, .. imported.Keys.Where(k => !Projects.Contains(k)).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// This (a bundle's) checklist with the imported projects composed in, the taxa still in head order:
    /// each accepted name matching a taxon of the model (by <see cref="NameKey"/>, its own name or one
    /// of its synonyms) adds the project to that taxon, its synonyms (they then resolve through
    /// <see cref="IndexOf"/> and <see cref="TaxonSearch"/>) and vernacular names in languages the taxon
    /// lacks; the others are listed as known only. A synonym spelled as an accepted name of the same
    /// checklist, or of another of the model's taxa, is dropped: that name belongs to that species. A
    /// project whose code the model already has is left out (the bundle's own projects win); with
    /// several projects, the first by code wins a synonym.
    /// </summary>
    public Checklist WithProjects(IReadOnlyList<ImportedFlora> floras)
    {
        if (floras.Count == 0) return this;
        var projects = Taxa.Select(t => t.Projects.ToList()).ToArray();
        var synonyms = Taxa.Select(t => t.Synonyms.ToList()).ToArray();
        // Their keys, so that a name with thousands of synonyms costs linear time.
        var synonymKeys = Taxa.Select(t => t.Synonyms.Select(NameKey).ToHashSet(StringComparer.Ordinal)).ToArray();
        var names = Taxa.Select(t => t.CommonNames.ToDictionary()).ToArray();
        var extraKeys = new List<KeyValuePair<string, int>>();
        var imported = new Dictionary<string, ImportedProject>(StringComparer.Ordinal);
        var modelAccepted = Taxa.Select(t => NameKey(t.ScientificNameWithoutAuthor)).ToHashSet(StringComparer.Ordinal);
        foreach (var flora in floras.Where(f => !Projects.Contains(f.Code.Value)).OrderBy(f => f.Code.Value, StringComparer.Ordinal))
        {
            var code = flora.Code.Value;
            if (imported.ContainsKey(code)) continue;
            var knownOnly = new List<Taxon>();
            // A synonym spelled as another accepted name of this checklist names that species, not this one.
            var acceptedHere = flora.Names.Select(n => NameKey(n.CanonicalName)).ToHashSet(StringComparer.Ordinal);
            foreach (var name in flora.Names)
            {
                IReadOnlyList<string> nameSynonyms = [.. name.Synonyms.Where(s => !acceptedHere.Contains(NameKey(s)))];
                var i = IndexOf(name.CanonicalName);
                // Through a synonym that is the model's accepted name: the model spells this taxon so.
                for (var s = 0; i < 0 && s < nameSynonyms.Count; s++) i = IndexOf(nameSynonyms[s]);
                if (i < 0)
                {
                    knownOnly.Add(new Taxon
                    {
                        ScientificNameWithoutAuthor = name.CanonicalName, Authorship = name.Authorship, Rank = name.Rank,
                        Genus = name.Genus, Family = name.Family, Projects = [code], Synonyms = nameSynonyms, CommonNames = name.CommonNames,
                    });
                    continue;
                }
                if (!projects[i].Contains(code)) projects[i].Add(code);
                foreach (var other in nameSynonyms.Prepend(name.CanonicalName))
                {
                    var key = NameKey(other);
                    // A model taxon's accepted name (this one's or another's) is never made a synonym: search and typed names would mix them.
                    if (key.Length == 0 || modelAccepted.Contains(key) || !synonymKeys[i].Add(key)) continue;
                    synonyms[i].Add(other);
                    extraKeys.Add(new(key, i));
                }
                foreach (var (lang, list) in name.CommonNames)
                    if (list.Count > 0 && !(names[i].TryGetValue(lang, out var have) && have.Count > 0)) names[i][lang] = list;
            }
            imported[code] = new ImportedProject(code, flora.Title, flora.Description,
                [.. knownOnly.OrderBy(t => t.ScientificNameWithoutAuthor, StringComparer.Ordinal)]);
        }
        var taxa = Taxa.Select((t, i) => t with { Projects = projects[i], Synonyms = synonyms[i], CommonNames = names[i] }).ToList();
        return new Checklist(taxa, extraKeys, imported);
    }
}
