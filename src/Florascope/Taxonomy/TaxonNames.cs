namespace Florascope.Taxonomy;

/// <summary>What kind of name a typed text matched.</summary>
public enum NameKind
{
    /// <summary>The accepted scientific name.</summary>
    Scientific,
    /// <summary>A vernacular (common) name, in one of the 13 languages.</summary>
    Vernacular,
    /// <summary>A synonym (an imported checklist's other scientific name).</summary>
    Synonym,
}

/// <summary>One name of a taxon, with its search key: what the name search compares.</summary>
/// <param name="Language">The vernacular name's language; null for scientific names and synonyms.</param>
public sealed record TaxonNameEntry(string Name, string Key, NameKind Kind, string? Language);

/// <summary>A taxon found by one of its names: the name that matched and its kind.</summary>
public sealed record NameMatch(Taxon Taxon, string Matched, NameKind Kind, string? Language);

/// <summary>What a typed taxon name means: one accepted taxon, none, or several (a common name several taxa share).</summary>
public abstract record NameResolution
{
    private NameResolution() { }

    /// <summary>The name names one taxon of the checklist.</summary>
    public sealed record Found(Taxon Taxon, NameKind Kind) : NameResolution;

    /// <summary>The checklist has no taxon of that name.</summary>
    public sealed record Unknown : NameResolution;

    /// <summary>A vernacular name of several taxa (in checklist order): the person must choose.</summary>
    public sealed record Ambiguous(IReadOnlyList<Taxon> Candidates) : NameResolution;
}

/// <summary>
/// Typed names to taxa, the one rule every name field follows (saving an observation, identifying,
/// the filters, the game): a scientific name or synonym (any case and spacing, <see cref="Checklist.IndexOf"/>)
/// first, else a vernacular name in any of the 13 languages, whole, accent- and case-insensitive.
/// Scientific names win over vernacular ones, so a genus spelled like a common name stays the genus.
/// </summary>
public static class TaxonNames
{
    public static NameResolution Resolve(Checklist checklist, string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return new NameResolution.Unknown();
        var i = checklist.IndexOf(typed);
        if (i >= 0)
        {
            var taxon = checklist.Taxa[i];
            return new NameResolution.Found(taxon, Checklist.NameKey(taxon.ScientificNameWithoutAuthor) == Checklist.NameKey(typed) ? NameKind.Scientific : NameKind.Synonym);
        }
        var key = Key(typed);
        // A scientific name or synonym typed without its accents or with other ones (rare, but imported checklists have some).
        var found = new List<int>();
        for (var t = 0; t < checklist.Taxa.Count; t++)
            if (checklist.NamesOf(t).Any(n => n.Kind != NameKind.Vernacular && n.Key == key)) found.Add(t);
        if (found.Count == 1) return new NameResolution.Found(checklist.Taxa[found[0]], checklist.NamesOf(found[0]).First(n => n.Key == key).Kind);
        found.Clear();
        for (var t = 0; t < checklist.Taxa.Count; t++)
            if (checklist.NamesOf(t).Any(n => n.Kind == NameKind.Vernacular && n.Key == key)) found.Add(t);
        return found.Count switch
        {
            0 => new NameResolution.Unknown(),
            1 => new NameResolution.Found(checklist.Taxa[found[0]], NameKind.Vernacular),
            _ => new NameResolution.Ambiguous([.. found.Select(t => checklist.Taxa[t])]),
        };
    }

    /// <summary>The form names are compared in: accents, case, '_' and runs of spaces ignored.</summary>
    public static string Key(string name) => Checklist.SearchKey(Checklist.NameKey(name));

    /// <summary>Every name of a taxon with its key: scientific, synonyms, then vernacular names by language (checklist column order).</summary>
    public static IReadOnlyList<TaxonNameEntry> EntriesOf(Taxon taxon)
    {
        var entries = new List<TaxonNameEntry> { new(taxon.ScientificNameWithoutAuthor, Key(taxon.ScientificNameWithoutAuthor), NameKind.Scientific, null) };
        entries.AddRange(taxon.Synonyms.Select(s => new TaxonNameEntry(s, Key(s), NameKind.Synonym, null)));
        foreach (var lang in Languages.All)
            if (taxon.CommonNames.TryGetValue(lang, out var names))
                entries.AddRange(names.Where(n => n.Length > 0).Select(n => new TaxonNameEntry(n, Key(n), NameKind.Vernacular, lang)));
        return entries;
    }
}

public sealed partial class Checklist
{
    // Built on first use (benign race: every thread builds the same arrays); a checklist never changes.
    private IReadOnlyList<TaxonNameEntry>[]? _names;

    /// <summary>The names of the taxon at <paramref name="index"/>, with their search keys (<see cref="TaxonNames.EntriesOf"/>).</summary>
    public IReadOnlyList<TaxonNameEntry> NamesOf(int index)
    {
        _names ??= [.. Taxa.Select(TaxonNames.EntriesOf)];
        return _names[index];
    }
}
