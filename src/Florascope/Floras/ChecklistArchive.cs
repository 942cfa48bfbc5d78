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
public sealed record ChecklistArchiveContents(IReadOnlyList<ChecklistTaxon> Taxa);

/// <summary>Reads a Darwin Core checklist archive (GBIF's checklist exports) through its meta.xml.</summary>
public static class ChecklistArchive
{
    /// <summary>Malformed archives (no Taxon core, duplicate taxonID, orphan vernacular rows...) raise <see cref="DarwinCore.DwcaFormatException"/>.</summary>
    public static ChecklistArchiveContents Read(string path, CancellationToken ct = default) => throw new NotImplementedException();
}
