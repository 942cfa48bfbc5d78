using Florascope.Data.Storage;
using System.Globalization;
using System.Security.Claims;
using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Data.Revision;
using Florascope.Data.Security;
using Florascope.Revision;
using Florascope.Identification;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Florascope.Messages;

namespace Florascope.Web.Observations;

public sealed record PhotoInfo(int Id, string Sha256, string Organ, int Width, int Height, string Url, string Medium, string Small,
    string? VotedOrgan, string? ExcludedBecause, IReadOnlyList<PhotoVoteTally> Votes);

/// <summary>The current votes on one aspect of a photo, by value: how many, and their summed weight.</summary>
public sealed record PhotoVoteTally(string Aspect, string Value, int Count, double Weight);

/// <summary>Why an observation has its taxon and status: every vote counted, with its weight.</summary>
public sealed record RevisionInfo(string Status, string? TaxonName, double Confidence, double Accuracy, bool IsValid,
    double ThetaConfidence, double ThetaAccuracy, IReadOnlyList<VoteInfo> Votes, string? ModelTaxonName, double? ModelScore, string? ModelVersion,
    double ModelMinScore, DateTime? RevisedUtc, PlainStanding Standing);

/// <summary>A counted vote; <c>Voter</c> is the text form, pages name the person from <c>DisplayName</c> and <c>UserName</c> (js/shared.js person).</summary>
public sealed record VoteInfo(int? UserId, string Voter, string TaxonName, int Expertise, double Weight, bool Agrees, string? DisplayName, string? UserName);

/// <summary>One identification; <c>UserName</c> is the unique user name, always shown beside the display name.</summary>
public sealed record IdentificationInfo(int Id, int UserId, string UserName, string? TaxonName, bool IsCurrent, DateTime CreatedUtc, string DisplayName);

public sealed record ObservationSummary(int Id, string? TaxonName, DateTime ObservedUtc, double? Latitude, double? Longitude,
    int AuthorId, string AuthorName, string? Thumbnail, DateTime CreatedUtc, string Status, string AuthorUserName);

public sealed record ObservationDetail(int Id, string? TaxonName, DateTime ObservedUtc, double? Latitude, double? Longitude, double? UncertaintyMeters,
    string? Notes, string License, string Project, int AuthorId, string AuthorName, string AuthorUserName, DateTime CreatedUtc,
    IReadOnlyList<PhotoInfo> Photos, IReadOnlyList<IdentificationInfo> Identifications, RevisionInfo Revision,
    string Geoprivacy, string PublicPosition, bool ExactPosition, int? ObservedOffsetMinutes)
{
    /// <summary>Kept from a plot survey (its photo never trains the model); written only when true.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool FromPlot { get; init; }
}

/// <summary>The observations behind the pages: create, read, identify, delete, and the map's GeoJSON.</summary>
public static class ObservationsApi
{
    public const int MaxPageSize = 100;
    public const int MaxGeoFeatures = 5000;

