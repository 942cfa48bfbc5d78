using Florascope.Data;
using Florascope.Data.Species;
using Florascope.Identification;
using Florascope.Species;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Web.Taxonomy;

/// <summary>An autocompletion: the accepted taxon, and the name the prefix matched (<c>matchedKind</c>: scientific, vernacular or synonym).</summary>
public sealed record TaxonSuggestion(string Name, string Authorship, string Family, IReadOnlyList<string> CommonNames, string Matched, string MatchedKind,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? MatchedLanguage);

public sealed record TaxonPage(string Name, string Authorship, string Rank, string Genus, string Family, string? GbifKey, string? PowoId,
    string NativeRange, IReadOnlyList<string> Projects, IReadOnlyDictionary<string, IReadOnlyList<string>> CommonNames, int Observations,
    IReadOnlyList<string> Synonyms, TaxonLinks Links, IReadOnlyList<TaxonPhoto> Photos, IReadOnlyList<SimilarInfo> Similar);

/// <summary>The taxon elsewhere: GBIF (species page or name search) and POWO (name search).</summary>
public sealed record TaxonLinks(string Gbif, string Powo);

/// <summary>
/// A photo of the species page: organ, kind ("observation": a valid observation's, "reference": the model's),
/// small and medium URLs, credit (author, with the user name for an observation's; licence), and its
/// observation or source record.
/// </summary>
public sealed record TaxonPhoto(string Organ, string Kind, string Small, string Medium, string Author, string? AuthorUserName, string License,
    int? ObservationId, string? Source);

/// <summary>A look-alike: its names, in how many observations people named both, and the model's similarity (null: not among its nearest).</summary>
public sealed record SimilarInfo(string Name, IReadOnlyList<string> CommonNames, int NamedTogether, double? Similarity);

/// <summary>The web app's taxonomy (no api-key): name autocompletion and taxon pages.</summary>
public static class TaxaPagesApi
{
    public static RouteGroupBuilder MapTaxaPagesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/taxa").WithTags("Taxa").WithDomainErrors();
        g.MapGet("", Search).WithSummary("Autocompletion: taxa one of whose names (scientific, synonym, vernacular in any of the 13 languages, lang's first) or of their words starts with prefix, accent- and case-insensitive; with the name that matched.");
        g.MapGet("/{name}", Get).WithSummary("One taxon: classification, ids, names in every language, synonyms, number of observations, links (GBIF, POWO), photos by organ (valid observations' then the model's references, with credits) and similar species (by the votes and the model; their names in lang).");
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

    /// <summary>Observation photos read for a page: enough to fill every organ from the newest valid observations.</summary>
    private const int ObservationPhotosRead = 200;

    public static async Task<Results<Ok<TaxonPage>, JsonHttpResult<ApiError>>> Get(string name, string? lang, IdentificationEngine engine, FlorascopeDb db,
        CancellationToken ct)
    {
        lang = string.IsNullOrEmpty(lang) ? "en" : lang;
        if (!Languages.IsKnown(lang)) return ApiErrors.BadRequest(MessageText.Of("server.unknown-language", "Unknown language."));
        var bundle = engine.Bundle;
        var checklist = bundle.Checklist;
        var i = checklist.IndexOf(name);
        if (i < 0) return ApiErrors.Error(404, MessageText.Of("server.unknown-taxon", "Unknown taxon '{name}'.", ("name", name)));
        var t = checklist.Taxa[i];
        var count = await db.Observations.CountAsync(o => o.TaxonName == t.ScientificNameWithoutAuthor, ct);

        var observed = (await SpeciesQueries.ValidatedPhotosAsync(db, t.ScientificNameWithoutAuthor, ObservationPhotosRead, ct))
            .Select(p => new GalleryPhoto(SpeciesGallery.OrganOf(p.VotedOrgan, p.Organ), GalleryPhotoKind.Observation,
                $"/api/photos/{p.Sha256}?size=s", $"/api/photos/{p.Sha256}?size=m", p.AuthorName ?? "", p.License, p.ObservationId, AuthorUserName: p.AuthorUserName));
        var organ = SpeciesGallery.ReferenceOrgan(t);
        var references = bundle.References.OfLabel(i).Select(r =>
        {
            var credit = ImageSources.CreditFor(r);
            var urls = IdentifyApi.MediaUrls("", r);
            return new GalleryPhoto(organ, GalleryPhotoKind.Reference, urls.S, urls.M, credit.Author, credit.License, Source: r.Credit?.Source);
        });
        var photos = SpeciesGallery.Build(observed, references).Select(p => new TaxonPhoto(p.Organ, p.Kind == GalleryPhotoKind.Observation ? "observation" : "reference",
            p.Small, p.Medium, p.Author, p.AuthorUserName, p.License, p.ObservationId, p.Source)).ToList();

        var byVotes = await SpeciesQueries.NamedTogetherAsync(db, t.ScientificNameWithoutAuthor, SimilarTaxa.DefaultCount, ct);
        var byModel = ClassCentroids.Nearest(bundle.References.Centroids, bundle.References.Dimension, i, SimilarTaxa.DefaultCount)
            .Select(n => (checklist.Taxa[n.Label].ScientificNameWithoutAuthor, n.Similarity));
        // A name the votes used that the checklist no longer knows has no page to link to.
        var similar = SimilarTaxa.Merge(t.ScientificNameWithoutAuthor, byVotes.Where(v => checklist.IndexOf(v.Name) >= 0), byModel)
            .Select(s => new SimilarInfo(s.Name, checklist.Taxa[checklist.IndexOf(s.Name)].NamesIn(lang), s.NamedTogether,
                s.Similarity is { } x ? Math.Round(x, 4) : null)).ToList();

        return TypedResults.Ok(new TaxonPage(t.ScientificNameWithoutAuthor, t.Authorship, t.Rank, t.Genus, t.Family, t.GbifKey, t.PowoId,
            t.NativeRange, t.Projects, t.CommonNames, count, t.Synonyms, new TaxonLinks(SpeciesLinks.Gbif(t), SpeciesLinks.Powo(t)), photos, similar));
    }
}
