namespace Florascope.Data.Privacy;

/// <summary>Geoprivacy as it travels in forms and JSON: open, obscured, private.</summary>
public static class GeoprivacyText
{
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<Geoprivacy>().Select(ToText)];

    public static string ToText(Geoprivacy g) => g.ToString().ToLowerInvariant();

    /// <summary>Exactly one of <see cref="All"/> (any case); null otherwise.</summary>
    public static Geoprivacy? Parse(string? text) =>
        text is { Length: > 0 } && Enum.TryParse<Geoprivacy>(text.Trim(), ignoreCase: true, out var g) && Enum.IsDefined(g) && !char.IsAsciiDigit(text.Trim()[0]) ? g : null;
}
