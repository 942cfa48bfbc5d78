namespace Florascope.Data.Privacy;

/// <summary>
/// A taxon's threat status (IUCN Red List category), kept apart from any model or checklist so that
/// it survives every model change and every flora. Administrators manage the table; observations of
/// a taxon with a threatening category are obscured automatically.
/// </summary>
public sealed class ThreatStatus
{
    /// <summary>Scientific name without author, as in the checklists.</summary>
    public required string ScientificName { get; set; }

    /// <summary>IUCN category, stored as its code (EX, EW, CR, EN, VU, NT, LC, DD, NE).</summary>
    public required IucnCategory Category { get; set; }

    /// <summary>Where the status comes from (e.g. "IUCN Red List 2025-1", "demo").</summary>
    public string? Source { get; set; }

    public DateTime UpdatedUtc { get; set; }
}
