using System.Text.Json.Serialization;
using Florascope.Bundles;
using Florascope.Taxonomy;

namespace Florascope.Identification;

// The response of POST /v2/identify/{project}, field for field as in shared/docs/identify-api-v2.md
// (including the contract's own spelling "preferedReferential"); docs/schemas/identify-v2.schema.json
// is the same contract as a JSON Schema. Fields the contract shows on every response are never null
// (query.type excepted, null by contract); gbif, powo and images are omitted when they do not apply.

public sealed record ApiQuery(string Project, IReadOnlyList<string> Images, IReadOnlyList<string> Organs,
    bool IncludeRelatedImages, bool NoReject, string? Type);

public sealed record ApiPredictedOrgan(string Image, string Filename, string Organ, double Score);

public sealed record ApiName(string ScientificNameWithoutAuthor, string ScientificNameAuthorship, string ScientificName);

public sealed record ApiSpecies(string ScientificNameWithoutAuthor, string ScientificNameAuthorship, ApiName Genus, ApiName Family,
    IReadOnlyList<string> CommonNames, string ScientificName);

public sealed record ApiId(string Id);

public sealed record ApiDate(long Timestamp, string String);

public sealed record ApiImageUrl(string O, string M, string S);

public sealed record ApiImage(string Organ, string Author, string License, string Citation, ApiDate Date, ApiImageUrl Url,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Similarity);

public sealed record ApiResult(double Score, ApiSpecies Species,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ApiId? Gbif,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ApiId? Powo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ApiImage>? Images);

public sealed record ApiIdentifyResponse(ApiQuery Query, IReadOnlyList<ApiPredictedOrgan> PredictedOrgans, string Language,
    string PreferedReferential, string BestMatch, IReadOnlyList<ApiResult> Results, string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RemainingIdentificationRequests);

/// <summary>The error body of the API: <c>{"statusCode", "error", "message"}</c>.</summary>
public sealed record ApiError(int StatusCode, string Error, string Message)
{
    /// <summary>The message's key and values, kept (not written) so the observatory API can answer in the request's language.</summary>
    [JsonIgnore]
    public Messages.MessageText? Text { get; init; }
}

public static class ApiV2
{
    /// <summary>Builds the response; <paramref name="imageUrl"/> turns a reference photo into its o/m/s URLs.</summary>
    public static ApiIdentifyResponse Build(IdentificationResult r, bool includeRelatedImages, string? type,
        Func<ReferenceImage, ApiImageUrl> imageUrl, int? remaining = null)
    {
        var results = r.Results.Select(t => new ApiResult(
            Math.Round(t.Score, 5),
            Species(t.Taxon, r.Language),
            t.Taxon.GbifKey is { } g ? new ApiId(g) : null,
            t.Taxon.PowoId is { } p ? new ApiId(p) : null,
            includeRelatedImages ? t.References.Select(m => Image(m, t.Taxon.DemoOrgan, imageUrl)).ToList() : null)).ToList();
        return new ApiIdentifyResponse(
            new ApiQuery(r.AskedProject ?? r.Project, r.ImageHashes, r.Organs, includeRelatedImages, r.NoReject, type),
            // A file part may come without a usable name: the field stays a string.
            r.PredictedOrgans.Select(o => new ApiPredictedOrgan(o.Image, o.FileName ?? "", o.Organ, Math.Round(o.Score, 5))).ToList(),
            r.Language,
            r.Project,
            // Every project has taxa, so a 200 always has a result; the empty string keeps the type otherwise.
            r.Results.Count > 0 ? r.Results[0].Taxon.ScientificName : "",
            results,
            r.ModelVersion,
            remaining);
    }

    public static ApiSpecies Species(Taxon t, string lang) => new(
        t.ScientificNameWithoutAuthor, t.Authorship,
        new ApiName(t.Genus, "", t.Genus),
        new ApiName(t.Family, "", t.Family),
        t.NamesIn(lang),
        t.ScientificName);

    private static ApiImage Image(ReferenceMatch m, string organ, Func<ReferenceImage, ApiImageUrl> url)
    {
        var credit = ImageSources.CreditFor(m.Image);
        return new ApiImage(organ, credit.Author, credit.License, credit.Citation, ImageSources.ToApiDate(credit.Date), url(m.Image), Math.Round(m.Similarity, 4));
    }
}
