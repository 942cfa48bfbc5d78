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

        if (Value("tile_size") is { } ts)
        {
            if (!int.TryParse(ts, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return (null, Integer("tile_size"));
            tiling = tiling with { TileSize = v };
        }
        if (Value("tile_stride") is { } st)
        {
            if (!int.TryParse(st, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return (null, Integer("tile_stride"));
            tiling = tiling with { Stride = v };
        }
        if (Value("multi_scale") is { } ms)
        {
            if (!bool.TryParse(ms, out var v)) return (null, Boolean("multi_scale"));
            tiling = tiling with { MultiScale = v };
        }
        if (Value("size_factor") is { } sf)
        {
            if (!double.TryParse(sf, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) return (null, MessageText.Of("server.survey.bad-number", "Bad value for the field {field}: a number.", ("field", "size_factor")));
            tiling = tiling with { SizeFactor = v };
        }
        if (Value("min_score") is { } mn)
        {
            if (!double.TryParse(mn, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !(v is >= 0 and <= 1)) return (null, MessageText.Of("server.survey.bad-score", "Bad value for the field {field}: a number from 0 to 1.", ("field", "min_score")));
            counting = counting with { MinScore = v };
        }
        if (Value("max_rank") is { } mr)
        {
            if (!int.TryParse(mr, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v is < 1 or > SurveyEngine.MaxRank) return (null, MessageText.Of("server.survey.bad-rank", "Bad value for the field {field}: an integer from 1 to {max}.", ("field", "max_rank"), ("max", SurveyEngine.MaxRank)));
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
            if (!bool.TryParse(text, out var v)) return (null, Boolean(name));
            levels = apply(levels, v);
        }
        // No tile_stride sent: the default stride, at most half the tile (tile_size=256 alone is a valid request).
        if (Value("tile_stride") is null) tiling = tiling with { Stride = TilingSettings.From(tiling.TileSize).Stride };
        return (new SurveySettings(tiling, counting, levels), null);
    }

    /// <summary>A field value longer than <see cref="MaxValueLength"/>.</summary>
    public static MessageText TooLong(string field) =>
        MessageText.Of("server.survey.too-long", "Bad value for the field {field}: at most {max} characters.", ("field", field), ("max", MaxValueLength));

    private static MessageText Integer(string field) =>
        MessageText.Of("server.survey.bad-integer", "Bad value for the field {field}: an integer (px).", ("field", field));

    private static MessageText Boolean(string field) =>
        MessageText.Of("server.survey.bad-boolean", "Bad value for the field {field}: true or false.", ("field", field));
}
