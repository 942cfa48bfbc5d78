namespace Florascope.Taxonomy;

/// <summary>
/// The one name search of the checklist (the API's species lists, the pages' autocompletion): an
/// accent- and case-insensitive prefix of the scientific name, of a vernacular name in the asked
/// language (or English), or of one word of such a vernacular name.
/// </summary>
public static class TaxonSearch
{
    /// <summary>The taxa of <paramref name="project"/> that match <paramref name="prefix"/> (all of them when it is empty), by scientific name.</summary>
    public static IEnumerable<Taxon> Find(Checklist checklist, string project, string? prefix, string lang)
    {
        var key = Checklist.SearchKey((prefix ?? "").Trim());
        return checklist.Taxa.Where(t => t.InProject(project) && (key.Length == 0 || Matches(t, key, lang)))
            .OrderBy(t => t.ScientificNameWithoutAuthor, StringComparer.Ordinal);
    }

    /// <summary>Whether the taxon matches a prefix already turned into a <see cref="Checklist.SearchKey"/>.</summary>
    public static bool Matches(Taxon t, string key, string lang) =>
        Checklist.SearchKey(t.ScientificNameWithoutAuthor).StartsWith(key, StringComparison.Ordinal)
        || t.Synonyms.Any(s => Checklist.SearchKey(s).StartsWith(key, StringComparison.Ordinal))
        || t.NamesIn(lang).Concat(t.NamesIn("en")).Any(n => Checklist.SearchKey(n) is var name
            && (name.StartsWith(key, StringComparison.Ordinal) || name.Split(' ', '-').Any(w => w.StartsWith(key, StringComparison.Ordinal))));

    /// <summary>
    /// <see cref="Find"/> with, for a project imported from a checklist, its accepted names the
    /// model does not know (Identifiable false), in one list by scientific name.
    /// </summary>
    public static IEnumerable<(Taxon Taxon, bool Identifiable)> FindWithKnownOnly(Checklist checklist, string project, string? prefix, string lang)
    {
        var key = Checklist.SearchKey((prefix ?? "").Trim());
        var knownOnly = checklist.KnownOnly(project).Where(t => key.Length == 0 || Matches(t, key, lang)).Select(t => (t, false));
        return Find(checklist, project, prefix, lang).Select(t => (t, true)).Concat(knownOnly)
            .OrderBy(x => x.Item1.ScientificNameWithoutAuthor, StringComparer.Ordinal);
    }
}
