using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Florascope.Web.Identify;

/// <summary>The query parameters of /v2/identify, parsed and checked.</summary>
public sealed record IdentifyQuery(bool IncludeRelatedImages, bool NoReject, int NbResults, string Lang, string? Type);

/// <summary>POST and GET /v2/identify/{project}: the Pl@ntNet API v2 contract (shared/docs/identify-api-v2.md).</summary>
public static class IdentifyApi
{
    /// <summary>Results returned when nb-results is not given.</summary>
    public const int DefaultResults = 20;

    public static RouteGroupBuilder MapIdentifyApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v2/identify").WithTags("Identify");
        g.MapPost("/{project}", Post)
            .DisableAntiforgery()
            .Produces<ApiIdentifyResponse>()
            .Produces<ApiError>(400).Produces<ApiError>(401).Produces<ApiError>(404).Produces<ApiError>(413)
            .Produces<ApiError>(415).Produces<ApiError>(429).Produces<ApiError>(503)
            .WithSummary("Identify the plant in 1-5 photos (multipart fields images and organs, repeated and matched by order).");
        g.MapGet("/{project}", Get)
            .Produces<ApiError>(400)
            .WithSummary("The GET form with image URLs: declined, this server does not fetch remote images.");
        return g;
    }

    public static async Task<IResult> Get(string project, HttpRequest request, FlorascopeDb db, CancellationToken ct)
    {
        var (key, error) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return error!;
        return ApiErrors.BadRequest("This server does not fetch remote image URLs (a guard against requests to internal addresses): " +
            $"POST the photos to /v2/identify/{project} as multipart/form-data fields 'images' and 'organs'.");
    }

    public static async Task<IResult> Post(string project, HttpRequest request, FlorascopeDb db, IdentificationEngine engine,
        InferencePool pool, TimeProvider clock, CancellationToken ct)
    {
        var (key, keyError) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return keyError!;
        var (query, queryError) = ParseQuery(request.Query);
        if (query is null) return ApiErrors.BadRequest(queryError!);
        return await RunAsync(project, request, query, engine, pool, async () =>
        {
            var used = await QuotaStore.TryConsumeAsync(db, key.Id, key.DailyQuota, QuotaStore.Today(clock), ct);
            ApiKeyAccess.AddQuotaHeaders(request.HttpContext.Response, key, used ?? key.DailyQuota, clock);
            return used is null
                ? (null, ApiErrors.Error(429, $"The daily quota of {key.DailyQuota} identifications of this api-key is used up; it resets at 00:00 UTC."))
                : (key.DailyQuota - used.Value, null);
        }, ct);
    }

    /// <summary>
    /// The identification pipeline shared by the API and the web app: project (404), admission
    /// (503), multipart photos (400/413), validation and decoding (400/413/415), then the caller's
    /// quota (counted only for good requests, just before the model runs), the network and the body.
    /// </summary>
    public static async Task<IResult> RunAsync(string project, HttpRequest request, IdentifyQuery query, IdentificationEngine engine,
        InferencePool pool, Func<Task<(int? Remaining, IResult? Refusal)>> consume, CancellationToken ct)
    {
        if (!engine.Bundle.Checklist.HasProject(project))
            return ApiErrors.Error(404, $"Unknown project '{project}': see /v2/projects ({string.Join(", ", engine.Bundle.Checklist.Projects)}).");

        using var admission = pool.TryAdmit();
        if (admission is null)
        {
            request.HttpContext.Response.Headers.RetryAfter = "2";
            return ApiErrors.Error(503, "The identification service is saturated; retry in a few seconds.");
        }

        var (images, formError) = await ReadImagesAsync(request, ct);
        if (formError is not null) return formError;

        using var worker = await admission.WorkerAsync(ct);
        PreparedRequest prepared;
        try
        {
            prepared = engine.Prepare(new IdentifyRequest
            {
                Images = images!,
                Project = project,
                Lang = query.Lang,
                MaxResults = query.NbResults,
                NoReject = query.NoReject,
                ReferencesPerResult = query.IncludeRelatedImages ? 3 : 0,
            });
        }
        catch (IdentifyException e)
        {
            return ApiErrors.Error(ApiErrors.StatusOf(e), e.Message);
        }

        var (remaining, refusal) = await consume();
        if (refusal is not null) return refusal;

        var result = engine.Identify(prepared);
        if (result.Rejected) return ApiErrors.Error(404, "Species not found");

        var baseUrl = PublicUrls.BaseUrl(request);
        return TypedResults.Ok(ApiV2.Build(result, query.IncludeRelatedImages, query.Type, r => MediaUrls(baseUrl, r), remaining));
    }

    public static ApiImageUrl MediaUrls(string baseUrl, ReferenceImage image)
    {
        var path = string.Join('/', image.Path.Split('/').Select(Uri.EscapeDataString));
        return new ApiImageUrl($"{baseUrl}/media/{path}?size=o", $"{baseUrl}/media/{path}?size=m", $"{baseUrl}/media/{path}?size=s");
    }

    /// <summary>
    /// Reads the multipart body section by section: files 'images' and fields 'organs', matched by
    /// order. Streaming straight into one array per photo avoids the temp files and extra copies of
    /// the buffered form reader. Kestrel's body limit still applies (413).
    /// </summary>
    private static async Task<(List<IdentifyImage>? Images, IResult? Error)> ReadImagesAsync(HttpRequest request, CancellationToken ct)
    {
        var boundary = request.ContentType is { } ct0 && MediaTypeHeaderValue.TryParse(ct0, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(media.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
            return (null, ApiErrors.BadRequest("Send the photos as multipart/form-data: one 'images' file field per photo, and optionally one 'organs' field per photo."));

        var files = new List<(byte[] Data, string? Name)>();
        var organs = new List<string>();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd)) continue;
                var name = HeaderUtilities.RemoveQuotes(cd.Name).Value;
                if (name == "images" && cd.IsFileDisposition())
                {
                    if (files.Count == IdentifyRequest.MaxImages)
                        return (null, ApiErrors.BadRequest($"Too many images: at most {IdentifyRequest.MaxImages} photos of one plant."));
                    using var buffer = new MemoryStream();
                    await section.Body.CopyToAsync(buffer, ct);
                    files.Add((buffer.ToArray(), HeaderUtilities.RemoveQuotes(cd.FileName).Value));
                }
                else if (name == "organs")
                {
                    using var text = new StreamReader(section.Body);
                    var value = (await text.ReadToEndAsync(ct)).Trim();
                    if (value.Length > 32) return (null, ApiErrors.BadRequest("An organ is one of leaf, flower, fruit, bark, habit, other, auto."));
                    organs.Add(value);
                }
                else
                {
                    await section.Body.DrainAsync(ct);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return (null, ApiErrors.Error(413, "The request body is larger than the limit (50 MB)."));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, ApiErrors.BadRequest($"The multipart body cannot be read: {e.Message}"));
        }

        if (files.Count == 0) return (null, ApiErrors.BadRequest("No image: send 1 to 5 photos as 'images' file fields."));
        if (organs.Count != 0 && organs.Count != files.Count)
            return (null, ApiErrors.BadRequest($"{organs.Count} organs for {files.Count} images: send one 'organs' value per image, in the same order, or none."));
        return ([.. files.Select((f, i) => new IdentifyImage(f.Data, organs.Count == 0 ? "auto" : organs[i], f.Name))], null);
    }

    /// <summary>The query parameters, or what is wrong with them.</summary>
    public static (IdentifyQuery? Query, string? Error) ParseQuery(IQueryCollection q)
    {
        if (!TryBool(q, "include-related-images", out var related)) return (null, "include-related-images must be true or false.");
        if (!TryBool(q, "no-reject", out var noReject)) return (null, "no-reject must be true or false.");
        var nb = DefaultResults;
        if (q.TryGetValue("nb-results", out var n) && (!int.TryParse(n, out nb) || nb < 1)) return (null, "nb-results must be an integer >= 1.");
        var lang = q.TryGetValue("lang", out var l) && !string.IsNullOrEmpty(l) ? l.ToString() : "en";
        if (!Languages.IsKnown(lang)) return (null, $"Unknown lang: use one of {string.Join(", ", Languages.All)}.");
        var type = q.TryGetValue("type", out var t) && !string.IsNullOrEmpty(t) ? t.ToString() : null;
        if (type is not (null or "kt" or "legacy")) return (null, "type must be kt or legacy.");
        return (new IdentifyQuery(related, noReject, nb, lang, type), null);
    }

    private static bool TryBool(IQueryCollection q, string name, out bool value)
    {
        value = false;
        if (!q.TryGetValue(name, out var v) || string.IsNullOrEmpty(v)) return true;
        return bool.TryParse(v, out value);
    }
}
