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

    /// <summary>The obscuring categories, for queries.</summary>
    public static IReadOnlyList<IucnCategory> Obscuring { get; } = [.. Enum.GetValues<IucnCategory>().Where(Obscures)];

    /// <summary>Their codes, as stored.</summary>
    public static IReadOnlyList<string> ObscuringCodes { get; } = [.. Obscuring.Select(Code)];

    /// <summary>A code in any case (e.g. "vu"); null when it is not one of the nine.</summary>
    public static IucnCategory? Parse(string? code) =>
        // Letters only: Enum.TryParse would also take numbers ("02" is CR).
        code is { Length: 2 } && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1])
        && Enum.TryParse<IucnCategory>(code.ToUpperInvariant(), out var c) && Enum.IsDefined(c) ? c : null;

    /// <summary>The two-letter code, as stored and printed (e.g. "VU").</summary>
    public static string Code(IucnCategory category) => category.ToString();

    /// <summary>
    /// A stored code back to its category (the column's conversion). Exactly as <see cref="Code"/> writes
    /// it, since queries compare the stored text: anything else is a corrupt row.
    /// </summary>
    public static IucnCategory FromCode(string code) =>
        Parse(code) is { } c && Code(c) == code ? c : throw new InvalidDataException($"'{code}' is not an IUCN category code.");
}
