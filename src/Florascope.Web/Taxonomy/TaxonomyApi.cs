using Florascope.Data;
using Florascope.Geography;
using Florascope.Identification;
using Florascope.Paging;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Taxonomy;

/// <summary>A project; the last three only for projects imported from checklists (absent otherwise, as in Pl@ntNet's API).</summary>
public sealed record ProjectInfo(string Id, string Title, string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Imported = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Identifiable = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? KnownOnly = null);

/// <summary>A taxon; <c>identifiable</c> only in an imported project's list (false: known to the checklist, not yet to the model).</summary>
public sealed record SpeciesInfo(string Id, string ScientificNameWithoutAuthor, string ScientificNameAuthorship, string? GbifId, IReadOnlyList<string> CommonNames,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Identifiable = null);

/// <summary>The floras and their taxa: /v2/projects, /v2/projects/{project}/species, /v2/species, /v2/languages.</summary>
public static class TaxonomyApi
{
    public const int MaxPageSize = 1000;

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
        if ((lat is { } la && !WgsDegrees.IsLatitude(la)) || (lon is { } lo && !WgsDegrees.IsLongitude(lo)) || (lat is null) != (lon is null))
            return ApiErrors.BadRequest("lat (-90..90) and lon (-180..180) go together.");
        var checklist = engine.Bundle.Checklist;
        var projects = lat is { } y && lon is { } x ? ProjectCatalogue.CoveringFirst(checklist, y, x) : ProjectCatalogue.Describe(checklist);
        return TypedResults.Ok(Describe(checklist, projects));
    }

    /// <summary>The projects as the API lists them: imported ones with their counts of identifiable and known-only taxa.</summary>
    public static List<ProjectInfo> Describe(Checklist checklist, IEnumerable<FloraProject> projects) =>
        [.. projects.Select(p => p.Imported
            ? new ProjectInfo(p.Id, p.Title, p.Description, true, p.TaxonCount, p.KnownOnly)
            : new ProjectInfo(p.Id, p.Title, p.Description))];

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
        if (page is { } p0 && pageSize is { } s0 && new PageRequest(p0, s0).IsPastAnyList) return ApiErrors.BadRequest(PageRequest.PastAnyListMessage);

        var imported = checklist.ImportedProjects.ContainsKey(project);
        var taxa = TaxonSearch.FindWithKnownOnly(checklist, project, prefix, lang)
            .Select(x => new SpeciesInfo(x.Taxon.ScientificNameWithoutAuthor, x.Taxon.ScientificNameWithoutAuthor, x.Taxon.Authorship, x.Taxon.GbifKey,
                x.Taxon.NamesIn(lang), imported ? x.Identifiable : null));
        if (pageSize is { } size && page is { } p) taxa = new PageRequest(p, size).Of(taxa);
        return TypedResults.Ok(taxa.ToList());
    }
}
