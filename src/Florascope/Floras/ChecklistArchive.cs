using System.Text;
using Florascope.DarwinCore;
using Florascope.Taxonomy;

namespace Florascope.Floras;

/// <summary>A vernacular name with its language (ISO 639-1, e.g. "fr", as GBIF writes it; 639-2 codes mapped).</summary>
public sealed record VernacularName(string Name, string Language);

/// <summary>
/// One row of a checklist's Taxon core: <see cref="AcceptedTaxonId"/> is null for an accepted name
/// and names the accepted taxon for a synonym.
/// </summary>
public sealed record ChecklistTaxon(string TaxonId, string ScientificName, string CanonicalName, string Authorship, string Rank,
    string TaxonomicStatus, string? AcceptedTaxonId, string Genus, string Family, IReadOnlyList<VernacularName> VernacularNames)
{
    public bool IsAccepted => AcceptedTaxonId is null;
}

/// <summary>A Darwin Core checklist archive: Taxon core and the optional Vernacular Names extension.</summary>
public sealed record ChecklistArchiveContents(IReadOnlyList<ChecklistTaxon> Taxa)
{
    /// <summary>Vernacular names left out because their language is none of <see cref="Languages.All"/> (or missing).</summary>
    public int VernacularNamesSkipped { get; init; }

    /// <summary>Misapplied names left out (<see cref="ChecklistArchive.IsMisappliedStatus"/>): they are never resolved to a taxon.</summary>
    public int MisappliedNamesSkipped { get; init; }
}

/// <summary>Reads a Darwin Core checklist archive (GBIF's checklist exports) through its meta.xml.</summary>
public static class ChecklistArchive
{
    public const string TaxonRowType = DwcTerms.Dwc + "Taxon";
    public const string VernacularRowType = "http://rs.gbif.org/terms/1.0/VernacularName";
    public const string AcceptedNameUsageId = DwcTerms.Dwc + "acceptedNameUsageID";
    public const string TaxonomicStatusTerm = DwcTerms.Dwc + "taxonomicStatus";
    public const string GbifCanonicalName = "http://rs.gbif.org/terms/1.0/canonicalName";
    public const string VernacularNameTerm = DwcTerms.Dwc + "vernacularName";
    public const string LanguageTerm = DwcTerms.Dcterms + "language";

