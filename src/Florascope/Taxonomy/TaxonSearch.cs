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

    /// <summary>
    /// The pages' autocompletion: the taxa of <paramref name="project"/> one of whose names (scientific,
    /// synonym, or vernacular in ANY of the 13 languages) starts with <paramref name="prefix"/>, or has a
    /// word that does, accent- and case-insensitive; each with the name that matched. Ranked: exact
    /// names first, then scientific names, vernacular names in the page's language, synonyms, other
    /// languages (English first); a whole name before a word inside one; then by scientific name.
    /// </summary>
    public static IEnumerable<NameMatch> Suggest(Checklist checklist, string project, string? prefix, string lang)
    {
        var key = TaxonNames.Key((prefix ?? "").Trim());
        var found = new List<(NameMatch Match, (int, int, int) Rank)>();
        for (var i = 0; i < checklist.Taxa.Count; i++)
        {
            var taxon = checklist.Taxa[i];
            if (!taxon.InProject(project)) continue;
            if (key.Length == 0)
            {
                found.Add((new NameMatch(taxon, taxon.ScientificNameWithoutAuthor, NameKind.Scientific, null), (1, 0, 0)));
                continue;
            }
            (TaxonNameEntry Entry, (int, int, int) Rank)? best = null;
            foreach (var n in checklist.NamesOf(i))
            {
                var whole = n.Key.StartsWith(key, StringComparison.Ordinal);
                if (!whole && !n.Key.Split(' ', '-').Any(w => w.StartsWith(key, StringComparison.Ordinal))) continue;
                var rank = (n.Key == key ? 0 : 1, Tier(n, lang), whole ? 0 : 1);
                if (best is null || rank.CompareTo(best.Value.Rank) < 0) best = (n, rank);
            }
            if (best is { } b) found.Add((new NameMatch(taxon, b.Entry.Name, b.Entry.Kind, b.Entry.Language), b.Rank));
        }
        return found.OrderBy(x => x.Rank).ThenBy(x => x.Match.Taxon.ScientificNameWithoutAuthor, StringComparer.Ordinal).Select(x => x.Match);
    }

    private static int Tier(TaxonNameEntry name, string lang) => name.Kind switch
    {
        NameKind.Scientific => 0,
        NameKind.Vernacular when name.Language == lang => 1,
        NameKind.Synonym => 2,
        _ => name.Language == "en" ? 3 : 4,
    };
}
