using Florascope.Data.Revision;
using Florascope.Geography;
using Florascope.Revision;
using Florascope.Taxonomy;
using Florascope.Time;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Data.Observations;

public sealed record NewPhoto(byte[] Data, string Organ = "auto");

/// <summary>What an author sends to create an observation. <c>TaxonName</c> null means "I don't know".</summary>
public sealed record NewObservation
{
    public required IReadOnlyList<NewPhoto> Photos { get; init; }
    public DateTime? ObservedUtc { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public double? UncertaintyMeters { get; init; }
    public string? Notes { get; init; }
    public string License { get; init; } = Licenses.Default;
    public string Project { get; init; } = Checklist.AllProject;
    public string? TaxonName { get; init; }
    /// <summary>Who may see the true position (default open); threatened taxa are obscured whatever it says.</summary>
    public Privacy.Geoprivacy Geoprivacy { get; init; } = Privacy.Geoprivacy.Open;
    /// <summary>The model's suggestion when it was saved: it votes if its calibrated score is high enough.</summary>
    public ModelSuggestion? Model { get; init; }
    /// <summary>The observer's UTC offset in minutes (EXIF OffsetTimeOriginal, else the browser's); null when unknown.</summary>
    public int? ObservedOffsetMinutes { get; init; }
    /// <summary>Kept from a plot survey: the photo shows several plants, so it never trains the model (<see cref="Observation.FromPlot"/>).</summary>
    public bool FromPlot { get; init; }
    /// <summary>The id the author's app made for this observation (<see cref="ObservationWriter.ParseClientId"/>); a retry with it finds the saved one. Null: none sent.</summary>
    public Guid? ClientId { get; init; }
}

/// <summary>An observation just saved, or the one saved earlier under the same client id (<paramref name="Replayed"/>): nothing new was stored then.</summary>
public sealed record SavedObservation(Observation Observation, bool Replayed);

/// <summary>The model's top taxon within the project, its calibrated score and the model's version.</summary>
public sealed record ModelSuggestion(string TaxonName, double Score, string Version);

/// <summary>Why an observation cannot be made or changed; the web layer maps each kind to an HTTP status in one place.</summary>
public enum ObservationError
{
    /// <summary>The input breaks a rule (a bad field, an unknown taxon, an unreadable photo).</summary>
    Invalid,
    /// <summary>No such observation or photo.</summary>
    NotFound,
    /// <summary>The user may not do this to this observation.</summary>
    Forbidden,
    /// <summary>A concurrent change of the same thing won; trying again may succeed.</summary>
    Conflict,
    /// <summary>A photo over the size or pixel limits (as /v2/identify answers it: 413).</summary>
    TooLarge,
    /// <summary>A photo in a format the service does not read, e.g. GIF or WebP (as /v2/identify answers it: 415).</summary>
    UnsupportedMedia,
}

/// <summary>Input that cannot make or change an observation; the message is for the person who sent it.</summary>
public sealed class ObservationException(MessageText text, ObservationError kind = ObservationError.Invalid) : Exception(text.English)
{
    public ObservationException(string message, ObservationError kind = ObservationError.Invalid) : this(MessageText.Untranslated(message), kind) { }

    /// <summary>The message with its translation key and values (the observatory API answers it in the request's language).</summary>
    public MessageText Text { get; } = text;
    public ObservationError Kind { get; } = kind;
}

/// <summary>
/// An observation that passed <see cref="ObservationWriter.Validate"/>: what creation takes, so the rules run once per creation whatever the caller does in between (e.g. ask the model).
/// </summary>
public sealed class ValidatedObservation
{
    internal ValidatedObservation(NewObservation input, string? taxonName) => (Input, TaxonName) = (input, taxonName);

    public NewObservation Input { get; }

    /// <summary>The checklist's spelling of the author's taxon; null for "I don't know".</summary>
    public string? TaxonName { get; }

    /// <summary>
    /// Whether the model identifies the photos and votes: not for a plot observation, whose photo shows several plants
    /// (the whole photo's top taxon would vote against the species the author kept from the survey, and cost an identification).
    /// </summary>
    public bool TakesModelVote => !Input.FromPlot;

