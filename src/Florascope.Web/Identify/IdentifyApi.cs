using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Florascope.Messages;

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
            .Produces<ApiError>(408).Produces<ApiError>(415).Produces<ApiError>(429).Produces<ApiError>(503)
            .RequireClientLimits()
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

    public static async Task<IResult> Post(string project, HttpContext context, FlorascopeDb db, IdentificationEngine engine,
        InferencePool pool, BodyIntake intake, TimeProvider clock, CancellationToken ct)
    {
        var request = context.Request;
        var (key, keyError) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return keyError!;
        var (query, queryError) = ParseQuery(request.Query);
        if (query is null) return ApiErrors.BadRequest(queryError!);
        var charge = IdentifyCharge.ForKey(context, db, key, clock, ct);
        return await RunAsync(project, context, query, engine, pool, intake, charge, ct);
    }

    /// <summary>
    /// The identification pipeline shared by the API and the web app, cheapest checks first: project
    /// (404), the caller's remaining quota (429, before the body is read), multipart type (400), the
    /// whole body received and buffered (408/413/503, <see cref="BodyIntake"/>), admission (503), then
    /// on a worker slot the photos (400), validation and decoding (400/413/415), the quota counted
    /// (only for good requests, just before the model runs), the network and the body.
    /// </summary>
    public static async Task<IResult> RunAsync(string project, HttpContext context, IdentifyQuery query, IdentificationEngine engine,
        InferencePool pool, BodyIntake intake, IdentifyCharge charge, CancellationToken ct)
    {
        var request = context.Request;
        // A checklist project, or best (the engine picks it per request and names it in preferedReferential).
        if (!engine.IsProject(project))
            return ApiErrors.Error(404, MessageText.Of("server.identify.unknown-project", "Unknown project '{project}': see /v2/projects ({projects}).", ("project", project), ("projects", string.Join(", ", [.. engine.Bundle.Checklist.Projects, ProjectChoice.Best]))));
        if (await charge.CheckAsync() is { } usedUp) return usedUp;
        if (Multipart.BoundaryOf(request) is not { } boundary)
            return ApiErrors.BadRequest(MessageText.Of("server.identify.multipart", "Send the photos as multipart/form-data: one 'images' file field per photo, and optionally one 'organs' field per photo."));
        if (await intake.ReceiveAsync(context) is { } refused) return refused;

        using var admission = pool.TryAdmit();
        if (admission is null) return InferencePool.Saturated(context.Response);
        // Reading the photos into memory and decoding them happen on the worker slot: image memory
        // is bounded by the number of workers, whatever the number of requests.
        using var worker = await admission.WorkerAsync(ct);
        var (images, formError) = await ReadImagesAsync(request, boundary, ct);
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
            return ApiErrors.Error(DomainErrors.StatusOf(e), e.Text);
        }

        var (remaining, refusal) = await charge.ConsumeAsync();
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
    /// Reads the (already received, buffered) multipart body section by section: files 'images' and
    /// fields 'organs', matched by order, straight into one array per photo.
    /// </summary>
    private static async Task<(List<IdentifyImage>? Images, IResult? Error)> ReadImagesAsync(HttpRequest request, string boundary, CancellationToken ct)
    {
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
                        return (null, ApiErrors.BadRequest(MessageText.Of("server.identify.too-many-files", "Too many images: at most {max} photos of one plant.", ("max", IdentifyRequest.MaxImages))));
                    using var buffer = new MemoryStream();
                    await section.Body.CopyToAsync(buffer, ct);
                    files.Add((buffer.ToArray(), HeaderUtilities.RemoveQuotes(cd.FileName).Value));
                }
                else if (name == "organs")
                {
                    // At most one organ per photo, each read only as far as a valid one can be long:
                    // a body of tiny or huge fields must not turn into memory.
                    if (organs.Count == IdentifyRequest.MaxImages)
                        return (null, ApiErrors.BadRequest(MessageText.Of("server.identify.too-many-organs", "Too many organs: at most {max}, one per photo.", ("max", IdentifyRequest.MaxImages))));
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[64];
                    var length = await text.ReadBlockAsync(buffer, ct);
                    var value = new string(buffer, 0, length).Trim();
                    if (length == buffer.Length || value.Length > 32) return (null, ApiErrors.BadRequest(MessageText.Of("server.identify.bad-organ", "An organ is one of leaf, flower, fruit, bark, habit, other, auto.")));
                    organs.Add(value);
                }
                else
                {
                    await section.Body.DrainAsync(ct);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, ApiErrors.BadRequest(MessageText.Of("server.identify.unreadable-multipart", "The multipart body cannot be read: {reason}", ("reason", e.Message))));
        }

        if (files.Count == 0) return (null, ApiErrors.BadRequest(MessageText.Of("server.identify.no-file", "No image: send 1 to 5 photos as 'images' file fields.")));
        if (organs.Count != 0 && organs.Count != files.Count)
            return (null, ApiErrors.BadRequest(MessageText.Of("server.identify.organ-count", "{organs} organs for {images} images: send one 'organs' value per image, in the same order, or none.", ("organs", organs.Count), ("images", files.Count))));
        return ([.. files.Select((f, i) => new IdentifyImage(f.Data, organs.Count == 0 ? "auto" : organs[i], f.Name))], null);
    }

    /// <summary>The query parameters, or what is wrong with them.</summary>
    public static (IdentifyQuery? Query, MessageText? Error) ParseQuery(IQueryCollection q)
    {
        if (!TryBool(q, "include-related-images", out var related)) return (null, MessageText.Of("server.query.true-or-false", "{name} must be true or false.", ("name", "include-related-images")));
        if (!TryBool(q, "no-reject", out var noReject)) return (null, MessageText.Of("server.query.true-or-false", "{name} must be true or false.", ("name", "no-reject")));
        var nb = DefaultResults;
        if (q.TryGetValue("nb-results", out var n) && (!int.TryParse(n, out nb) || nb < 1)) return (null, MessageText.Of("server.query.nb-results", "nb-results must be an integer >= 1."));
        var lang = q.TryGetValue("lang", out var l) && !string.IsNullOrEmpty(l) ? l.ToString() : "en";
        if (!Languages.IsKnown(lang)) return (null, MessageText.Of("server.query.unknown-lang", "Unknown lang: use one of {languages}.", ("languages", string.Join(", ", Languages.All))));
        var type = q.TryGetValue("type", out var t) && !string.IsNullOrEmpty(t) ? t.ToString() : null;
        if (type is not (null or "kt" or "legacy")) return (null, MessageText.Of("server.query.type", "type must be kt or legacy."));
        return (new IdentifyQuery(related, noReject, nb, lang, type), null);
    }

    private static bool TryBool(IQueryCollection q, string name, out bool value)
    {
        value = false;
        if (!q.TryGetValue(name, out var v) || string.IsNullOrEmpty(v)) return true;
        return bool.TryParse(v, out value);
    }
}
