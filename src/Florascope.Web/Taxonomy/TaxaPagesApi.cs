using Florascope.Data;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Web.Taxonomy;

public sealed record TaxonSuggestion(string Name, string Authorship, string Family, IReadOnlyList<string> CommonNames);

public sealed record TaxonPage(string Name, string Authorship, string Rank, string Genus, string Family, string? GbifKey, string? PowoId,
    string NativeRange, IReadOnlyList<string> Projects, IReadOnlyDictionary<string, IReadOnlyList<string>> CommonNames, int Observations);

/// <summary>The web app's taxonomy (no api-key): name autocompletion and taxon pages.</summary>
public static class TaxaPagesApi
{
    public static RouteGroupBuilder MapTaxaPagesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/taxa").WithTags("Taxa").WithDomainErrors();
        g.MapGet("", Search).WithSummary("Autocompletion: taxa whose scientific or vernacular name (in lang, or English) starts with prefix, accent- and case-insensitive.");
        g.MapGet("/{name}", Get).WithSummary("One taxon: classification, ids, names in every language, number of observations.");
        app.MapGet("/api/projects", Projects).WithTags("Taxa").WithSummary("The floras for the pages' choices (no api-key): as /v2/projects.");
        return g;
    }

    public static Results<Ok<List<TaxonSuggestion>>, JsonHttpResult<ApiError>> Search(IdentificationEngine engine, string? prefix, string? lang, string? project, int? limit)
    {
        lang = string.IsNullOrEmpty(lang) ? "en" : lang;
        if (!Languages.IsKnown(lang)) return ApiErrors.BadRequest(MessageText.Of("server.unknown-language", "Unknown language."));
        var checklist = engine.Bundle.Checklist;
        project = string.IsNullOrEmpty(project) ? Checklist.AllProject : project;
        if (!checklist.HasProject(project)) return ApiErrors.Error(404, MessageText.Of("server.unknown-project", "Unknown project '{project}'.", ("project", project)));
        return TypedResults.Ok(TaxonSearch.Find(checklist, project, prefix, lang)
            .Take(Math.Clamp(limit ?? 10, 1, 50))
            .Select(t => new TaxonSuggestion(t.ScientificNameWithoutAuthor, t.Authorship, t.Family, t.NamesIn(lang)))
            .ToList());
    }

    public static Ok<List<ProjectInfo>> Projects(IdentificationEngine engine) =>
        TypedResults.Ok(TaxonomyApi.Describe(engine.Bundle.Checklist, ProjectCatalogue.Describe(engine.Bundle.Checklist)));

    public static async Task<Results<Ok<TaxonPage>, JsonHttpResult<ApiError>>> Get(string name, IdentificationEngine engine, FlorascopeDb db, CancellationToken ct)
    {
        var checklist = engine.Bundle.Checklist;
        var i = checklist.IndexOf(name);
        if (i < 0) return ApiErrors.Error(404, MessageText.Of("server.unknown-taxon", "Unknown taxon '{name}'.", ("name", name)));
        var t = checklist.Taxa[i];
        var count = await db.Observations.CountAsync(o => !o.IsSynthetic && o.TaxonName == t.ScientificNameWithoutAuthor, ct);
        return TypedResults.Ok(new TaxonPage(t.ScientificNameWithoutAuthor, t.Authorship, t.Rank, t.Genus, t.Family, t.GbifKey, t.PowoId,
            t.NativeRange, t.Projects, t.CommonNames, count));
    }
}
