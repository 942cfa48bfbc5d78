using System.Globalization;
using Florascope.Messages;
using Florascope.Survey;

namespace Florascope.Web.Survey;

/// <summary>The settings of a survey request, from its form fields (Pl@ntNet's names and defaults).</summary>
public sealed record SurveySettings(TilingSettings Tiling, CountingRule Counting, SurveyLevels Levels);

/// <summary>Reads a survey's text fields (pure): every field optional, unknown ones ignored, a bad value named.</summary>
public static class SurveyForm
{
    /// <summary>The longest text value read; a longer one is refused.</summary>
    public const int MaxValueLength = 64;

    /// <summary>The text fields a survey reads; others are skipped unread.</summary>
    public static IReadOnlySet<string> Fields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "tile_size", "tile_stride", "multi_scale", "size_factor", "min_score", "max_rank", "show_species", "show_genus", "show_family",
    };

    /// <summary>The settings, or what is wrong with the first bad field. The tiling's bounds are checked later (<see cref="TilingSettings.Problem"/>).</summary>
    public static (SurveySettings? Settings, MessageText? Error) Parse(IReadOnlyDictionary<string, string> fields)
    {
        var tiling = new TilingSettings();
        var counting = new CountingRule();
        var levels = new SurveyLevels();
        string? Value(string name) => fields.TryGetValue(name, out var v) && v.Trim() is { Length: > 0 } t ? t : null;
        MessageText Bad(string name, string rule) =>
            MessageText.Of("server.survey.bad-field", "Bad value for the field {field}: {rule}.", ("field", name), ("rule", rule));

        if (Value("tile_size") is { } ts)
        {
            if (!int.TryParse(ts, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return (null, Bad("tile_size", "an integer (px)"));
            tiling = tiling with { TileSize = v };
        }
        if (Value("tile_stride") is { } st)
        {
            if (!int.TryParse(st, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return (null, Bad("tile_stride", "an integer (px)"));
            tiling = tiling with { Stride = v };
        }
        if (Value("multi_scale") is { } ms)
        {
            if (!bool.TryParse(ms, out var v)) return (null, Bad("multi_scale", "true or false"));
            tiling = tiling with { MultiScale = v };
        }
        if (Value("size_factor") is { } sf)
        {
            if (!double.TryParse(sf, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) return (null, Bad("size_factor", "a number"));
            tiling = tiling with { SizeFactor = v };
        }
        if (Value("min_score") is { } mn)
        {
            if (!double.TryParse(mn, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v is >= 0 and <= 1)) return (null, Bad("min_score", "a number from 0 to 1"));
            counting = counting with { MinScore = v };
        }
        if (Value("max_rank") is { } mr)
        {
            if (!int.TryParse(mr, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v is < 1 or > SurveyEngine.MaxRank) return (null, Bad("max_rank", $"an integer from 1 to {SurveyEngine.MaxRank}"));
            counting = counting with { MaxRank = v };
        }
        foreach (var (name, apply) in new (string, Func<SurveyLevels, bool, SurveyLevels>)[]
        {
            ("show_species", (l, v) => l with { Species = v }),
            ("show_genus", (l, v) => l with { Genus = v }),
            ("show_family", (l, v) => l with { Family = v }),
        })
        {
            if (Value(name) is not { } text) continue;
            if (!bool.TryParse(text, out var v)) return (null, Bad(name, "true or false"));
            levels = apply(levels, v);
        }
        return (new SurveySettings(tiling, counting, levels), null);
    }
}
