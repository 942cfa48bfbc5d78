using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Data.Security;
using Florascope.Identification;
using Florascope.Imaging;
using Florascope.Messages;
using Florascope.Survey;
using Florascope.Taxonomy;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Florascope.Web.Quota;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Florascope.Web.Survey;

/// <summary>
/// Who pays for a survey. <see cref="CheckAsync"/> runs before the body is read (at least one unit left, else 429);
/// <see cref="ConsumeAsync"/> counts the survey's units (<see cref="SurveyCost.Units"/>) atomically once its tiles are
/// known, all or nothing (429 saying the units needed and left). Arguments: units, tiles.
/// </summary>
public sealed record SurveyCharge(Func<Task<IResult?>> CheckAsync, Func<int, int, Task<(int? Remaining, IResult? Refusal)>> ConsumeAsync);

/// <summary>
/// POST /v2/survey/tiles/{project} (Pl@ntNet's survey API, with an api-key allowed to survey) and POST /api/survey/{project}
/// (the web app's, charged like /api/identify): every species of a plot photo (docs/api.md "Surveys").
/// </summary>
public static class SurveyApi
{
    public static RouteGroupBuilder MapSurveyApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("").WithTags("Survey");
        g.MapPost("/v2/survey/tiles/{project}", PostApi)
            .DisableAntiforgery()
            .Produces<SurveyResponse>()
            .Produces<ApiError>(400).Produces<ApiError>(401).Produces<ApiError>(403).Produces<ApiError>(404).Produces<ApiError>(408)
            .Produces<ApiError>(413).Produces<ApiError>(415).Produces<ApiError>(429).Produces<ApiError>(503)
            .RequireClientLimits()
            .WithSummary("Every species in one photo of a plot: one multipart 'image' and Pl@ntNet's survey fields; charged in units by tiles.");
        g.MapPost("/api/survey/{project}", PostWeb)
            .DisableAntiforgery()
            .RequireClientLimits()
            .WithDomainErrors()
            .WithSummary("The web app's survey: like /v2/survey/tiles, no api-key; charged in units against the daily identifications of the account or address.");
        return g;
    }

    public static async Task<IResult> PostApi(string project, HttpContext context, FlorascopeDb db, IdentificationEngine engine, InferencePool pool,
        SurveyLimiter limiter, BodyIntake intake, TimeProvider clock, CancellationToken ct)
    {
        var (key, keyError) = await ApiKeyAccess.ResolveAsync(context.Request, db, ct);
        if (key is null) return keyError!;
        if (ApiKeyAccess.SurveyRefusal(key) is { } forbidden) return forbidden;
        IResult Refuse(int used, MessageText message)
        {
            ApiKeyAccess.AddQuotaHeaders(context.Response, key, used, clock);
            ServerMetrics.Refused(LimitKind.ApiKeyDaily);
            return ApiErrors.Error(StatusCodes.Status429TooManyRequests, message);
        }
        var usedUp = MessageText.Untranslated($"The daily quota of {key.DailyQuota} identifications of this api-key is used up; it resets at 00:00 UTC.");
        var charge = new SurveyCharge(
            async () => await QuotaStore.CountAsync(db, key.Id, QuotaStore.Today(clock), ct) is var used && used >= key.DailyQuota ? Refuse(used, usedUp) : null,
            async (units, tiles) =>
            {
                var used = await QuotaStore.TryConsumeAsync(db, key.Id, key.DailyQuota, QuotaStore.Today(clock), units, ct);
                if (used is null)
                {
                    var now = await QuotaStore.CountAsync(db, key.Id, QuotaStore.Today(clock), ct);
                    return (null, Refuse(now, UnitsShort(units, tiles, key.DailyQuota - now)));
                }
                ApiKeyAccess.AddQuotaHeaders(context.Response, key, used.Value, clock);
                return (key.DailyQuota - used.Value, null);
            });
        return await RunAsync(project, context, engine, pool, limiter, intake, charge, ct);
    }

    public static async Task<IResult> PostWeb(string project, HttpContext context, FlorascopeDb db, IdentificationEngine engine, InferencePool pool,
        SurveyLimiter limiter, BodyIntake intake, AddressSalt salt, IOptions<FlorascopeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        SurveyCharge charge;
        if (AccountsApi.CurrentUserId(context.User) is { } userId)
        {
            var limit = options.Value.SignedInDailyIdentifications;
            var usedUp = MessageText.Of("server.identify.account-used-up", "The {limit} identifications a day of your account are used up; come back after 00:00 UTC.", ("limit", limit));
            charge = new SurveyCharge(
                async () => await AccountIdentifications.UsedAsync(db, userId, clock.GetUtcNow().UtcDateTime, ct) >= limit ? Refuse(context, clock, LimitKind.SignedInDaily, usedUp) : null,
                async (units, tiles) =>
                {
                    if (await AccountIdentifications.TryConsumeAsync(db, userId, limit, clock.GetUtcNow().UtcDateTime, units, ct) is { } used) return (limit - used, null);
                    var left = limit - await AccountIdentifications.UsedAsync(db, userId, clock.GetUtcNow().UtcDateTime, ct);
                    return (null, Refuse(context, clock, LimitKind.SignedInDaily, UnitsShort(units, tiles, left)));
                });
        }
        else
        {
            var limit = options.Value.AnonymousDailyIdentifications;
            var address = salt.Hash(ClientLimits.AddressOf(context));
            var usedUp = MessageText.Of("server.identify.address-used-up", "The {limit} identifications a day without an account are used up from this address; sign in, or come back after 00:00 UTC.", ("limit", limit));
            charge = new SurveyCharge(
                async () => await QuotaStore.CountAddressAsync(db, address, QuotaStore.Today(clock), ct) >= limit ? Refuse(context, clock, LimitKind.AnonymousDaily, usedUp) : null,
                async (units, tiles) =>
                {
                    if (await QuotaStore.TryConsumeAddressAsync(db, address, limit, QuotaStore.Today(clock), units, ct) is { } used) return (limit - used, null);
                    var left = limit - await QuotaStore.CountAddressAsync(db, address, QuotaStore.Today(clock), ct);
                    return (null, Refuse(context, clock, LimitKind.AnonymousDaily, UnitsShort(units, tiles, left)));
                });
        }
        return await RunAsync(project, context, engine, pool, limiter, intake, charge, ct);
    }

    private static MessageText UnitsShort(int units, int tiles, int left) =>
        MessageText.Of("server.survey.units-short", "This survey needs {units} units ({tiles} windows); {left} are left today.",
            ("units", units), ("tiles", tiles), ("left", Math.Max(0, left)));

    /// <summary>429 with Retry-After: the seconds to 00:00 UTC, when daily counts start again.</summary>
    private static IResult Refuse(HttpContext context, TimeProvider clock, LimitKind kind, MessageText message)
    {
        ServerMetrics.Refused(kind);
        context.Response.Headers.RetryAfter = QuotaStore.SecondsToReset(clock).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiErrors.Error(StatusCodes.Status429TooManyRequests, message);
    }

    /// <summary>
    /// The survey pipeline of both routes, cheapest checks first: project (404), lang (400), at least one unit left (429),
    /// multipart (400), a survey slot of this node (503), the body received (408/413/503), admission to the pool (503);
    /// then on a worker slot the fields and photo (400), its header (413/415/400) and tile count (400), its pixels decoded
    /// (400), the units counted (429); then the windows chunk by chunk, each chunk on a worker slot of its own, so that waiting identifications
    /// run between chunks and a client gone stops the survey between them.
    /// </summary>
    public static async Task<IResult> RunAsync(string project, HttpContext context, IdentificationEngine engine, InferencePool pool,
        SurveyLimiter limiter, BodyIntake intake, SurveyCharge charge, CancellationToken ct)
    {
        var request = context.Request;
        if (!engine.IsProject(project))
            return ApiErrors.Error(404, MessageText.Of("server.identify.unknown-project", "Unknown project '{project}': see /v2/projects ({projects}).",
                ("project", project), ("projects", string.Join(", ", [.. engine.Bundle.Checklist.Projects, ProjectChoice.Best]))));
        var lang = request.Query.TryGetValue("lang", out var l) && !string.IsNullOrEmpty(l) ? l.ToString() : "en";
        if (!Languages.IsKnown(lang))
            return ApiErrors.BadRequest(MessageText.Of("server.query.unknown-lang", "Unknown lang: use one of {languages}.", ("languages", string.Join(", ", Languages.All))));
        if (await charge.CheckAsync() is { } usedUp) return usedUp;
        if (BoundaryOf(request) is not { } boundary)
            return ApiErrors.BadRequest(MessageText.Of("server.survey.multipart", "Send the plot photo as multipart/form-data: one 'image' file field, and optionally the survey fields (tile_size, tile_stride, ...)."));

        using var surveySlot = limiter.TryEnter();
        if (surveySlot is null)
        {
            context.Response.Headers.RetryAfter = "5";
            return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, MessageText.Of("server.survey.busy", "All the surveys this server runs at once are running; retry in a few seconds."));
        }
        if (await intake.ReceiveAsync(context) is { } refused) return refused;
        using var admission = pool.TryAdmit();
        if (admission is null) return InferencePool.Saturated(context.Response);

        SurveySession session;
        SurveySettings settings;
        // The photo is read and its header checked on a worker slot, as an identification's photos are.
        using (await admission.WorkerAsync(ct))
        {
            var (image, fields, formError) = await ReadFormAsync(request, boundary, ct);
            if (formError is not null) return formError;
            var (parsed, fieldError) = SurveyForm.Parse(fields!);
            if (parsed is null) return ApiErrors.BadRequest(fieldError!);
            settings = parsed;
            try
            {
                session = SurveySession.Start(engine, new SurveyRequest(image!, project, settings.Tiling, settings.Counting));
            }
            catch (SurveyException e)
            {
                return ApiErrors.BadRequest(e.Message);
            }
            catch (ImageInputException e)
            {
                return BadImage(e);
            }
            // Decoded before the units are counted: pixels that cannot be decoded behind a good header cost nothing.
            try
            {
                session.Decode();
            }
            catch (ImageInputException e)
            {
                session.Dispose();
                return BadImage(e);
            }
        }
        using (session)
        {
            var (remaining, refusal) = await charge.ConsumeAsync(session.Units, session.Tiles.Count);
            if (refusal is not null) return refusal;
            for (var i = 0; i < session.Chunks; i++)
            {
                // Cancelled (client gone): the wait for the next slot throws, the photo is freed.
                using var worker = await admission.WorkerAsync(ct);
                session.RunChunk(i);
            }
            var result = session.Finish();
            return TypedResults.Ok(SurveyResponses.Build(result, engine.Bundle.Checklist, project, settings.Levels, lang, session.Units, remaining));
        }
    }

    private static IResult BadImage(ImageInputException e)
    {
        var error = new IdentifyException(IdentifyError.BadImage, MessageText.Of("server.survey.bad-image", "The image: {problem}", ("problem", e.Text)), e);
        return ApiErrors.Error(DomainErrors.StatusOf(error), error.Text);
    }

    private static string? BoundaryOf(HttpRequest request) =>
        request.ContentType is { } type && MediaTypeHeaderValue.TryParse(type, out var media)
        && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(media.Boundary).Value is { Length: > 0 } boundary ? boundary : null;

    /// <summary>
    /// Reads the (already received, buffered) body: exactly one 'image', the survey's text fields (each at most
    /// <see cref="SurveyForm.MaxValueLength"/> characters), everything else skipped.
    /// </summary>
    private static async Task<(byte[]? Image, Dictionary<string, string>? Fields, IResult? Error)> ReadFormAsync(HttpRequest request, string boundary, CancellationToken ct)
    {
        byte[]? image = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var cd)) continue;
                var name = HeaderUtilities.RemoveQuotes(cd.Name).Value ?? "";
                if (name == "image")
                {
                    if (image is not null)
                        return (null, null, ApiErrors.BadRequest(MessageText.Of("server.survey.one-image", "One photo per survey: send a single 'image' field.")));
                    using var buffer = new MemoryStream();
                    await section.Body.CopyToAsync(buffer, ct);
                    image = buffer.ToArray();
                }
                else if (SurveyForm.Fields.Contains(name))
                {
                    using var text = new StreamReader(section.Body);
                    var chars = new char[SurveyForm.MaxValueLength + 1];
                    var length = await text.ReadBlockAsync(chars, ct);
                    if (length > SurveyForm.MaxValueLength)
                        return (null, null, ApiErrors.BadRequest(MessageText.Of("server.survey.bad-field", "Bad value for the field {field}: {rule}.", ("field", name), ("rule", $"at most {SurveyForm.MaxValueLength} characters"))));
                    fields[name] = new string(chars, 0, length);
                    await section.Body.DrainAsync(ct);
                }
                else
                {
                    await section.Body.DrainAsync(ct);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, null, ApiErrors.BadRequest(MessageText.Of("server.identify.unreadable-multipart", "The multipart body cannot be read: {reason}", ("reason", e.Message))));
        }
        if (image is null)
            return (null, null, ApiErrors.BadRequest(MessageText.Of("server.survey.no-image", "No image: send the plot photo as one 'image' file field.")));
        return (image, fields, null);
    }
}