    /// <summary>Malformed archives (no Taxon core, duplicate taxonID, orphan vernacular rows...) raise <see cref="DarwinCore.DwcaFormatException"/>.</summary>
    public static ChecklistArchiveContents Read(string path, CancellationToken ct = default)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"No checklist archive at {path}.");
        using var archive = DwcArchive.Open(path);
        var core = archive.Core;
        if (core.RowType != TaxonRowType)
            throw new DwcaFormatException($"meta.xml: the core is {core.RowType}, not a Taxon core ({TaxonRowType}): this is not a checklist archive.");
        if (!core.Fields.Any(f => f.Term == DwcTerms.ScientificName))
            throw new DwcaFormatException($"meta.xml: the Taxon core has no {DwcTerms.ScientificName} field.");
        if (core.IdIndex is null && !core.Fields.Any(f => f.Term == DwcTerms.TaxonId))
            throw new DwcaFormatException("meta.xml: the Taxon core has neither an <id> column nor a taxonID field.");

        var rows = new List<Row>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        // Extension rows point at the core's <id> column, which need not be taxonID (the Darwin Core
        // text guide allows any column); acceptedNameUsageID names a taxonID.
        var byCoreId = core.IdIndex is null ? byId : new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (record, where) in Records(archive, core, ct))
        {
            var id = record[DwcTerms.TaxonId] is { Length: > 0 } t ? t.Trim() : record.Id?.Trim() ?? "";
            if (id.Length == 0) throw new DwcaFormatException($"{where}: no taxonID.");
            var name = (record[DwcTerms.ScientificName] ?? "").Trim();
            if (name.Length == 0) throw new DwcaFormatException($"{where}: taxon '{id}' has no scientificName.");
            if (byId.TryGetValue(id, out var first))
                throw new DwcaFormatException($"{where}: duplicate taxonID '{id}' (first at {rows[first].Where}).");
            byId[id] = rows.Count;
            if (!ReferenceEquals(byCoreId, byId) && record.Id?.Trim() is { Length: > 0 } coreKey)
            {
                if (byCoreId.TryGetValue(coreKey, out var firstKey))
                    throw new DwcaFormatException($"{where}: duplicate core id '{coreKey}' (first at {rows[firstKey].Where}).");
                byCoreId[coreKey] = rows.Count;
            }
            var authorship = (record[DwcTerms.ScientificNameAuthorship] ?? "").Trim();
            var canonical = (record[GbifCanonicalName] ?? "").Trim() is { Length: > 0 } c ? c : ScientificNames.Canonical(name, authorship);
            if (authorship.Length == 0 && canonical.Length < name.Length && name.StartsWith(canonical, StringComparison.Ordinal))
                authorship = name[canonical.Length..].Trim();
            var accepted = (record[AcceptedNameUsageId] ?? "").Trim();
            var status = (record[TaxonomicStatusTerm] ?? "").Trim();
            var misapplied = IsMisappliedStatus(status);
            if (accepted.Length == 0 && !misapplied && IsSynonymStatus(status))
                throw new DwcaFormatException($"{where}: '{name}' is a {status} without acceptedNameUsageID.");
            // Misapplied rows are left out whatever they point at (below), so where they point is not checked.
            rows.Add(new Row(id, name, canonical, authorship, (record[DwcTerms.TaxonRank] ?? "").Trim().ToLowerInvariant(), status,
                misapplied || accepted.Length == 0 || accepted == id ? null : accepted, (record[DwcTerms.Genus] ?? "").Trim(), (record[DwcTerms.Family] ?? "").Trim(), where, misapplied));
        }

        var acceptedOf = ResolveAccepted(rows, byId);

        var vernacular = new List<VernacularName>?[rows.Count];
        var skipped = 0;
        if (archive.Extension(VernacularRowType) is { } names)
        {
            if (names.IdIndex is null) throw new DwcaFormatException("meta.xml: the VernacularName extension has no <coreid>.");
            foreach (var (record, where) in Records(archive, names, ct))
            {
                var coreId = record.Id?.Trim() ?? "";
                if (!byCoreId.TryGetValue(coreId, out var i))
                    throw new DwcaFormatException($"{where}: vernacular name of taxon '{coreId}', which is not in the Taxon core (an orphan row).");
                var name = (record[VernacularNameTerm] ?? "").Trim();
                if (name.Length == 0) continue;
                if (LanguageCode(record[LanguageTerm]) is not { } lang) { skipped++; continue; }
                var list = vernacular[i] ??= [];
                if (!list.Any(v => v.Language == lang && string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))) list.Add(new VernacularName(name, lang));
            }
        }

        // A misapplied name is usually spelled as another accepted species ("Leucanthemum vulgare auct.
        // non Lam."): resolving it would send that species' name to the wrong taxon, so it is left out.
        var taxa = new List<ChecklistTaxon>(rows.Count);
        var misappliedCount = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r.Misapplied) { misappliedCount++; continue; }
            taxa.Add(new ChecklistTaxon(r.Id, r.Name, r.Canonical, r.Authorship, r.Rank, r.Status, acceptedOf[i] is { } a ? rows[a].Id : null, r.Genus, r.Family,
                (IReadOnlyList<VernacularName>?)vernacular[i] ?? []));
        }
        return new ChecklistArchiveContents(taxa) { VernacularNamesSkipped = skipped, MisappliedNamesSkipped = misappliedCount };
    }

    private sealed record Row(string Id, string Name, string Canonical, string Authorship, string Rank, string Status, string? AcceptedId,
        string Genus, string Family, string Where, bool Misapplied);

    /// <summary>
    /// The accepted row at the end of each row's acceptedNameUsageID chain (null for an accepted row),
    /// in one pass: each row is walked once and its answer kept, so long chains or many rows leading
    /// into one chain cost linear time (an archive could otherwise make the import quadratic).
    /// A chain that meets itself is a cycle; one that names a taxonID not in the archive, an error.
    /// </summary>
    private static int?[] ResolveAccepted(List<Row> rows, Dictionary<string, int> byId)
    {
        const int unseen = -1, onPath = -2;
        var root = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++) root[i] = rows[i].AcceptedId is null ? i : unseen;
        var path = new List<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (root[i] != unseen) continue;
            var cur = i;
            while (root[cur] == unseen)
            {
                root[cur] = onPath;
                path.Add(cur);
                var row = rows[cur];
                if (!byId.TryGetValue(row.AcceptedId!, out var next))
                    throw new DwcaFormatException($"{row.Where}: synonym '{row.Name}' points to acceptedNameUsageID '{row.AcceptedId}', which is not in the archive.");
                cur = next;
            }
            if (root[cur] == onPath)
                throw new DwcaFormatException($"{rows[cur].Where}: the acceptedNameUsageID chain of taxon '{rows[cur].Id}' ('{rows[cur].Name}') is a cycle.");
            var end = root[cur];
            foreach (var p in path) root[p] = end;
            path.Clear();
        }
        var accepted = new int?[rows.Count];
        for (var i = 0; i < rows.Count; i++) accepted[i] = root[i] == i ? null : root[i];
        return accepted;
    }

    /// <summary>GBIF's and the TDWG vocabulary's synonym statuses; "doubtful" and others without an accepted name stand as accepted.</summary>
    public static bool IsSynonymStatus(string status) => status.Contains("synonym", StringComparison.OrdinalIgnoreCase);

    /// <summary>"misapplied" (TDWG) or "MISAPPLIED" (GBIF): the rows are read but left out of the checklist.</summary>
    public static bool IsMisappliedStatus(string status) => status.Contains("misapplied", StringComparison.OrdinalIgnoreCase);

    // ISO 639-2 (bibliographic and terminology) codes of the 13 languages.
    private static readonly Dictionary<string, string> Iso6392 = new(StringComparer.Ordinal)
    {
        ["eng"] = "en", ["fra"] = "fr", ["fre"] = "fr", ["deu"] = "de", ["ger"] = "de", ["spa"] = "es", ["ita"] = "it",
        ["nld"] = "nl", ["dut"] = "nl", ["por"] = "pt", ["pol"] = "pl", ["ces"] = "cs", ["cze"] = "cs", ["jpn"] = "ja",
        ["zho"] = "zh", ["chi"] = "zh", ["ara"] = "ar", ["rus"] = "ru",
    };

    /// <summary>One of <see cref="Languages.All"/> for an ISO 639-1 or 639-2 code (a region suffix such as "en-GB" ignored); null otherwise.</summary>
    public static string? LanguageCode(string? language)
    {
        var code = (language ?? "").Trim().ToLowerInvariant();
        var cut = code.IndexOfAny(['-', '_']);
        if (cut > 0) code = code[..cut];
        if (code.Length == 2) return Languages.IsKnown(code) ? code : null;
        return Iso6392.GetValueOrDefault(code);
    }

    /// <summary>
    /// The records of one data file with where each comes from ("taxon.txt, line 7"); DwcArchive checks
    /// the columns (every row as many as the header, none that meta.xml reads missing).
    /// </summary>
    private static IEnumerable<(DwcRecord Record, string Where)> Records(DwcArchive archive, ArchiveFile file, CancellationToken ct)
    {
        foreach (var record in archive.Read(file))
        {
            ct.ThrowIfCancellationRequested();
            yield return (record, $"{record.Location}, line {record.Line}");
        }
    }
}

