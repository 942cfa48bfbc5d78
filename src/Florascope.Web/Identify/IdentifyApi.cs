using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;
using Microsoft.Extensions.Primitives;

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
            .Accepts<IFormFile>("multipart/form-data")
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
        if (ParseQuery(request.Query) is not { } query) return ApiErrors.BadRequest(QueryProblem(request.Query));
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

        // Counted once the request is known to be good, just before the model runs (docs/api.md).
        var day = QuotaStore.Today(clock);
        var used = await QuotaStore.TryConsumeAsync(db, key.Id, key.DailyQuota, day, ct);
        if (used is null)
        {
            ApiKeyAccess.AddQuotaHeaders(request.HttpContext.Response, key, key.DailyQuota, clock);
            return ApiErrors.Error(429, $"The daily quota of {key.DailyQuota} identifications of this api-key is used up; it resets at 00:00 UTC.");
        }
        ApiKeyAccess.AddQuotaHeaders(request.HttpContext.Response, key, used.Value, clock);

        var result = await admission.RunAsync(() => engine.Identify(prepared), ct);
        if (result.Rejected) return ApiErrors.Error(404, "Species not found");

        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var body = ApiV2.Build(result, query.IncludeRelatedImages, query.Type, r => MediaUrls(baseUrl, r), key.DailyQuota - used.Value);
        return TypedResults.Ok(body);
    }

    public static ApiImageUrl MediaUrls(string baseUrl, ReferenceImage image)
    {
        var path = string.Join('/', image.Path.Split('/').Select(Uri.EscapeDataString));
        return new ApiImageUrl($"{baseUrl}/media/{path}?size=o", $"{baseUrl}/media/{path}?size=m", $"{baseUrl}/media/{path}?size=s");
    }

    /// <summary>Reads the multipart form: files 'images' and fields 'organs', matched by order.</summary>
    private static async Task<(List<IdentifyImage>? Images, IResult? Error)> ReadImagesAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return (null, ApiErrors.BadRequest("Send the photos as multipart/form-data: one 'images' file field per photo, and optionally one 'organs' field per photo."));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return (null, ApiErrors.Error(413, "The request body is larger than the limit (50 MB)."));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            var tooLarge = e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);
            return (null, tooLarge ? ApiErrors.Error(413, "The request body is larger than the limit (50 MB).")
                : ApiErrors.BadRequest($"The multipart body cannot be read: {e.Message}"));
        }

        var files = form.Files.GetFiles("images");
        if (files.Count == 0) return (null, ApiErrors.BadRequest("No image: send 1 to 5 photos as 'images' file fields."));
        if (files.Count > IdentifyRequest.MaxImages)
            return (null, ApiErrors.BadRequest($"Too many images: {files.Count}; at most {IdentifyRequest.MaxImages} photos of one plant."));
        var organs = form.TryGetValue("organs", out var o) ? o : StringValues.Empty;
        if (organs.Count != 0 && organs.Count != files.Count)
            return (null, ApiErrors.BadRequest($"{organs.Count} organs for {files.Count} images: send one 'organs' value per image, in the same order, or none."));

        var images = new List<IdentifyImage>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            using var stream = new MemoryStream((int)files[i].Length);
            await files[i].CopyToAsync(stream, ct);
            images.Add(new IdentifyImage(stream.ToArray(), organs.Count == 0 ? "auto" : organs[i] ?? "auto", files[i].FileName));
        }
        return (images, null);
    }

    public static IdentifyQuery? ParseQuery(IQueryCollection q)
    {
        if (!TryBool(q, "include-related-images", out var related) || !TryBool(q, "no-reject", out var noReject)) return null;
        var nb = DefaultResults;
        if (q.TryGetValue("nb-results", out var n) && (!int.TryParse(n, out nb) || nb < 1)) return null;
        var lang = q.TryGetValue("lang", out var l) && !string.IsNullOrEmpty(l) ? l.ToString() : "en";
        if (!Languages.IsKnown(lang)) return null;
        var type = q.TryGetValue("type", out var t) && !string.IsNullOrEmpty(t) ? t.ToString() : null;
        if (type is not (null or "kt" or "legacy")) return null;
        return new IdentifyQuery(related, noReject, nb, lang, type);
    }

    private static string QueryProblem(IQueryCollection q)
    {
        if (!TryBool(q, "include-related-images", out _)) return "include-related-images must be true or false.";
        if (!TryBool(q, "no-reject", out _)) return "no-reject must be true or false.";
        if (q.TryGetValue("nb-results", out var n) && (!int.TryParse(n, out var nb) || nb < 1)) return "nb-results must be an integer >= 1.";
        if (q.TryGetValue("type", out var t) && t.ToString() is not ("" or "kt" or "legacy")) return "type must be kt or legacy.";
        return $"Unknown lang: use one of {string.Join(", ", Languages.All)}.";
    }

    private static bool TryBool(IQueryCollection q, string name, out bool value)
    {
        value = false;
        if (!q.TryGetValue(name, out var v) || string.IsNullOrEmpty(v)) return true;
        return bool.TryParse(v, out value);
    }
}