    /// <summary>The same observation with the model's vote (none for a plot observation); the suggestion is not user input, so nothing is revalidated.</summary>
    public ValidatedObservation WithModel(ModelSuggestion? model) => new(Input with { Model = TakesModelVote ? model : null }, TaxonName);
}

/// <summary>
/// Creating and changing observations. Creation writes the photos first (content-addressed, so a
/// retry rewrites nothing) and then every row in one transaction: an observation exists whole or
/// not at all, and photo files left by a failure are collected by <see cref="PhotoStore.CollectGarbageAsync"/>.
/// </summary>
public static class ObservationWriter
{
    public const int MaxPhotos = Florascope.Identification.IdentifyRequest.MaxImages;
    public const int MaxNotes = 4000;

    /// <summary>Validates and creates an observation.</summary>
    public static Task<Observation> CreateAsync(FlorascopeDb db, PhotoStore photos, Checklist checklist, int authorId,
        NewObservation input, TimeProvider clock, CancellationToken ct = default, AggregationSettings? revision = null, Privacy.GeoprivacyKey? privacy = null) =>
        CreateAsync(db, photos, checklist, authorId, Validate(input, checklist, clock.GetUtcNow().UtcDateTime), clock, ct, revision, privacy);

    /// <summary>Creates an observation already validated (see <see cref="Validate"/>); with a client id, the one saved earlier under it when there is one.</summary>
    public static async Task<Observation> CreateAsync(FlorascopeDb db, PhotoStore photos, Checklist checklist, int authorId,
        ValidatedObservation validated, TimeProvider clock, CancellationToken ct = default, AggregationSettings? revision = null, Privacy.GeoprivacyKey? privacy = null) =>
        (await SaveAsync(db, photos, checklist, authorId, validated, clock, ct, revision, privacy)).Observation;

    /// <summary>
    /// The author's observation saved earlier under this client id, or null: the same save sent again
    /// (an app's retry) is answered with it, whatever its content, and nothing new is stored.
    /// </summary>
    public static Task<Observation?> FindByClientIdAsync(FlorascopeDb db, int authorId, Guid clientId, CancellationToken ct = default) =>
        db.Observations.AsNoTracking().FirstOrDefaultAsync(o => o.AuthorId == authorId && o.ClientId == clientId, ct);

