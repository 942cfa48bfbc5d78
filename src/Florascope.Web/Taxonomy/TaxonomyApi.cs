using Florascope.Data;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Taxonomy;

public sealed record ProjectInfo(string Id, string Title, string Description);

public sealed record SpeciesInfo(string Id, string ScientificNameWithoutAuthor, string ScientificNameAuthorship, string? GbifId, IReadOnlyList<string> CommonNames);

/// <summary>The floras and their taxa: /v2/projects, /v2/projects/{project}/species, /v2/species, /v2/languages.</summary>
public static class TaxonomyApi
{
    public const int MaxPageSize = 1000;

    // Rough bounding boxes (lat min, lat max, lon min, lon max) used to put the projects covering a point first.
    private static readonly Dictionary<string, (string Title, string Description, double[]? Box)> Known = new()
    {
        ["all"] = ("All taxa", "Every taxon the model knows (the 46 taxa of the demo flora).", null),
        ["weurope"] = ("Western Europe", "Wild and naturalised plants of Western Europe.", [34, 72, -25, 25]),
        ["namerica"] = ("North America", "Plants of North America (Canada, the United States, Mexico).", [14, 84, -170, -50]),
        ["useful"] = ("Useful plants", "Cultivated and useful plants, worldwide.", null),
    };

    public static RouteGroupBuilder MapTaxonomyApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v2").WithTags("Taxonomy");
        g.MapGet("/projects", Projects).WithSummary("The floras (projects); with lat and lon, those covering that point first.");
        g.MapGet("/projects/{project}/species", ProjectSpecies).WithSummary("The taxa of one project, paged, with an optional name prefix.");
        g.MapGet("/species", AllSpecies).WithSummary("Every taxon, paged, with an optional name prefix.");
        g.MapGet("/languages", LanguagesList).WithSummary("The language codes that lang accepts.");
        return g;
    }

    public static async Task<Results<Ok<List<ProjectInfo>>, JsonHttpResult<ApiError>>> Projects(HttpRequest request, FlorascopeDb db,
        IdentificationEngine engine, double? lat, double? lon, CancellationToken ct)
    {
        var (key, error) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return error!;
        if (lat is < -90 or > 90 || lon is < -180 or > 180 || (lat is null) != (lon is null))
            return ApiErrors.BadRequest("lat (-90..90) and lon (-180..180) go together.");
        var projects = engine.Bundle.Checklist.Projects.Select(p => Known.TryGetValue(p, out var k)
            ? (Info: new ProjectInfo(p, k.Title, k.Description), Box: k.Box) : (Info: new ProjectInfo(p, p, ""), Box: (double[]?)null)).ToList();
        if (lat is { } la && lon is { } lo)
            projects = [.. projects.OrderByDescending(p => p.Box is { } b && la >= b[0] && la <= b[1] && lo >= b[2] && lo <= b[3])];
        return TypedResults.Ok(projects.Select(p => p.Info).ToList());
    }

    public static Task<Results<Ok<List<SpeciesInfo>>, JsonHttpResult<ApiError>>> ProjectSpecies(string project, HttpRequest request, FlorascopeDb db,
        IdentificationEngine engine, string? lang, int? pageSize, int? page, string? prefix, CancellationToken ct) =>
        Species(project, request, db, engine, lang, pageSize, page, prefix, ct);

    public static Task<Results<Ok<List<SpeciesInfo>>, JsonHttpResult<ApiError>>> AllSpecies(HttpRequest request, FlorascopeDb db,
        IdentificationEngine engine, string? lang, int? pageSize, int? page, string? prefix, CancellationToken ct) =>
        Species(Checklist.AllProject, request, db, engine, lang, pageSize, page, prefix, ct);

    public static Ok<IReadOnlyList<string>> LanguagesList() => TypedResults.Ok(Languages.All);

    private static async Task<Results<Ok<List<SpeciesInfo>>, JsonHttpResult<ApiError>>> Species(string project, HttpRequest request, FlorascopeDb db,
        IdentificationEngine engine, string? lang, int? pageSize, int? page, string? prefix, CancellationToken ct)
    {
        var (key, error) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return error!;
        var checklist = engine.Bundle.Checklist;
        if (!checklist.HasProject(project)) return ApiErrors.Error(404, $"Unknown project '{project}'.");
        lang = string.IsNullOrEmpty(lang) ? "en" : lang;
        if (!Languages.IsKnown(lang)) return ApiErrors.BadRequest($"Unknown lang: use one of {string.Join(", ", Languages.All)}.");
        if ((pageSize is null) != (page is null)) return ApiErrors.BadRequest("pageSize and page go together.");
        if (pageSize is < 1 or > MaxPageSize || page is < 1) return ApiErrors.BadRequest($"pageSize is 1..{MaxPageSize} and page starts at 1.");

        var key2 = prefix is { Length: > 0 } ? Checklist.SearchKey(prefix.Trim()) : null;
        var taxa = checklist.Taxa.Where(t => t.InProject(project) && (key2 is null || Matches(t, key2, lang)))
            .OrderBy(t => t.ScientificNameWithoutAuthor, StringComparer.Ordinal)
            .Select(t => new SpeciesInfo(t.ScientificNameWithoutAuthor, t.ScientificNameWithoutAuthor, t.Authorship, t.GbifKey, t.NamesIn(lang)));
        if (pageSize is { } size && page is { } p) taxa = taxa.Skip((p - 1) * size).Take(size);
        return TypedResults.Ok(taxa.ToList());
    }

    /// <summary>Accent- and case-insensitive prefix of the scientific name, or of a word of a vernacular name in lang (or English).</summary>
    internal static bool Matches(Florascope.Taxonomy.Taxon t, string key, string lang) =>
        Checklist.SearchKey(t.ScientificNameWithoutAuthor).StartsWith(key, StringComparison.Ordinal)
        || t.NamesIn(lang).Concat(t.NamesIn("en")).Any(n => Checklist.SearchKey(n).StartsWith(key, StringComparison.Ordinal)
            || Checklist.SearchKey(n).Split(' ', '-').Any(w => w.StartsWith(key, StringComparison.Ordinal)));
}