    public static RouteGroupBuilder MapObservationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Observations").WithDomainErrors();
        g.MapPost("/observations", Create).RequireAuthorization().DisableAntiforgery().RequireClientLimits()
            .WithSummary("Create an observation (multipart: photos + organs, observedUtc, observedOffset (minutes), latitude, longitude, uncertainty, geoprivacy, notes, license, project, taxon, plot (true: kept from a plot survey, never trains the model), clientId (a UUID, or the Idempotency-Key header: sent again, it answers 200 with the observation saved under it); anti-forgery token).");
        g.MapGet("/observations", Latest).WithSummary("The latest observations, newest first (page from 1).");
        g.MapGet("/observations/{id:int}", Get).WithSummary("One observation with its photos and identifications.");
        g.MapPost("/observations/{id:int}/identifications", Identify).RequireAuthorization().DisableAntiforgery()
            .WithSummary("Propose a taxon (form: taxon, empty for 'I don't know'); replaces your previous identification.");
        g.MapPost("/observations/{id:int}/edit", Edit).RequireAuthorization().DisableAntiforgery()
            .WithSummary("Change an observation's date (observedUtc, observedOffset), place, geoprivacy, notes or licence (its author only; form with anti-forgery token).");
        g.MapDelete("/observations/{id:int}", Delete).RequireAuthorization().WithSummary("Delete an observation (its author only; anti-forgery token in the header).");
        g.MapGet("/observations.geojson", Geo).WithSummary("Observations in a viewport as GeoJSON (bbox=minLon,minLat,maxLon,maxLat; taxon, project, from, to).");
        g.MapPost("/photos/{id:int}/votes", VotePhoto).RequireAuthorization().DisableAntiforgery()
            .WithSummary("Vote on a photo (form: aspect = organ|not-a-plant|poor-quality|duplicate, value = an organ or yes|no); replaces your previous vote on that aspect.");
        g.MapGet("/photos/{sha256}", Photo).WithSummary("A stored photo: size m (1280 px, the default) or s (320 px), without metadata; o (the original as sent) for its authors and administrators only.");
        return g;
    }

    /// <summary>The header of an answer that is an observation saved earlier under the same client id ("true"): nothing new was stored.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The header that may carry the client id instead of the form field (the field wins when both are sent).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static async Task<Results<Created<ObservationDetail>, Ok<ObservationDetail>, JsonHttpResult<ApiError>>> Create(HttpContext context, ClaimsPrincipal user,
        FlorascopeDb db, PhotoStore photos, IdentificationEngine engine, InferencePool pool, AggregationSettings revision, IAntiforgery antiforgery,
        TimeProvider clock, GeoprivacyKey privacy, BodyIntake intake, IOptions<FlorascopeOptions> options, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        // The model's vote is an identification of the account (the app's daily limit): looked at
        // before the body arrives; with none left the observation is saved without it, uninferred.
        var limit = options.Value.SignedInDailyIdentifications;
        var mayVote = await AccountIdentifications.UsedAsync(db, userId, clock.GetUtcNow().UtcDateTime, ct) < limit;
        if (await intake.ReceiveAsync(context) is { } refused) return refused;
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var clientId = ObservationWriter.ParseClientId(form.ContainsKey("clientId") ? form["clientId"].ToString() : context.Request.Headers[IdempotencyKeyHeader].ToString());
        // A retry of a save that is already stored costs no inference place and no identification.
        if (clientId is { } known && await ObservationWriter.FindByClientIdAsync(db, userId, known, ct) is { } earlier)
            return await ReplayAsync(context, db, earlier.Id, engine, revision, user, ct);
        // Reading the photos, the model's vote and saving the photos (decoding, resizing) all run on
        // one worker slot of the inference pool, so image memory is bounded by the workers.
        using var admission = pool.TryAdmit();
        if (admission is null) return InferencePool.Saturated(context.Response);
        using var worker = await admission.WorkerAsync(ct);
        var files = form.Files.GetFiles("photos");
        var organs = form["organs"];
        if (organs.Count != 0 && organs.Count != files.Count)
            return ApiErrors.BadRequest(MessageText.Of("server.observation.organ-count", "{organs} organs for {photos} photos: one per photo, in order, or none.", ("organs", organs.Count), ("photos", files.Count)));
        var list = new List<NewPhoto>();
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            using var stream = new MemoryStream();
            await file.CopyToAsync(stream, ct);
            list.Add(new NewPhoto(stream.ToArray(), organs.Count == 0 ? "auto" : organs[i] ?? "auto"));
        }
        var input = new NewObservation
        {
            Photos = list,
            ObservedUtc = OptionalDate(form["observedUtc"]),
            Latitude = OptionalDouble(form["latitude"], "latitude"),
            Longitude = OptionalDouble(form["longitude"], "longitude"),
            UncertaintyMeters = OptionalDouble(form["uncertainty"], "uncertainty"),
            Geoprivacy = OptionalGeoprivacy(form["geoprivacy"]) ?? Geoprivacy.Open,
            Notes = form["notes"].ToString(),
            License = form["license"].ToString() is { Length: > 0 } l ? l : Licenses.Default,
            Project = form["project"].ToString() is { Length: > 0 } p ? p : "all",
            TaxonName = form["taxon"].ToString(),
            ObservedOffsetMinutes = OptionalOffset(form["observedOffset"]),
            ClientId = clientId,
            FromPlot = OptionalFlag(form["plot"], "plot"),
        };
        // Validated once, before the model runs: bad input costs no inference.
        var valid = ObservationWriter.Validate(input, engine.Bundle.Checklist, clock.GetUtcNow().UtcDateTime);
        DateTime? counted = null;
        if (mayVote && valid.TakesModelVote)
            valid = valid.WithModel(await SuggestAsync(engine, valid.Input, async () =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                if (await AccountIdentifications.TryConsumeAsync(db, userId, limit, now, ct) is null) return false;
                counted = now;
                return true;
            }));
        SavedObservation saved;
        try
        {
            saved = await ObservationWriter.SaveAsync(db, photos, engine.Bundle.Checklist, userId, valid, clock, ct, revision, privacy);
        }
        catch (ObjectStoreUnavailableException) when (counted is { } at)
        {
            // Nothing was saved: the model's vote is given back, like a replay's below.
            await AccountIdentifications.ReleaseAsync(db, userId, at, CancellationToken.None);
            throw;
        }
        if (saved.Replayed)
        {
            // A retry or its concurrent twin: the observation was made (and counted) once; this request's vote is given back.
            if (counted is { } at) await AccountIdentifications.ReleaseAsync(db, userId, at, ct);
            return await ReplayAsync(context, db, saved.Observation.Id, engine, revision, user, ct);
        }
        var detail = await DetailAsync(db, saved.Observation.Id, engine, revision, ct, user);
        return TypedResults.Created($"/api/observations/{saved.Observation.Id}", detail!);
    }

    /// <summary>The answer to a save already stored: 200 with the stored observation (not what this request sent) and <see cref="ReplayedHeader"/>.</summary>
    private static async Task<Ok<ObservationDetail>> ReplayAsync(HttpContext context, FlorascopeDb db, int id, IdentificationEngine engine,
        AggregationSettings revision, ClaimsPrincipal user, CancellationToken ct)
    {
        context.Response.Headers[ReplayedHeader] = "true";
        context.Response.Headers.Location = $"/api/observations/{id}";
        return TypedResults.Ok((await DetailAsync(db, id, engine, revision, ct, user))!);
    }

    /// <summary>
    /// The model's vote on a new observation: its top taxon within the project and calibrated score
    /// (the caller holds a worker of the shared inference pool). The photos are decoded first and
    /// <paramref name="charge"/> counts one identification just before the network runs, so photos
    /// that cannot be read cost nothing. None when they cannot be read (CreateAsync then says why),
    /// are not a plant, or the charge is refused (the day's last one went to a concurrent request).
    /// </summary>
    private static async Task<ModelSuggestion?> SuggestAsync(IdentificationEngine engine, NewObservation input, Func<Task<bool>> charge)
    {
        PreparedRequest prepared;
        try
        {
            prepared = engine.Prepare(new IdentifyRequest
            {
                Images = [.. input.Photos.Select(p => new IdentifyImage(p.Data, p.Organ))],
                Project = input.Project,
                MaxResults = 1,
                ReferencesPerResult = 0,
            });
        }
        catch (Exception e) when (e is IdentifyException or Imaging.ImageInputException)
        {
            return null;
        }
        if (!await charge()) return null;
        var result = engine.Identify(prepared);
        return result.Rejected || result.Results.Count == 0 ? null
            : new ModelSuggestion(result.Results[0].Taxon.ScientificNameWithoutAuthor, result.Results[0].Score, result.ModelVersion);
    }

    /// <summary>The refusal of a page below 1, a size outside 1..<see cref="MaxPageSize"/>, or a page beyond any list; null when the page can be read.</summary>
    public static JsonHttpResult<ApiError>? PageError(int page, int size) =>
        size is < 1 or > MaxPageSize || page < 1
            ? ApiErrors.BadRequest(MessageText.Of("server.page-size", "pageSize is 1..{max} and page starts at 1.", ("max", MaxPageSize)))
            : new Florascope.Paging.PageRequest(page, size).IsPastAnyList
                ? ApiErrors.BadRequest(MessageText.Of("server.past-any-list", "page x pageSize is beyond any list (it must stay under 2^31 rows)."))
                : null;

    public static async Task<Results<Ok<List<ObservationSummary>>, JsonHttpResult<ApiError>>> Latest(FlorascopeDb db, int? page, int? pageSize,
        string? taxon, int? user, IdentificationEngine engine, CancellationToken ct)
    {
        var size = pageSize ?? 20;
        var p = page ?? 1;
        if (PageError(p, size) is { } refused) return refused;
        var rows = await ObservationQueries.LatestAsync(db, p, size, taxon, user, engine.Bundle.Checklist, ct);
        return TypedResults.Ok(rows.Select(r => new ObservationSummary(r.Id, r.TaxonName, r.ObservedUtc, r.Latitude, r.Longitude, r.AuthorId,
            r.AuthorName ?? "", r.FirstPhoto is null ? null : $"/api/photos/{r.FirstPhoto}?size=s", r.CreatedUtc, r.Status, r.AuthorUserName ?? "")).ToList());
    }

    public static async Task<Results<Ok<ObservationDetail>, JsonHttpResult<ApiError>>> Get(int id, ClaimsPrincipal user, FlorascopeDb db, IdentificationEngine engine,
        AggregationSettings revision, CancellationToken ct) =>
        await DetailAsync(db, id, engine, revision, ct, user) is { } detail ? TypedResults.Ok(detail) : ApiErrors.Error(404, MessageText.Of("server.observation.not-found", "No observation {id}.", ("id", id)));

    public static async Task<Results<Ok<ObservationDetail>, JsonHttpResult<ApiError>>> Identify(int id, HttpContext context, ClaimsPrincipal user,
        FlorascopeDb db, IdentificationEngine engine, AggregationSettings revision, IAntiforgery antiforgery, TimeProvider clock, GeoprivacyKey privacy, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        await ObservationWriter.IdentifyAsync(db, engine.Bundle.Checklist, id, userId, form["taxon"].ToString(), clock, ct, revision, privacy);
        return TypedResults.Ok((await DetailAsync(db, id, engine, revision, ct, user))!);
    }

    public static async Task<Results<Ok<ObservationDetail>, JsonHttpResult<ApiError>>> Edit(int id, HttpContext context, ClaimsPrincipal user,
        FlorascopeDb db, IdentificationEngine engine, AggregationSettings revision, IAntiforgery antiforgery, TimeProvider clock, GeoprivacyKey privacy, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        string? Text(string name) => form.ContainsKey(name) ? form[name].ToString() : null;
        var edit = new ObservationWriter.ObservationEdit(OptionalDate(Text("observedUtc")), OptionalDouble(Text("latitude"), "latitude"),
            OptionalDouble(Text("longitude"), "longitude"), OptionalDouble(Text("uncertainty"), "uncertainty"), Text("notes"),
            Text("license") is { Length: > 0 } l ? l : null, OptionalGeoprivacy(Text("geoprivacy")), OptionalOffset(Text("observedOffset")));
        await ObservationWriter.EditAsync(db, id, userId, AccountsApi.IsAdmin(user), edit, clock, ct, privacy);
        return TypedResults.Ok((await DetailAsync(db, id, engine, revision, ct, user))!);
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Delete(int id, HttpContext context, ClaimsPrincipal user,
        FlorascopeDb db, IAntiforgery antiforgery, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (!await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        await ObservationWriter.DeleteAsync(db, id, userId, AccountsApi.IsAdmin(user), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The map's data: points in a viewport, newest first, capped; filters by taxon, project and date.</summary>
    public static async Task<IResult> Geo(FlorascopeDb db, string? bbox, string? taxon, string? project, DateTime? from, DateTime? to, int? limit,
        IdentificationEngine engine, CancellationToken ct)
    {
        BoundingBox? box = null;
        if (bbox is not null)
        {
            var parts = bbox.Split(',');
            if (parts.Length != 4 || !parts.All(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)))
                return ApiErrors.BadRequest(MessageText.Of("server.bbox.format", "bbox is minLon,minLat,maxLon,maxLat in degrees."));
            var b = parts.Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            if (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] || b[1] > b[3])
                return ApiErrors.BadRequest(MessageText.Of("server.bbox.range", "bbox is minLon,minLat,maxLon,maxLat with -180 <= lon <= 180 and -90 <= lat <= 90."));
            box = new BoundingBox(b[0], b[1], b[2], b[3]);
        }
        var rows = await ObservationQueries.InViewportAsync(db, box, taxon, project, from?.ToUniversalTime(), to?.ToUniversalTime(),
            Math.Clamp(limit ?? 1000, 1, MaxGeoFeatures), engine.Bundle.Checklist, ct);
        var photos = await ObservationQueries.FirstPhotosAsync(db, [.. rows.Select(r => r.Id)], ct);
        return TypedResults.Json(new
        {
            type = "FeatureCollection",
            features = rows.Select(r => new
            {
                type = "Feature",
                id = r.Id,
                geometry = new { type = "Point", coordinates = new[] { r.Longitude, r.Latitude } },
                properties = new { id = r.Id, taxon = r.TaxonName, observed = r.ObservedUtc,
                    thumbnail = photos.TryGetValue(r.Id, out var sha) ? $"/api/photos/{sha}?size=s" : null },
            }),
        }, contentType: "application/geo+json");
    }

    public static async Task<Results<Ok<ObservationDetail>, JsonHttpResult<ApiError>>> VotePhoto(int id, HttpContext context, ClaimsPrincipal user,
        FlorascopeDb db, IdentificationEngine engine, AggregationSettings revision, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var vote = await ObservationWriter.VotePhotoAsync(db, id, userId, form["aspect"].ToString(), form["value"].ToString(), clock, revision, ct);
        var observationId = await db.ObservationPhotos.Where(p => p.Id == vote.PhotoId).Select(p => p.ObservationId).FirstAsync(ct);
        return TypedResults.Ok((await DetailAsync(db, observationId, engine, revision, ct, user))!);
    }

    /// <summary>
    /// A stored photo. The public sizes (m, s) are re-encoded upright with no metadata; the original
    /// may carry EXIF (GPS, camera serial), so only an author of an observation using it, or an
    /// administrator, may fetch it; anyone else is pointed at the largest public size.
    /// </summary>
    public static async Task<IResult> Photo(string sha256, string? size, ClaimsPrincipal user, PhotoStore photos, FlorascopeDb db, HttpContext context,
        CancellationToken ct)
    {
        var s = size switch { null or "" or "m" => PhotoSize.Medium, "o" => PhotoSize.Original, "s" => PhotoSize.Small, _ => (PhotoSize?)null };
        if (s is null) return ApiErrors.BadRequest(MessageText.Of("server.photo.bad-size", "size must be o, m or s."));
        if (!PhotoStore.IsHash(sha256)) return ApiErrors.Error(404, MessageText.Of("server.photo.no-such", "No such photo."));
        // Streamed from the store (a file, or the S3 response as it arrives): never buffered whole.
        var content = await photos.OpenAsync(sha256, s.Value, ct);
        if (content is null) return ApiErrors.Error(404, MessageText.Of("server.photo.no-such", "No such photo."));
        var local = photos.Objects.LocalPath(PhotoStore.KeyOf(sha256, s.Value));
        if (s != PhotoSize.Original) return PhotoResult(context, content, local, "image/jpeg");
        var maySee = false;
        try
        {
            maySee = await PrivacyAccess.MaySeeOriginalAsync(db, sha256, AccountsApi.CurrentUserId(user), AccountsApi.IsAdmin(user), ct);
        }
        finally
        {
            if (!maySee) await content.Content.DisposeAsync();
        }
        if (!maySee)
            return ApiErrors.Error(403, MessageText.Of("server.photo.original-private", "The original photo is private to the authors of its observations; the largest public size is /api/photos/{sha256}?size=m.", ("sha256", sha256)));
        // Never kept by a shared cache: it is someone's private file.
        context.Response.Headers.CacheControl = "private, no-store";
        // S3 keeps the type given at saving; a file (or an object copied in by hand) is sniffed, then opened again.
        if (content.ContentType is "image/png" or "image/jpeg") return PhotoResult(context, content, local, content.ContentType);
        var head = new byte[16];
        await using (content.Content) await content.Content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var type = Imaging.ImageFormat.Sniff(head) == Imaging.ImageKind.Png ? "image/png" : "image/jpeg";
        content = await photos.OpenAsync(sha256, s.Value, ct);
        return content is null ? ApiErrors.Error(404, MessageText.Of("server.photo.no-such", "No such photo.")) : PhotoResult(context, content, local, type);
    }

    /// <summary>
    /// A file of this machine as a physical file, as before there were object stores (ranges,
    /// Last-Modified); an object of a remote store streamed with its Last-Modified.
    /// </summary>
    private static IResult PhotoResult(HttpContext context, Florascope.Data.Storage.ObjectContent content, string? local, string contentType)
    {
        if (local is null)
        {
            // The S3 response stream cannot seek, so its length is told here (not chunked, as a file is not).
            context.Response.ContentLength = content.Length;
            return TypedResults.Stream(content.Content, contentType, lastModified: content.LastModifiedUtc);
        }
        content.Content.Dispose();
        return TypedResults.PhysicalFile(local, contentType);
    }

    /// <param name="viewer">The author and administrators see the true position and the originals; anyone else (null: the public) the public ones.</param>
    private static async Task<ObservationDetail?> DetailAsync(FlorascopeDb db, int id, IdentificationEngine engine, AggregationSettings revision, CancellationToken ct,
        ClaimsPrincipal? viewer = null)
    {
        var o = await db.Observations.AsNoTracking().Include(x => x.Photos).ThenInclude(p => p.Votes.Where(v => v.IsCurrent))
            .Include(x => x.Identifications).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null) return null;
        var userIds = o.Identifications.Select(i => i.UserId).Append(o.AuthorId).Concat(o.Photos.SelectMany(p => p.Votes.Select(v => v.UserId))).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => new Voter(u.DisplayName, u.UserName, u.Expertise), ct);
        var names = users.ToDictionary(u => u.Key, u => u.Value.DisplayName);
        // The explanation is recomputed from the current votes (already loaded) and weights; the stored
        // status is what lists and the game use, and the two agree after each identification and each batch.
        var why = CommunityRevision.Explain(o, o.Identifications, users, engine.Bundle.Checklist, revision);
        var revisionInfo = new RevisionInfo(o.Status, o.TaxonName, o.Confidence, o.Accuracy, o.IsValid, revision.ThetaConfidence, revision.ThetaAccuracy,
            [.. why.Votes.Select(v => new VoteInfo(v.UserId, v.Voter, v.Value, v.Expertise, v.Weight, v.Agrees,
                v.UserId is { } u ? users[u].DisplayName : null, v.UserId is { } u2 ? users[u2].UserName : null))],
            o.ModelTaxonName, o.ModelScore, o.ModelVersion, revision.AiMinScore, o.RevisedUtc, why.Standing);
        var insider = viewer is not null && PrivacyAccess.SeesTruePosition(o.AuthorId, AccountsApi.CurrentUserId(viewer), AccountsApi.IsAdmin(viewer));
        var shown = PrivacyAccess.PublicKind(o);
        var (latitude, longitude, uncertainty) = insider ? (o.Latitude, o.Longitude, o.UncertaintyMeters) : (o.PublicLatitude, o.PublicLongitude, o.PublicUncertaintyMeters);
        return new ObservationDetail(o.Id, o.TaxonName, o.ObservedUtc, latitude, longitude, uncertainty, o.Notes, o.License, o.Project,
            o.AuthorId, names.GetValueOrDefault(o.AuthorId) ?? "", users.GetValueOrDefault(o.AuthorId)?.UserName ?? "", o.CreatedUtc,
            [.. o.Photos.OrderBy(p => p.Position).Select(p => new PhotoInfo(p.Id, p.Sha256, p.Organ, p.Width, p.Height,
                insider ? $"/api/photos/{p.Sha256}?size=o" : $"/api/photos/{p.Sha256}?size=m", $"/api/photos/{p.Sha256}?size=m", $"/api/photos/{p.Sha256}?size=s", p.VotedOrgan, p.ExcludedBecause,
                [.. p.Votes.GroupBy(v => (v.Aspect, v.Value)).OrderBy(g => g.Key.Aspect, StringComparer.Ordinal).ThenBy(g => g.Key.Value, StringComparer.Ordinal)
                    .Select(g => new PhotoVoteTally(g.Key.Aspect, g.Key.Value, g.Count(), g.Sum(v => revision.Weight(users.GetValueOrDefault(v.UserId)?.Expertise ?? 0))))]))],
            [.. o.Identifications.OrderBy(i => i.CreatedUtc).ThenBy(i => i.Id).Select(i => new IdentificationInfo(i.Id, i.UserId,
                users.GetValueOrDefault(i.UserId)?.UserName ?? "", i.TaxonName, i.IsCurrent, i.CreatedUtc, names.GetValueOrDefault(i.UserId) ?? ""))],
            revisionInfo, GeoprivacyText.ToText(o.Geoprivacy), shown.ToString().ToLowerInvariant(), insider || shown == PublicPositionKind.Exact,
            o.ObservedOffsetMinutes) { FromPlot = o.FromPlot };
    }

    // "true" or "false" as the app sends them; absent or empty is false.
    private static bool OptionalFlag(string? text, string name) =>
        string.IsNullOrWhiteSpace(text) ? false
        : bool.TryParse(text, out var v) ? v
        : throw new ObservationException(MessageText.Of("server.query.true-or-false", "{name} must be true or false.", ("name", name)));

    private static double? OptionalDouble(string? text, string name) =>
        string.IsNullOrWhiteSpace(text) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
        : throw new ObservationException(MessageText.Of("server.not-a-number", "{name} must be a number.", ("name", name)));

    private static Geoprivacy? OptionalGeoprivacy(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : GeoprivacyText.Parse(text) ?? throw new ObservationException(MessageText.Of("server.observation.bad-geoprivacy", "geoprivacy must be one of {values}.", ("values", string.Join(", ", GeoprivacyText.All))));

    // Any whole number passes here; its range is the writer's rule (ObservationWriter.ValidateOffset).
    private static int? OptionalOffset(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m) ? m
        : throw new ObservationException(MessageText.Of("server.observation.bad-offset", "observedOffset is the UTC offset in whole minutes, e.g. 120 for +02:00."));

    private static DateTime? OptionalDate(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d
        : throw new ObservationException(MessageText.Of("server.observation.bad-time", "observedUtc must be an ISO 8601 date and time."));
}