    /// <summary>
    /// Saves an observation already validated (see <see cref="Validate"/>), once per author and client id:
    /// a client id the author already used gives back that observation (<see cref="SavedObservation.Replayed"/>),
    /// also when a concurrent twin wins the race to the unique index (AuthorId, ClientId).
    /// </summary>
    public static async Task<SavedObservation> SaveAsync(FlorascopeDb db, PhotoStore photos, Checklist checklist, int authorId,
        ValidatedObservation validated, TimeProvider clock, CancellationToken ct = default, AggregationSettings? revision = null, Privacy.GeoprivacyKey? privacy = null)
    {
        var clientId = validated.Input.ClientId;
        if (clientId is { } known && await FindByClientIdAsync(db, authorId, known, ct) is { } earlier) return new SavedObservation(earlier, Replayed: true);
        revision ??= AggregationSettings.Default;
        var now = clock.GetUtcNow().UtcDateTime;
        var input = validated.Input;
        var stored = new List<(StoredPhoto Photo, string Organ)>();
        for (var i = 0; i < input.Photos.Count; i++)
        {
            try { stored.Add((await photos.SaveAsync(input.Photos[i].Data, ct: ct), input.Photos[i].Organ)); }
            catch (Imaging.ImageInputException e) { throw new ObservationException(MessageText.Of("server.observation.bad-photo", "Photo {n}: {problem}", ("n", i + 1), ("problem", e.Text)), KindOf(e.Problem)); }
        }

        var observation = new Observation
        {
            AuthorId = authorId,
            ClientId = clientId,
            ObservedUtc = input.ObservedUtc ?? now,
            ObservedOffsetMinutes = input.ObservedOffsetMinutes,
            FromPlot = input.FromPlot,
            Latitude = input.Latitude,
            Longitude = input.Longitude,
            UncertaintyMeters = input.UncertaintyMeters,
            Notes = string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim(),
            License = input.License,
            Geoprivacy = input.Geoprivacy,
            Project = input.Project,
            TaxonName = validated.TaxonName,
            CreatedUtc = now,
            UpdatedUtc = now,
            Photos = [.. stored.Select((s, i) => new ObservationPhoto { Position = i, Sha256 = s.Photo.Sha256, Organ = s.Organ, Width = s.Photo.Width, Height = s.Photo.Height })],
            Identifications = [new Identification { UserId = authorId, TaxonName = validated.TaxonName, CreatedUtc = now }],
            ModelTaxonName = input.Model?.TaxonName,
            ModelScore = input.Model?.Score,
            ModelVersion = input.Model?.Version,
        };
        // The first weighted vote: the author's identification and the model's suggestion.
        var author = await db.Users.AsNoTracking().Where(u => u.Id == authorId).Select(u => new { u.DisplayName, u.UserName, u.Expertise }).FirstOrDefaultAsync(ct);
        var first = CommunityRevision.Decide(
            observation.TaxonName is { } t && author is not null ? [(authorId, author.UserName, t, author.Expertise)] : [],
            observation.ModelTaxonName, observation.ModelScore, checklist, revision);
        (observation.TaxonName, observation.Confidence, observation.Accuracy, observation.IsValid, observation.Status, observation.RevisedUtc) =
            (first.TaxonName, first.Confidence, first.Accuracy, first.IsValid, first.Status, now);
        Privacy.PublicPositions.Apply(observation, await Privacy.ThreatStatusStore.AnyObscuringAsync(db,
            [observation.TaxonName, observation.ModelTaxonName, .. observation.Identifications.Select(i => i.TaxonName)], ct), privacy);
        // One SaveChanges is one transaction: the observation, its photos and the author's identification.
        db.Observations.Add(observation);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (clientId is { } id)
        {
            // A concurrent save with the same client id inserted first and the unique index refused this
            // one (SQLite and PostgreSQL alike; the failed transaction left nothing): answer with the winner.
            // Any other failure finds no twin and is thrown on.
            Forget(db, observation);
            if (await FindByClientIdAsync(db, authorId, id, ct) is { } winner) return new SavedObservation(winner, Replayed: true);
            throw;
        }
        return new SavedObservation(observation, Replayed: false);
    }

    /// <summary>Stops tracking an observation whose insert failed, so the context can be used again.</summary>
    private static void Forget(FlorascopeDb db, Observation observation)
    {
        foreach (var photo in observation.Photos.ToList()) db.Entry(photo).State = EntityState.Detached;
        foreach (var identification in observation.Identifications.ToList()) db.Entry(identification).State = EntityState.Detached;
        db.Entry(observation).State = EntityState.Detached;
    }

    /// <summary>
    /// The client id of a save: a UUID in its usual 8-4-4-4-12 hexadecimal form (as crypto.randomUUID()
    /// writes it); empty means none. Anything else is refused, so that a typo never silently turns
    /// retries into duplicates.
    /// </summary>
    public static Guid? ParseClientId(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : Guid.TryParseExact(text.Trim(), "D", out var id) ? id
        : throw new ObservationException(MessageText.Of("server.observation.bad-client-id", "clientId must be a UUID such as 0b8f3c52-7d1e-4a8e-9d55-3f2a1c6e9b10."));

    /// <summary>
    /// A user's identification: retires their current one (kept as history), adds the new one, and
    /// re-decides the observation's weighted vote with the current weights, in one transaction.
    /// </summary>
    public static async Task<Identification> IdentifyAsync(FlorascopeDb db, Checklist checklist, int observationId, int userId, string? taxonName,
        TimeProvider clock, CancellationToken ct = default, AggregationSettings? revision = null, Privacy.GeoprivacyKey? privacy = null)
    {
        var observation = await db.Observations.FirstOrDefaultAsync(o => o.Id == observationId, ct)
            ?? throw new ObservationException(MessageText.Of("server.observation.not-found", "No observation {id}.", ("id", observationId)), ObservationError.NotFound);
        var name = CanonicalName(checklist, taxonName);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var old in await db.Identifications.Where(i => i.ObservationId == observationId && i.UserId == userId && i.IsCurrent).ToListAsync(ct))
            old.IsCurrent = false;
        var identification = new Identification { ObservationId = observationId, UserId = userId, TaxonName = name, CreatedUtc = now };
        db.Identifications.Add(identification);
        observation.UpdatedUtc = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique index on current identifications: the same user identified it concurrently.
            throw new ObservationException(MessageText.Of("server.observation.identification-race", "Another identification of yours was saved at the same moment; try again."), ObservationError.Conflict);
        }
        var before = (observation.TaxonName, observation.IsValid);
        await CommunityRevision.ReviseObservationAsync(db, observation, checklist, revision ?? AggregationSettings.Default, now, ct);
        // A new name may be a threatened taxon: the position is obscured in the same transaction.
        await Privacy.PublicPositions.ApplyAsync(db, observation, privacy, ct);
        await db.SaveChangesAsync(ct);
        if (before != (observation.TaxonName, observation.IsValid) || userId != observation.AuthorId)
            await CommunityRevision.UpdateScoresAsync(db, observationId, ct);
        await tx.CommitAsync(ct);
        return identification;
    }

