namespace Florascope.Data.Floras;

/// <summary>
/// A project (flora) imported from a Darwin Core checklist archive by <c>florascope flora import-checklist</c>.
/// Kept in the database rather than in a model bundle, so it survives promotions; re-importing its
/// code replaces it (and its <see cref="Names"/>) in one transaction.
/// </summary>
public sealed class ChecklistProject
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;

    public int Id { get; set; }
    /// <summary>A <see cref="Florascope.Taxonomy.ProjectCode"/>.</summary>
    public required string Code { get; set; }
    public required string Title { get; set; }
    public string Description { get; set; } = "";
    /// <summary>The archive's file name (no folder).</summary>
    public string SourceFile { get; set; } = "";
    public int AcceptedCount { get; set; }
    public int SynonymCount { get; set; }
    public int VernacularCount { get; set; }
    public DateTime ImportedUtc { get; set; }
    public List<ChecklistName> Names { get; set; } = [];
}

/// <summary>One name of an imported checklist: accepted (<see cref="AcceptedTaxonId"/> null) or a synonym of the accepted name with that taxonID.</summary>
public sealed class ChecklistName
{
    public long Id { get; set; }
    public int ProjectId { get; set; }
    /// <summary>The archive's taxonID.</summary>
    public required string TaxonId { get; set; }
    public required string CanonicalName { get; set; }
    public string Authorship { get; set; } = "";
    public string Rank { get; set; } = "";
    public string TaxonomicStatus { get; set; } = "";
    public string? AcceptedTaxonId { get; set; }
    public string Genus { get; set; } = "";
    public string Family { get; set; } = "";
    public List<ChecklistVernacularName> VernacularNames { get; set; } = [];
}

/// <summary>A vernacular name of a checklist name, in one of Florascope's 13 languages.</summary>
public sealed class ChecklistVernacularName
{
    public long Id { get; set; }
    public long NameId { get; set; }
    public required string Name { get; set; }
    public required string Language { get; set; }
}
