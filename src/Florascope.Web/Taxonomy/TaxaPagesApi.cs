using Florascope.Data;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Web.Taxonomy;

/// <summary>An autocompletion: the accepted taxon, and the name the prefix matched (<c>matchedKind</c>: scientific, vernacular or synonym).</summary>
public sealed record TaxonSuggestion(string Name, string Authorship, string Family, IReadOnlyList<string> CommonNames, string Matched, string MatchedKind,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? MatchedLanguage);

public sealed record TaxonPage(string Name, string Authorship, string Rank, string Genus, string Family, string? GbifKey, string? PowoId,
    string NativeRange, IReadOnlyList<string> Projects, IReadOnlyDictionary<string, IReadOnlyList<string>> CommonNames, int Observations);

/// <summary>The web app's taxonomy (no api-key): name autocompletion and taxon pages.</summary>
public static class TaxaPagesApi
{
    public static RouteGroupBuilder MapTaxaPagesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/taxa").WithTags("Taxa");
        g.MapGet("", Search).WithSummary("Autocompletion: taxa one of whose names (scientific, synonym, vernacular in any of the 13 languages, lang's first) or of their words starts with prefix, accent- and case-insensitive; with the name that matched.");
        g.MapGet("/{name}", Get).WithSummary("One taxon: classification, ids, names in every language, number of observations.");
        app.MapGet("/api/projects", Projects).WithTags("Taxa").WithSummary("The floras for the pages' choices (no api-key): as /v2/projects.");
        return g;
    }

    public static Results<Ok<List<TaxonSuggestion>>, JsonHttpResult<ApiError>> Search(IdentificationEngine engine, string? prefix, string? lang, string? project, int? limit)
    {
        lang = string.IsNullOrEmpty(lang) ? "en" : lang;
        if (!Languages.IsKnown(lang)) return ApiErrors.BadRequest("Unknown language.");
        var checklist = engine.Bundle.Checklist;
        project = string.IsNullOrEmpty(project) ? Checklist.AllProject : project;
        if (!checklist.HasProject(project)) return ApiErrors.Error(404, $"Unknown project '{project}'.");
        return TypedResults.Ok(TaxonSearch.Suggest(checklist, project, prefix, lang)
            .Take(Math.Clamp(limit ?? 10, 1, 50))
            .Select(m => new TaxonSuggestion(m.Taxon.ScientificNameWithoutAuthor, m.Taxon.Authorship, m.Taxon.Family, m.Taxon.NamesIn(lang),
                m.Matched, KindName(m.Kind), m.Language))
            .ToList());
    }

    /// <summary>The kind of a matched name as the API writes it.</summary>
    public static string KindName(NameKind kind) => kind switch
    {
        NameKind.Vernacular => "vernacular",
        NameKind.Synonym => "synonym",
        _ => "scientific",
    };

    public static Ok<List<ProjectInfo>> Projects(IdentificationEngine engine) =>
        TypedResults.Ok(TaxonomyApi.Describe(engine.Bundle.Checklist, ProjectCatalogue.Describe(engine.Bundle.Checklist)));

    public static async Task<Results<Ok<TaxonPage>, JsonHttpResult<ApiError>>> Get(string name, IdentificationEngine engine, FlorascopeDb db, CancellationToken ct)
    {
        var checklist = engine.Bundle.Checklist;
        var i = checklist.IndexOf(name);
        if (i < 0) return ApiErrors.Error(404, $"Unknown taxon '{name}'.");
        var t = checklist.Taxa[i];
        var count = await db.Observations.CountAsync(o => !o.IsSynthetic && o.TaxonName == t.ScientificNameWithoutAuthor, ct);
        return TypedResults.Ok(new TaxonPage(t.ScientificNameWithoutAuthor, t.Authorship, t.Rank, t.Genus, t.Family, t.GbifKey, t.PowoId,
            t.NativeRange, t.Projects, t.CommonNames, count));
    }
}
