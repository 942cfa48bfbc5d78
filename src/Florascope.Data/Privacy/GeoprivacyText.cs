namespace Florascope.Data.Privacy;

/// <summary>Geoprivacy as it travels in forms and JSON: open, obscured, private.</summary>
public static class GeoprivacyText
{
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<Geoprivacy>().Select(ToText)];

    public static string ToText(Geoprivacy g) => g.ToString().ToLowerInvariant();

    /// <summary>Exactly one of <see cref="All"/> (any case); null otherwise.</summary>
    public static Geoprivacy? Parse(string? text)
    {
        // Names only: Enum.TryParse would also take "2" or "open,private".
        var name = text?.Trim();
        foreach (var g in Enum.GetValues<Geoprivacy>())
            if (string.Equals(ToText(g), name, StringComparison.OrdinalIgnoreCase)) return g;
        return null;
    }
}
