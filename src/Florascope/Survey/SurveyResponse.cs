using System.Text.Json.Serialization;
using Florascope.Taxonomy;

namespace Florascope.Survey;

// The answer of POST /v2/survey/tiles/{project} (docs/api.md "Surveys"), shaped as Pl@ntNet's survey answers: snake_case
// inside "query" and "results" as its clients read them, camelCase at the top as /v2/identify. Every field is on every
// answer except gbif_id (when the checklist has none), reject (when the label is kept) and remainingIdentificationRequests
// (when no quota applies, as in the CLI).

public sealed record SurveyQueryEcho(
    [property: JsonPropertyName("project")] string Project,
    [property: JsonPropertyName("tile_size")] int TileSize,
    [property: JsonPropertyName("tile_stride")] int TileStride,
    [property: JsonPropertyName("multi_scale")] bool MultiScale,
    [property: JsonPropertyName("size_factor")] double SizeFactor,
    [property: JsonPropertyName("min_score")] double MinScore,
    [property: JsonPropertyName("max_rank")] int MaxRank);

public sealed record SurveyImageSize(
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("nb_sub_queries")] int NbSubQueries,
    [property: JsonPropertyName("nb_matching_sub_queries")] int NbMatchingSubQueries,
    [property: JsonPropertyName("uncovered")] double Uncovered);

public sealed record SurveyPoint([property: JsonPropertyName("x")] int X, [property: JsonPropertyName("y")] int Y);

public sealed record SurveyLocation(
    [property: JsonPropertyName("center")] SurveyPoint Center,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("organ")] string Organ);

/// <summary>A species, genus or family found in the plot. The taxonomic fields (binomial...) are the species level's only.</summary>
public sealed record SurveyEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("binomial"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Binomial,
    [property: JsonPropertyName("author"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Author,
    [property: JsonPropertyName("genus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Genus,
    [property: JsonPropertyName("family"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Family,
    [property: JsonPropertyName("gbif_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GbifId,
    [property: JsonPropertyName("common_names"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? CommonNames,
    [property: JsonPropertyName("max_score")] double MaxScore,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("reject"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reject,
    [property: JsonPropertyName("location")] IReadOnlyList<SurveyLocation> Location);

public sealed record SurveyResults(
    [property: JsonPropertyName("tile_size")] int TileSize,
    [property: JsonPropertyName("tile_stride")] int TileStride,
    [property: JsonPropertyName("nb_sub_queries")] int NbSubQueries,
    [property: JsonPropertyName("nb_matching_sub_queries")] int NbMatchingSubQueries,
    [property: JsonPropertyName("uncovered")] double Uncovered,
    [property: JsonPropertyName("image")] SurveyImageSize Image,
    [property: JsonPropertyName("species")] IReadOnlyList<SurveyEntry> Species,
    [property: JsonPropertyName("genus")] IReadOnlyList<SurveyEntry> Genus,
    [property: JsonPropertyName("family")] IReadOnlyList<SurveyEntry> Family);

public sealed record SurveyResponse(
    [property: JsonPropertyName("query")] SurveyQueryEcho Query,
    [property: JsonPropertyName("results")] SurveyResults Results,
    [property: JsonPropertyName("preferedReferential")] string PreferedReferential,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("quotaUnits")] int QuotaUnits,
    [property: JsonPropertyName("remainingIdentificationRequests"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RemainingIdentificationRequests);

/// <summary>Which levels an answer lists (the request's show_species, show_genus, show_family).</summary>
public sealed record SurveyLevels(bool Species = true, bool Genus = false, bool Family = false);

/// <summary>Builds the answer of a survey (pure): one home for the API, the web app and the CLI's --json.</summary>
public static class SurveyResponses
{
    /// <param name="askedProject">The project as asked (<c>best</c> included); the answer's preferedReferential is the one the survey ran in.</param>
    /// <param name="quotaUnits">What the survey cost (<see cref="SurveyCost.Units"/>).</param>
    public static SurveyResponse Build(SurveyResult r, Checklist checklist, string askedProject, SurveyLevels levels, string lang,
        int quotaUnits, int? remaining = null)
    {
        var species = r.Species;
        var results = new SurveyResults(r.Tiling.TileSize, r.Tiling.Stride, species.Tiles, species.MatchingTiles, Round(species.Uncovered),
            new SurveyImageSize(r.Width, r.Height, species.Tiles, species.MatchingTiles, Round(species.Uncovered)),
            levels.Species ? [.. species.Labels.Select(l => SpeciesEntry(l, checklist, lang))] : [],
            levels.Genus ? [.. r.Genus.Labels.Select(l => Entry(l.Name, l))] : [],
            levels.Family ? [.. r.Family.Labels.Select(l => Entry(l.Name, l))] : []);
        var query = new SurveyQueryEcho(askedProject, r.Tiling.TileSize, r.Tiling.Stride, r.Tiling.MultiScale, Round(r.Tiling.SizeFactor),
            r.Counting.MinScore, r.Counting.MaxRank);
        return new SurveyResponse(query, results, r.Project, r.ModelVersion, quotaUnits, remaining);
    }

    private static SurveyEntry SpeciesEntry(SurveyLabel label, Checklist checklist, string lang)
    {
        var index = checklist.IndexOf(label.Name);
        if (index < 0) return Entry(label.Name, label);
        var taxon = checklist.Taxa[index];
        return Entry(taxon.ScientificName, label) with
        {
            Binomial = taxon.ScientificNameWithoutAuthor,
            Author = taxon.Authorship,
            Genus = taxon.Genus,
            Family = taxon.Family,
            GbifId = taxon.GbifKey,
            CommonNames = taxon.NamesIn(lang),
        };
    }

    private static SurveyEntry Entry(string name, SurveyLabel label) => new(name, null, null, null, null, null, null,
        Round(label.MaxScore), label.Count, Round(label.Coverage), label.Reject is { } why ? SurveyRejection.Code(why) : null,
        [.. label.Locations.Select(l => new SurveyLocation(new SurveyPoint((int)Math.Round(l.CenterX), (int)Math.Round(l.CenterY)), l.Size,
            Round(l.Score), l.Organ ?? "auto"))]);

    private static double Round(double value) => Math.Round(value, 5);
}

/// <summary>What a survey costs against a daily quota (pure): one unit per <see cref="TilesPerUnit"/> windows started.</summary>
public static class SurveyCost
{
    /// <summary>
    /// An identification runs 1 to 6 network passes on 1 to 5 photos; a window runs one. Ten windows to the unit keeps a
    /// 12 MP survey at Pl@ntNet's defaults (224 windows, 23 units) within the same order of work as its units of identification.
    /// </summary>
    public const int TilesPerUnit = 10;

    public static int Units(int tiles) => tiles <= 0 ? 1 : (tiles + TilesPerUnit - 1) / TilesPerUnit;
}


/// <summary>What a survey that stops early gives back (pure).</summary>
public static class SurveyRefund
{
    /// <summary>
    /// The units to give back when a survey of <paramref name="tiles"/> windows charged <paramref name="units"/> stops after
    /// <paramref name="chunksDone"/> chunks: it keeps the charge of the windows that ran (<see cref="SurveyCost.Units"/> of them), none if none ran.
    /// </summary>
    public static int Unused(int units, int tiles, int chunksDone)
    {
        var ran = Math.Min(tiles, Math.Max(0, chunksDone) * SurveyEngine.Chunk);
        return Math.Max(0, units - (ran == 0 ? 0 : SurveyCost.Units(ran)));
    }
}