/// <summary>Scientific names: the canonical name (genus, epithets, rank markers) without the authorship.</summary>
public static class ScientificNames
{
    private static readonly HashSet<string> RankMarkers = new(StringComparer.Ordinal)
    {
        "subsp.", "ssp.", "var.", "subvar.", "f.", "forma", "subf.", "nothosubsp.", "nothovar.", "cv.", "convar.",
    };

    // Lower-case words that begin an author's name ("de Candolle", "van Houtte"), not epithets.
    private static readonly HashSet<string> AuthorParticles = new(StringComparer.Ordinal) { "de", "van", "von", "der", "den", "du", "da", "del", "la", "le", "ex", "in", "d'" };

    /// <summary>
    /// The name without its authorship: <paramref name="authorship"/> cut from the end when it is
    /// there, else the genus or uninomial, "×", lower-case epithets and rank markers up to the first author word.
    /// </summary>
    public static string Canonical(string scientificName, string authorship)
    {
        var name = scientificName.Trim();
        if (authorship.Length > 0 && name.EndsWith(authorship, StringComparison.Ordinal) && name.Length > authorship.Length)
            return name[..^authorship.Length].Trim();
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return "";
        var kept = new List<string> { words[0] };
        for (var i = 1; i < words.Length; i++)
        {
            var w = words[i];
            if (w is "×" or "x") { kept.Add("×"); continue; }
            if (RankMarkers.Contains(w) && i + 1 < words.Length && IsEpithet(words[i + 1])) { kept.Add(w); kept.Add(words[++i]); continue; }
            if (IsEpithet(w) && !AuthorParticles.Contains(w)) { kept.Add(w); continue; }
            break;
        }
        return string.Join(' ', kept);
    }

    private static bool IsEpithet(string w) =>
        w.Length > 0 && char.IsLower(w[0]) && w.All(c => char.IsLetter(c) || c == '-' || c == '×') && !w.EndsWith('.');
}
