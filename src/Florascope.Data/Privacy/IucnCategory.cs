namespace Florascope.Data.Privacy;

/// <summary>IUCN Red List categories, most threatened first; stored as their two-letter codes.</summary>
public enum IucnCategory
{
    /// <summary>Extinct.</summary>
    EX,
    /// <summary>Extinct in the wild.</summary>
    EW,
    /// <summary>Critically endangered.</summary>
    CR,
    /// <summary>Endangered.</summary>
    EN,
    /// <summary>Vulnerable.</summary>
    VU,
    /// <summary>Near threatened.</summary>
    NT,
    /// <summary>Least concern.</summary>
    LC,
    /// <summary>Data deficient.</summary>
    DD,
    /// <summary>Not evaluated.</summary>
    NE,
}

public static class IucnCategories
{
    /// <summary>
    /// Observations of taxa in these categories are obscured whatever their author chose, as
    /// iNaturalist does from Near Threatened up: NT, VU, EN, CR, and EW and EX (a find of those is
    /// a rediscovery, to protect all the more). LC, DD and NE leave the author's choice.
    /// </summary>
    public static bool Obscures(IucnCategory category) => category <= IucnCategory.NT;

    /// <summary>The codes stored for the obscuring categories, for queries.</summary>
    public static IReadOnlyList<string> ObscuringCodes { get; } =
        [.. Enum.GetValues<IucnCategory>().Where(Obscures).Select(c => c.ToString())];

    /// <summary>A code in any case (e.g. "vu"); null when it is not one of the nine.</summary>
    public static IucnCategory? Parse(string? code) =>
        code is { Length: 2 } && Enum.TryParse<IucnCategory>(code.ToUpperInvariant(), out var c) && Enum.IsDefined(c) ? c : null;
}