    /// <summary>
    /// A user's vote on one aspect of a photo (organ, not a plant, poor quality, duplicate): replaces
    /// their current vote on that aspect and re-decides the photo with the current weights.
    /// </summary>
    public static async Task<PhotoVote> VotePhotoAsync(FlorascopeDb db, int photoId, int userId, string aspect, string value,
        TimeProvider clock, AggregationSettings? revision = null, CancellationToken ct = default)
    {
        if (!PhotoAspects.All.Contains(aspect)) throw new ObservationException(MessageText.Of("server.photo.unknown-aspect", "Unknown aspect '{aspect}': use one of {aspects}.", ("aspect", aspect), ("aspects", string.Join(", ", PhotoAspects.All))));
        if (!PhotoAspects.IsValid(aspect, value))
            throw new ObservationException(aspect == PhotoAspects.Organ
                ? MessageText.Of("server.unknown-organ", "Unknown organ '{organ}': use one of {organs}.", ("organ", value), ("organs", string.Join(", ", PhotoAspects.VotableOrgans)))
                : MessageText.Of("server.photo.yes-or-no", "A vote on '{aspect}' is '{yes}' or '{no}'.", ("aspect", aspect), ("yes", PhotoAspects.Yes), ("no", PhotoAspects.No)));
        var photo = await db.ObservationPhotos.FirstOrDefaultAsync(p => p.Id == photoId, ct)
            ?? throw new ObservationException(MessageText.Of("server.photo.not-found", "No photo {id}.", ("id", photoId)), ObservationError.NotFound);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var old in await db.PhotoVotes.Where(v => v.PhotoId == photoId && v.UserId == userId && v.Aspect == aspect && v.IsCurrent).ToListAsync(ct))
            old.IsCurrent = false;
        var vote = new PhotoVote { PhotoId = photoId, UserId = userId, Aspect = aspect, Value = value, CreatedUtc = now };
        db.PhotoVotes.Add(vote);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new ObservationException(MessageText.Of("server.photo.vote-race", "Another vote of yours was saved at the same moment; try again."), ObservationError.Conflict);
        }
        await CommunityRevision.RevisePhotoAsync(db, photo, revision ?? AggregationSettings.Default, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return vote;
    }

    /// <summary>What an author may change after saving; null leaves a field as it is.</summary>
    public sealed record ObservationEdit(DateTime? ObservedUtc, double? Latitude, double? Longitude, double? UncertaintyMeters, string? Notes, string? License,
        Privacy.Geoprivacy? Geoprivacy = null, int? ObservedOffsetMinutes = null);

    /// <summary>Changes an observation's facts; only its author (or an admin) may.</summary>
    public static async Task<Observation> EditAsync(FlorascopeDb db, int observationId, int userId, bool isAdmin, ObservationEdit edit,
        TimeProvider clock, CancellationToken ct = default, Privacy.GeoprivacyKey? privacy = null)
    {
        var observation = await db.Observations.FirstOrDefaultAsync(o => o.Id == observationId, ct)
            ?? throw new ObservationException(MessageText.Of("server.observation.not-found", "No observation {id}.", ("id", observationId)), ObservationError.NotFound);
        if (observation.AuthorId != userId && !isAdmin) throw new ObservationException(MessageText.Of("server.observation.not-yours-change", "Only the author can change an observation."), ObservationError.Forbidden);
        var now = clock.GetUtcNow().UtcDateTime;
        ValidateFacts(edit.ObservedUtc, edit.Notes, edit.License, now);
        ValidateOffset(edit.ObservedOffsetMinutes);
        var lat = edit.Latitude ?? observation.Latitude;
        var lon = edit.Longitude ?? observation.Longitude;
        var uncertainty = edit.UncertaintyMeters ?? observation.UncertaintyMeters;
        ValidatePlace(lat, lon, uncertainty);
        observation.ObservedUtc = edit.ObservedUtc ?? observation.ObservedUtc;
        observation.ObservedOffsetMinutes = edit.ObservedOffsetMinutes ?? observation.ObservedOffsetMinutes;
        (observation.Latitude, observation.Longitude, observation.UncertaintyMeters) = (lat, lon, uncertainty);
        if (edit.Notes is not null) observation.Notes = string.IsNullOrWhiteSpace(edit.Notes) ? null : edit.Notes.Trim();
        observation.License = edit.License ?? observation.License;
        observation.Geoprivacy = edit.Geoprivacy ?? observation.Geoprivacy;
        await Privacy.PublicPositions.ApplyAsync(db, observation, privacy, ct);
        observation.UpdatedUtc = now;
        await db.SaveChangesAsync(ct);
        return observation;
    }

    /// <summary>Deletes an observation; only its author (or an admin) may.</summary>
    public static async Task DeleteAsync(FlorascopeDb db, int observationId, int userId, bool isAdmin, CancellationToken ct = default)
    {
        var observation = await db.Observations.FirstOrDefaultAsync(o => o.Id == observationId, ct)
            ?? throw new ObservationException(MessageText.Of("server.observation.not-found", "No observation {id}.", ("id", observationId)), ObservationError.NotFound);
        if (observation.AuthorId != userId && !isAdmin) throw new ObservationException(MessageText.Of("server.observation.not-yours-delete", "Only the author can delete an observation."), ObservationError.Forbidden);
        // Users.Score keeps a count that included this observation: its voters are recounted without it.
        var voters = await db.Identifications.Where(i => i.ObservationId == observationId && i.IsCurrent).Select(i => i.UserId).Distinct().ToListAsync(ct);
        db.Observations.Remove(observation);
        await db.SaveChangesAsync(ct);
        await CommunityRevision.RecountScoresAsync(db, voters, ct);
    }

    /// <summary>The kind of error of a refused photo: too large and unsupported formats apart, like the identification API; anything else is invalid.</summary>
    public static ObservationError KindOf(Imaging.ImageProblem problem) => problem switch
    {
        Imaging.ImageProblem.TooLarge => ObservationError.TooLarge,
        Imaging.ImageProblem.UnsupportedFormat => ObservationError.UnsupportedMedia,
        _ => ObservationError.Invalid,
    };

    /// <summary>Every rule a new observation must follow; the result is what creation takes.</summary>
    public static ValidatedObservation Validate(NewObservation input, Checklist checklist, DateTime nowUtc)
    {
        if (input.Photos.Count == 0) throw new ObservationException(MessageText.Of("server.observation.no-photo", "An observation needs at least one photo."));
        if (input.Photos.Count > MaxPhotos) throw new ObservationException(MessageText.Of("server.observation.too-many-photos", "At most {max} photos of one plant.", ("max", MaxPhotos)));
        foreach (var p in input.Photos)
            if (!Organs.IsKnown(p.Organ)) throw new ObservationException(MessageText.Of("server.unknown-organ", "Unknown organ '{organ}': use one of {organs}.", ("organ", p.Organ), ("organs", string.Join(", ", Organs.All))));
        ValidatePlace(input.Latitude, input.Longitude, input.UncertaintyMeters);
        ValidateFacts(input.ObservedUtc, input.Notes, input.License, nowUtc);
        ValidateOffset(input.ObservedOffsetMinutes);
        if (!checklist.HasProject(input.Project)) throw new ObservationException(MessageText.Of("server.unknown-project", "Unknown project '{project}'.", ("project", input.Project)));
        return new ValidatedObservation(input, CanonicalName(checklist, input.TaxonName));
    }

    /// <summary>The facts an author gives and may edit later: date (not in the future, not before 1800), notes, licence; null is "not given".</summary>
    public static void ValidateFacts(DateTime? observedUtc, string? notes, string? license, DateTime nowUtc)
    {
        if (observedUtc is { } when && (when > nowUtc.AddDays(1) || when.Year < 1800)) throw new ObservationException(MessageText.Of("server.observation.bad-date", "The date is in the future or before 1800."));
        if (notes is { Length: > MaxNotes }) throw new ObservationException(MessageText.Of("server.observation.long-notes", "Notes are limited to {max} characters.", ("max", MaxNotes)));
        if (license is { } l && !Licenses.All.Contains(l)) throw new ObservationException(MessageText.Of("server.observation.unknown-licence", "Unknown licence '{licence}': use one of {licences}.", ("licence", l), ("licences", string.Join(", ", Licenses.All))));
    }

    /// <summary>The observer's UTC offset: whole minutes within ±14:00 (see <see cref="UtcOffsets"/>); null is "not given".</summary>
    public static void ValidateOffset(int? minutes)
    {
        if (minutes is { } m && !UtcOffsets.IsValid(m))
            throw new ObservationException(MessageText.Of("server.observation.offset-range", "observedOffset is the UTC offset in whole minutes, between {min} and {max}.", ("min", UtcOffsets.MinMinutes), ("max", UtcOffsets.MaxMinutes)));
    }

    /// <summary>Coordinates in WGS84 degrees, both or neither; uncertainty 0..100 km.</summary>
    public static void ValidatePlace(double? latitude, double? longitude, double? uncertainty)
    {
        if (latitude.HasValue != longitude.HasValue) throw new ObservationException(MessageText.Of("server.observation.lat-lon", "Latitude and longitude go together."));
        if (latitude is { } la && !WgsDegrees.IsLatitude(la)) throw new ObservationException(MessageText.Of("server.observation.bad-latitude", "Latitude must be between -90 and 90."));
        if (longitude is { } lo && !WgsDegrees.IsLongitude(lo)) throw new ObservationException(MessageText.Of("server.observation.bad-longitude", "Longitude must be between -180 and 180."));
        if (uncertainty is { } u && (!double.IsFinite(u) || u < 0 || u > 100_000)) throw new ObservationException(MessageText.Of("server.observation.bad-uncertainty", "The uncertainty must be between 0 and 100000 metres."));
    }

    /// <summary>
    /// The accepted scientific name a typed name means (<see cref="TaxonNames.Resolve"/>: scientific, synonym or
    /// vernacular in any language); null stays null ("I don't know"). Unknown or shared common names are refused.
    /// </summary>
    public static string? CanonicalName(Checklist checklist, string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        return AcceptedName(checklist, name) ?? throw new ObservationException(MessageText.Of("server.unknown-taxon", "Unknown taxon '{name}'.", ("name", name)));
    }

    /// <summary>
    /// The accepted scientific name of a typed name, or null when the checklist has none; a common name of
    /// several taxa is an <see cref="ObservationException"/> (400) naming them, so the person can choose.
    /// </summary>
    public static string? AcceptedName(Checklist checklist, string name) => TaxonNames.Resolve(checklist, name) switch
    {
        NameResolution.Found f => f.Taxon.ScientificNameWithoutAuthor,
        NameResolution.Ambiguous a => throw new ObservationException(MessageText.Of("server.ambiguous-name", "'{name}' is a common name of several taxa: {candidates}. Choose one of them.",
            ("name", name.Trim()), ("candidates", string.Join(", ", a.Candidates.Select(t => t.ScientificNameWithoutAuthor))))),
        _ => null,
    };
}
