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
        var charge = IdentifyCharge.ForKey(context, db, key, clock, ct);
        return await RunAsync(project, context, engine, pool, limiter, intake, charge, ct);
    }

    public static async Task<IResult> PostWeb(string project, HttpContext context, FlorascopeDb db, IdentificationEngine engine, InferencePool pool,
        SurveyLimiter limiter, BodyIntake intake, AddressSalt salt, IOptions<FlorascopeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var charge = IdentifyCharge.ForWeb(context, db, salt, options.Value, clock, ct);
        return await RunAsync(project, context, engine, pool, limiter, intake, charge, ct);
    }

    private static MessageText UnitsShort(int units, int tiles, int left) =>
        MessageText.Of("server.survey.units-short", "This survey needs {units} units ({tiles} windows); {left} are left today.",
            ("units", units), ("tiles", tiles), ("left", Math.Max(0, left)));

    /// <summary>
    /// The survey pipeline of both routes, cheapest checks first: project (404), lang (400), at least one unit left (429),
    /// multipart (400), the body received (408/413/503), a survey slot of this node (503), admission to the pool (503);
    /// then on a worker slot the fields and photo (400), its header (413/415/400) and tile count (400), its pixels decoded
    /// (400), the units counted (429); then the windows chunk by chunk, each chunk on a worker slot of its own, so that waiting identifications
    /// run between chunks and a client gone stops the survey between them (keeping the units of the chunks that ran).
    /// </summary>
    public static async Task<IResult> RunAsync(string project, HttpContext context, IdentificationEngine engine, InferencePool pool,
        SurveyLimiter limiter, BodyIntake intake, IdentifyCharge charge, CancellationToken ct)
    {
        var request = context.Request;
        if (!engine.IsProject(project))
            return ApiErrors.Error(404, MessageText.Of("server.identify.unknown-project", "Unknown project '{project}': see /v2/projects ({projects}).",
                ("project", project), ("projects", string.Join(", ", [.. engine.Bundle.Checklist.Projects, ProjectChoice.Best]))));
        var lang = request.Query.TryGetValue("lang", out var l) && !string.IsNullOrEmpty(l) ? l.ToString() : "en";
        if (!Languages.IsKnown(lang))
            return ApiErrors.BadRequest(MessageText.Of("server.query.unknown-lang", "Unknown lang: use one of {languages}.", ("languages", string.Join(", ", Languages.All))));
        if (await charge.CheckAsync() is { } usedUp) return usedUp;
        if (Multipart.BoundaryOf(request) is not { } boundary)
            return ApiErrors.BadRequest(MessageText.Of("server.survey.multipart", "Send the plot photo as multipart/form-data: one 'image' file field, and optionally the survey fields (tile_size, tile_stride, ...)."));

        if (await intake.ReceiveAsync(context) is { } refused) return refused;
        // Taken once the body is in: the slot bounds decoded pixels, which exist only after it, and a slow body must not hold one.
        using var surveySlot = limiter.TryEnter();
        if (surveySlot is null)
        {
            ServerMetrics.Refused(LimitKind.SurveysBusy);
            context.Response.Headers.RetryAfter = "5";
            return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, MessageText.Of("server.survey.busy", "All the surveys this server runs at once are running; retry in a few seconds."));
        }
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
                return ApiErrors.Error(DomainErrors.StatusOf(e.Error), e.Text);
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
            var (remaining, refusal) = await charge.ConsumeAsync(session.Units, left => UnitsShort(session.Units, session.Tiles.Count, left));
            if (refusal is not null) return refusal;
            var done = 0;
            try
            {
                SurveyResult? result = null;
                for (var i = 0; i < session.Chunks; i++)
                {
                    // Cancelled (client gone): the wait for the next slot throws, the photo is freed.
                    using var worker = await admission.WorkerAsync(ct);
                    session.RunChunk(i);
                    done = i + 1;
                    // The aggregation is CPU work too: it runs on the last chunk's slot.
                    if (done == session.Chunks) result = session.Finish(settings.Levels);
                }
                return TypedResults.Ok(SurveyResponses.Build(result ?? session.Finish(settings.Levels), engine.Bundle.Checklist, project, settings.Levels, lang, session.Units, remaining));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away: it keeps the charge of the chunks that ran, the rest is given back.
                await charge.ReleaseAsync(SurveyRefund.Unused(session.Units, session.Tiles.Count, done));
                throw;
            }
            catch
            {
                // A failure of the server's own: nothing is charged, and the error is answered as any other (500, no details).
                await charge.ReleaseAsync(session.Units);
                throw;
            }
        }
    }

    private static IResult BadImage(ImageInputException e) =>
        ApiErrors.Error(DomainErrors.StatusOf(e), MessageText.Of("server.survey.bad-image", "The image: {problem}", ("problem", e.Text)));

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
                        return (null, null, ApiErrors.BadRequest(SurveyForm.TooLong(name)));
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
