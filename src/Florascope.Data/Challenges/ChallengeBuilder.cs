using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Globalization;
using Florascope.Challenges;
using Florascope.Data.Observations;
using Florascope.Data.OpenData;
using Florascope.Data.Revision;
using Florascope.Imaging;
using Florascope.Messages;
using Florascope.Taxonomy;
using Florascope.Training;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Challenges;

/// <summary>
/// What an administrator gives to create a challenge: from labelled photo folders (<c>DIR/&lt;Scientific_name&gt;/&lt;photo&gt;</c>,
/// <see cref="TrainDir"/> and <see cref="TestDir"/>) or from the observatory's own observations (<see cref="Observations"/>), one or the other.
/// </summary>
public sealed record ChallengeSpec
{
    public required string Name { get; init; }
    /// <summary>Derived from the name when absent.</summary>
    public string? Slug { get; init; }
    public string Description { get; init; } = "";
    public required DateTime OpensUtc { get; init; }
    public required DateTime ClosesUtc { get; init; }
    public int DailySubmissionLimit { get; init; } = Florascope.Challenges.ChallengeRules.DefaultDailySubmissions;
    public int MaxTeamSize { get; init; } = Florascope.Challenges.ChallengeRules.DefaultMaxTeamSize;
    public int PublicPercent { get; init; } = Florascope.Challenges.ChallengeRules.DefaultPublicPercent;
    public string? TrainDir { get; init; }
    public string? TestDir { get; init; }
    /// <summary>The folder the caller may read (the admin pages' SourceRoot): the builder looks for nothing above it.</summary>
    public string? SourceRoot { get; init; }
    public ObservationSource? Observations { get; init; }
}

/// <summary>
/// Which observations make a challenge: valid ones under a licence the open-data export publishes, with their
/// published photos, optionally of one flora and observed in [<see cref="SinceUtc"/>, <see cref="UntilUtc"/>);
/// the newest <see cref="TestPercent"/> % are the test set (<see cref="ObservationSplit"/>).
/// </summary>
public sealed record ObservationSource
{
    public ProjectCode? Project { get; init; }
    public DateTime? SinceUtc { get; init; }
    public DateTime? UntilUtc { get; init; }
    public int TestPercent { get; init; } = ObservationSplit.DefaultTestPercent;
}

/// <summary>What a challenge made of observations needs of the observatory: its photos, its checklist (Darwin Core names) and its public base URL.</summary>
public sealed record ObservatoryData(PhotoStore Photos, Checklist Checklist, string BaseUrl);

/// <summary>
/// Creates a challenge: publishes the training photos (with licences) and the test photos (re-encoded, metadata
/// stripped, under random ids), keeps the truth hidden, and records the challenge with its baseline team.
/// </summary>
public static class ChallengeBuilder
{
    public const string BaselineTeamName = "Florascope baseline";
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxDailySubmissions = 100;
    public const int MaxTeamSizeLimit = 50;

    /// <summary>The optional licences file of a training folder: <c>file;licence;rightsHolder;source</c>, paths relative to the folder.</summary>
    public const string LicencesFile = "licences.csv";

    /// <summary>The archive of the training observations inside train.zip.</summary>
    public const string DwcaFile = "dwca.zip";

    private sealed record Photo(string ClassName, string Path);

    /// <summary>A test photo's source: what error messages call it, and how to read its original bytes.</summary>
    private sealed record SourcePhoto(string Label, Func<CancellationToken, Task<byte[]>> Read);

    /// <summary>A test observation: its class and its photos (one from a folder, 1-5 from an observation).</summary>
    private sealed record TestItem(string ClassName, IReadOnlyList<SourcePhoto> Photos);

    /// <summary>An observation chosen for a challenge, with its published photos in their order.</summary>
    private sealed record Chosen(int Id, DateTime ObservedUtc, string TaxonName, string License, string Author, IReadOnlyList<string> Photos);

    /// <summary>
    /// Creates the challenge; bad input is a <see cref="ChallengeException"/> and leaves nothing behind.
    /// <paramref name="observatory"/> is needed (only) for a challenge made of observations.
    /// </summary>
    public static async Task<Challenge> CreateAsync(FlorascopeDb db, ChallengeFileStore files, ChallengeSpec spec, int? createdById,
        TimeProvider clock, IProgress<string>? progress, CancellationToken ct, ObservatoryData? observatory = null)
    {
        var slug = Validate(spec);
        if (await db.Challenges.AnyAsync(c => c.Slug == slug, ct)) throw SlugTaken(slug);
        if (spec.Observations is { } source)
            return await CreateFromObservationsAsync(db, files, spec, source, slug, createdById, clock, progress, ct,
                observatory ?? throw new ArgumentException("A challenge made of observations needs the observatory's photos, checklist and base URL.", nameof(observatory)));
        var train = ReadFolders(spec.TrainDir!);
        var test = ReadFolders(spec.TestDir!);
        var classes = ChallengeClasses.Number(train.Concat(test).Select(p => p.ClassName));
        var classIds = classes.ToDictionary(c => c.ScientificName, c => c.Id, StringComparer.Ordinal);

        // Everything is built in a temporary folder first: a bad photo stops the creation before anything is stored.
        var temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "florascope-challenge-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var testSources = await WriteTestAsync([.. test.Select(p => new TestItem(p.ClassName, [new SourcePhoto(p.Path, c => File.ReadAllBytesAsync(p.Path, c))]))],
                photoFolders: false, classIds, temp, progress, ct);
            await WriteTrainAsync(train, classes, classIds, spec.TrainDir!, spec.SourceRoot, testSources, temp, progress, ct);
            await using (var writer = new StreamWriter(Path.Combine(temp, "classes.csv"), false, new UTF8Encoding(false)))
                ChallengeClasses.Write(writer, classes);
            return await StoreAsync(db, files, spec, slug, createdById, clock, temp, train.Count, test.Count, classes.Count, progress, ct);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// A challenge made of the observatory's observations (<see cref="Choose"/>): the newest share is the test set
    /// (every photo re-encoded under the observation's random id), the rest the training set (photos re-encoded, their
    /// licences and authors, and a Darwin Core Archive written by the open-data export's rules); classes = their taxa.
    /// </summary>
    private static async Task<Challenge> CreateFromObservationsAsync(FlorascopeDb db, ChallengeFileStore files, ChallengeSpec spec, ObservationSource source,
        string slug, int? createdById, TimeProvider clock, IProgress<string>? progress, CancellationToken ct, ObservatoryData observatory)
    {
        string baseUrl;
        try
        {
            baseUrl = DwcaWriter.CheckedBaseUrl(observatory.BaseUrl);
        }
        catch (ArgumentException e)
        {
            throw Invalid(MessageText.Of("server.challenge.bad-base-url", "The observatory's public URL is not usable: {reason}", ("reason", e.Message)));
        }
        var chosen = await Choose(db, source, ct);
        if (chosen.Count < 2)
            throw Invalid(MessageText.Of("server.challenge.few-observations",
                "{count} valid observations with photos under an open licence match: a challenge needs at least 2.", ("count", chosen.Count)));
        var testIds = ObservationSplit.TestIds([.. chosen.Select(o => new SplitCandidate(o.Id, o.ObservedUtc))], source.TestPercent);
        var classes = ChallengeClasses.Number(chosen.Select(o => o.TaxonName));
        var classIds = classes.ToDictionary(c => c.ScientificName, c => c.Id, StringComparer.Ordinal);
        var test = chosen.Where(o => testIds.Contains(o.Id)).ToList();
        var train = chosen.Where(o => !testIds.Contains(o.Id)).ToList();

        var temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "florascope-challenge-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var testSources = await WriteTestAsync([.. test.Select(o => new TestItem(o.TaxonName, [.. o.Photos.Select(sha => StoredPhoto(observatory.Photos, sha))]))],
                photoFolders: true, classIds, temp, progress, ct);
            RefuseShared(train.SelectMany(o => o.Photos.Select(sha => (sha, $"observation {o.Id}"))), testSources);
            var trainPhotos = await WriteObservationTrainAsync(db, observatory, baseUrl, train, classes, classIds, clock, temp, progress, ct);
            await using (var writer = new StreamWriter(Path.Combine(temp, "classes.csv"), false, new UTF8Encoding(false)))
                ChallengeClasses.Write(writer, classes);
            return await StoreAsync(db, files, spec, slug, createdById, clock, temp, trainPhotos, test.Count, classes.Count, progress, ct);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// The observations a challenge may publish, as the open-data export chooses them: valid, with a taxon, under a licence
    /// it exports (<see cref="OpenLicences"/>), with the photos the community did not exclude (observations left without
    /// any are dropped), not kept from a plot survey (one photo of several plants: <see cref="Observation.FromPlot"/>);
    /// optionally of one flora and observed in the period. Ordered by id.
    /// </summary>
    private static async Task<List<Chosen>> Choose(FlorascopeDb db, ObservationSource source, CancellationToken ct)
    {
        var exported = OpenLicences.Exported;
        var q = db.Observations.AsNoTracking().Where(o => o.Status == ObservationStatus.Valid && o.TaxonName != null && !o.FromPlot && exported.Contains(o.License));
        if (source.Project is { } project)
        {
            var code = project.Value;
            q = q.Where(o => o.Project == code);
        }
        if (source.SinceUtc is { } since)
        {
            var utc = DateTime.SpecifyKind(since, DateTimeKind.Utc);
            q = q.Where(o => o.ObservedUtc >= utc);
        }
        if (source.UntilUtc is { } until)
        {
            var utc = DateTime.SpecifyKind(until, DateTimeKind.Utc);
            q = q.Where(o => o.ObservedUtc < utc);
        }
        var rows = await (from o in q
                          join u in db.Users on o.AuthorId equals u.Id
                          orderby o.Id
                          select new { o.Id, o.ObservedUtc, o.TaxonName, o.License, u.DisplayName, u.UserName }).ToListAsync(ct);
        var photos = (await (from p in db.ObservationPhotos
                             where p.ExcludedBecause == null
                             join o in q on p.ObservationId equals o.Id
                             orderby p.ObservationId, p.Position
                             select new { p.ObservationId, p.Sha256 }).ToListAsync(ct))
            .GroupBy(p => p.ObservationId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Sha256)]);
        return [.. rows.Where(r => photos.ContainsKey(r.Id)).Select(r => new Chosen(r.Id, DateTime.SpecifyKind(r.ObservedUtc, DateTimeKind.Utc), r.TaxonName!, r.License,
            string.IsNullOrWhiteSpace(r.DisplayName) ? r.UserName : r.DisplayName, photos[r.Id]))];
    }

    /// <summary>An observation photo's original bytes from the photo store (their SHA-256 is <see cref="ObservationPhoto.Sha256"/>).</summary>
    private static SourcePhoto StoredPhoto(PhotoStore photos, string sha256) => new(sha256, async ct =>
    {
        var content = await photos.OpenAsync(sha256, PhotoSize.Original, ct) ?? throw new FileNotFoundException("not in the photo store");
        await using var stream = content.Content;
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    });

    /// <summary>
    /// train.zip of observations: every published photo re-encoded (no EXIF, so no position the author keeps hidden),
    /// <c>train/&lt;ClassId&gt;/&lt;observation&gt;_&lt;k&gt;.jpg</c>, licences.csv with the author's licence, name and the
    /// observation's page, and <see cref="DwcaFile"/>, the observations as the open-data export writes them (public positions only).
    /// </summary>
    private static async Task<int> WriteObservationTrainAsync(FlorascopeDb db, ObservatoryData observatory, string baseUrl, List<Chosen> train,
        IReadOnlyList<ChallengeClass> classes, Dictionary<string, string> classIds, TimeProvider clock, string temp, IProgress<string>? progress, CancellationToken ct)
    {
        var dwca = Path.Combine(temp, DwcaFile);
        await using (var file = File.Create(dwca))
            await DwcaWriter.WriteAsync(db, observatory.Checklist, file, new DwcaOptions { BaseUrl = baseUrl, ObservationIds = [.. train.Select(o => o.Id)], Clock = clock }, ct: ct);

        var rows = new StringBuilder();
        var bad = new List<string>();
        var count = 0;
        var total = train.Sum(o => o.Photos.Count);
        await using var zipFile = File.Create(Path.Combine(temp, "train.zip"));
        using var zip = new ZipArchive(zipFile, ZipArchiveMode.Create);
        foreach (var o in train)
        {
            for (var k = 0; k < o.Photos.Count; k++)
            {
                ct.ThrowIfCancellationRequested();
                var photo = StoredPhoto(observatory.Photos, o.Photos[k]);
                byte[] jpeg;
                try { jpeg = ChallengePhotos.Reencode(await photo.Read(ct)); }
                catch (Exception e) when (e is ImageInputException or FileNotFoundException)
                {
                    bad.Add($"{photo.Label} ({e.Message})");
                    continue;
                }
                var name = string.Create(CultureInfo.InvariantCulture, $"train/{classIds[o.TaxonName]}/{o.Id}_{k + 1}.jpg");
                var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                await using (var s = entry.Open()) await s.WriteAsync(jpeg, ct);
                rows.Append(CultureInfo.InvariantCulture, $"{name};{OpenLicences.Of(o.License)!.Uri};{CsvField(o.Author)};{baseUrl}/observations/{o.Id}\n");
                if (++count % 200 == 0 || count == total) progress?.Report($"training photos {count}/{total}");
            }
        }
        if (bad.Count > 0)
            throw Invalid(MessageText.Of("server.challenge.bad-train-photos", "{count} training photos cannot be read: {photos}",
                ("count", bad.Count), ("photos", FirstNamed(bad))));
        await WriteEntryAsync(zip, "classes.csv", w => ChallengeClasses.Write(w, classes));
        await WriteEntryAsync(zip, "licences.csv", w => w.Write("file;licence;rightsHolder;source\n" + rows));
        await WriteEntryAsync(zip, "README.txt", w => w.Write(ObservationTrainReadme(count, train.Count, classes.Count)));
        zip.CreateEntryFromFile(dwca, DwcaFile, CompressionLevel.NoCompression);
        return count;
    }

    /// <summary>A name as one field of licences.csv (no separator, no line break).</summary>
    private static string CsvField(string text) => text.Replace(';', ' ').Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ').Trim();

    /// <summary>Closes a challenge now (the private leaderboard appears); 404 unknown, 409 already closed.</summary>
    public static async Task<Challenge> CloseAsync(FlorascopeDb db, string slug, TimeProvider clock, CancellationToken ct)
    {
        var challenge = await db.Challenges.SingleOrDefaultAsync(c => c.Slug == slug && c.ClosedUtc != Challenge.BeingCreated, ct)
            ?? throw new ChallengeException(MessageText.Of("server.challenge.not-found", "No challenge '{slug}'.", ("slug", slug)), ChallengeError.NotFound);
        var now = clock.GetUtcNow().UtcDateTime;
        if (challenge.PhaseAt(now) == ChallengePhase.Closed)
            throw new ChallengeException(MessageText.Of("server.challenge.already-closed", "The challenge '{slug}' is already closed.", ("slug", slug)), ChallengeError.Conflict);
        challenge.ClosedUtc = now;
        await db.SaveChangesAsync(ct);
        return challenge;
    }

    /// <summary>Checks the fields; returns the slug to use.</summary>
    private static string Validate(ChallengeSpec spec)
    {
        var name = spec.Name.Trim();
        if (name.Length is 0 or > MaxNameLength)
            throw Invalid(MessageText.Of("server.challenge.bad-name", "The name must have 1 to {max} characters.", ("max", MaxNameLength)));
        if (spec.Description.Length > MaxDescriptionLength)
            throw Invalid(MessageText.Of("server.challenge.bad-description", "The description must have at most {max} characters.", ("max", MaxDescriptionLength)));
        if (spec.ClosesUtc <= spec.OpensUtc)
            throw Invalid(MessageText.Of("server.challenge.bad-dates", "The challenge must close after it opens."));
        if (spec.DailySubmissionLimit is < 1 or > MaxDailySubmissions)
            throw Invalid(MessageText.Of("server.challenge.bad-daily-limit", "The daily submission limit must be between 1 and {max}.", ("max", MaxDailySubmissions)));
        if (spec.MaxTeamSize is < 1 or > MaxTeamSizeLimit)
            throw Invalid(MessageText.Of("server.challenge.bad-team-size", "The team size must be between 1 and {max}.", ("max", MaxTeamSizeLimit)));
        if (spec.PublicPercent is < 1 or > 99)
            throw Invalid(MessageText.Of("server.challenge.bad-public-percent", "The public share of the test set must be between 1 and 99 %."));
        if (spec.Observations is { } source)
        {
            if (spec.TrainDir is not null || spec.TestDir is not null)
                throw Invalid(MessageText.Of("server.challenge.two-sources", "Give either training and test folders or observations, not both."));
            if (source.TestPercent is < 1 or > 99)
                throw Invalid(MessageText.Of("server.challenge.bad-test-percent", "The test share of the observations must be between 1 and 99 %."));
            if (source.SinceUtc is { } since && source.UntilUtc is { } until && until <= since)
                throw Invalid(MessageText.Of("server.challenge.bad-period", "The observations' period must end after it begins."));
        }
        else if (spec.TrainDir is null || spec.TestDir is null)
            throw Invalid(MessageText.Of("server.challenge.no-source", "Give the training and test folders, or observations."));
        var slug = string.IsNullOrWhiteSpace(spec.Slug) ? ChallengeSlug.From(name) : spec.Slug.Trim();
        if (!ChallengeSlug.IsValid(slug))
            throw Invalid(MessageText.Of("server.challenge.bad-slug", "The slug '{slug}' is not valid: 1 to {max} lower-case letters, digits and single '-'.", ("slug", slug), ("max", ChallengeSlug.MaxLength)));
        return slug;
    }

    /// <summary>The photos of <c>DIR/&lt;Scientific_name&gt;/</c>, folder by folder in ordinal order.</summary>
    private static List<Photo> ReadFolders(string dir)
    {
        if (!Directory.Exists(dir))
            throw Invalid(MessageText.Of("server.challenge.no-folder", "The folder {dir} does not exist.", ("dir", dir)));
        var photos = new List<Photo>();
        // Links are not followed: what is published must lie under the folder given (the admin pages check its path only).
        foreach (var folder in Directory.GetDirectories(dir).Where(NotLink).Order(StringComparer.Ordinal))
        {
            var name = ImageDataset.TaxonName(folder);
            if (name.Length == 0) continue;
            photos.AddRange(ImageDataset.PhotosIn(folder).Where(NotLink).Select(p => new Photo(name, p)));
        }
        if (photos.Count == 0)
            throw Invalid(MessageText.Of("server.challenge.no-photos", "No JPEG or PNG photos in the class folders of {dir} (DIR/Scientific_name/photo.jpg).", ("dir", dir)));
        return photos;
    }

    /// <summary>
    /// test.zip, truth.csv and test-sources.sha256, all in the order of the random observation ids (so nothing in
    /// the order of the photos gives away their class); every bad photo is listed before the creation is refused.
    /// <paramref name="photoFolders"/>: entries <c>test/&lt;id&gt;/&lt;k&gt;.jpg</c> (observations of 1-5 photos), else <c>test/&lt;id&gt;.jpg</c>.
    /// </summary>
    private static async Task<HashSet<string>> WriteTestAsync(List<TestItem> test, bool photoFolders, Dictionary<string, string> classIds, string temp,
        IProgress<string>? progress, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var observations = test.Select(p =>
        {
            string id;
            do id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)); while (!ids.Add(id));
            return (Id: id, Item: p);
        }).OrderBy(o => o.Id, StringComparer.Ordinal).ToList();

        var bad = new List<string>();
        var sources = new List<string>(observations.Count);
        var photos = 0;
        await using (var zipFile = File.Create(Path.Combine(temp, "test.zip")))
        using (var zip = new ZipArchive(zipFile, ZipArchiveMode.Create))
        {
            for (var i = 0; i < observations.Count; i++)
            {
                var (id, item) = observations[i];
                for (var k = 0; k < item.Photos.Count; k++)
                {
                    ct.ThrowIfCancellationRequested();
                    byte[] jpeg;
                    try
                    {
                        var source = await item.Photos[k].Read(ct);
                        // The hash of the original bytes, as the trainer hashes the photos it sees (seen.sha256).
                        sources.Add(Convert.ToHexStringLower(SHA256.HashData(source)));
                        jpeg = ChallengePhotos.Reencode(source);
                    }
                    catch (Exception e) when (e is ImageInputException or FileNotFoundException)
                    {
                        bad.Add($"{item.Photos[k].Label} ({e.Message})");
                        continue;
                    }
                    if (bad.Count > 0) continue;
                    var entry = zip.CreateEntry(photoFolders ? ChallengeClasses.TestPhotoEntry(id, k + 1) : ChallengeClasses.TestEntry(id), CompressionLevel.NoCompression);
                    await using (var s = entry.Open()) await s.WriteAsync(jpeg, ct);
                    photos++;
                }
                if ((i + 1) % 50 == 0 || i + 1 == observations.Count) progress?.Report($"{(photoFolders ? "test observations" : "test photos")} {i + 1}/{observations.Count}");
            }
            if (bad.Count == 0)
            {
                var readme = zip.CreateEntry("README.txt");
                await using var s = new StreamWriter(readme.Open(), new UTF8Encoding(false));
                await s.WriteAsync(TestReadme(observations.Count, photos, photoFolders));
            }
        }
        if (bad.Count > 0)
            throw Invalid(MessageText.Of("server.challenge.bad-photos", "{count} test photos cannot be decoded: {photos}",
                ("count", bad.Count), ("photos", FirstNamed(bad))));

        await using (var truth = new StreamWriter(Path.Combine(temp, "truth.csv"), false, new UTF8Encoding(false)))
            foreach (var (id, item) in observations) await truth.WriteAsync($"{id};{classIds[item.ClassName]}\n");
        await using (var hashes = new StreamWriter(Path.Combine(temp, "test-sources.sha256"), false, new UTF8Encoding(false)))
            ModelExposure.Write(hashes, sources.Order(StringComparer.Ordinal));
        return [.. sources];
    }

    /// <summary>A training photo that is also a test photo (same bytes) would publish its class: refused, the first 20 named.</summary>
    private static void RefuseShared(IEnumerable<(string Sha256, string Label)> train, HashSet<string> testSources)
    {
        var shared = train.Where(p => testSources.Contains(p.Sha256)).Select(p => p.Label).ToList();
        if (shared.Count > 0)
            throw Invalid(MessageText.Of("server.challenge.shared-photos", "{count} training photos are also test photos: {photos}",
                ("count", shared.Count), ("photos", FirstNamed(shared))));
    }

    /// <summary>
    /// train.zip: the photos re-encoded (<see cref="ChallengePhotos"/>: no EXIF, so no position; the same pixels), in a
    /// folder per class, with classes.csv, licences.csv and a README. A photo that is also a test photo is refused.
    /// </summary>
    private static async Task WriteTrainAsync(List<Photo> train, IReadOnlyList<ChallengeClass> classes, Dictionary<string, string> classIds,
        string trainDir, string? sourceRoot, HashSet<string> testSources, string temp, IProgress<string>? progress, CancellationToken ct)
    {
        var licences = ReadLicences(trainDir);
        var sourceReadme = licences is null ? FindSourceReadme(trainDir, sourceRoot) : null;
        var rows = new StringBuilder();
        var bad = new List<string>();
        var shared = new List<(string, string)>();
        await using var zipFile = File.Create(Path.Combine(temp, "train.zip"));
        using var zip = new ZipArchive(zipFile, ZipArchiveMode.Create);
        for (var i = 0; i < train.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var photo = train[i];
            var name = $"train/{classIds[photo.ClassName]}/{Path.GetFileNameWithoutExtension(photo.Path)}.jpg";
            byte[] jpeg;
            try
            {
                var source = await File.ReadAllBytesAsync(photo.Path, ct);
                var sha = Convert.ToHexStringLower(SHA256.HashData(source));
                if (testSources.Contains(sha)) shared.Add((sha, photo.Path));
                jpeg = ChallengePhotos.Reencode(source);
            }
            catch (Exception e) when (e is ImageInputException or FileNotFoundException)
            {
                bad.Add($"{photo.Path} ({e.Message})");
                continue;
            }
            var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
            await using (var s = entry.Open()) await s.WriteAsync(jpeg, ct);
            var relative = Path.GetRelativePath(trainDir, photo.Path).Replace('\\', '/');
            (string Licence, string RightsHolder, string Source) licence = licences is not null && licences.TryGetValue(relative, out var given) ? given
                : ("unknown", "", sourceReadme is null ? "" : "source-README.md");
            rows.Append($"{name};{licence.Licence};{licence.RightsHolder};{licence.Source}\n");
            if ((i + 1) % 200 == 0 || i + 1 == train.Count) progress?.Report($"training photos {i + 1}/{train.Count}");
        }
        RefuseShared(shared, testSources);
        if (bad.Count > 0)
            throw Invalid(MessageText.Of("server.challenge.bad-train-photos", "{count} training photos cannot be read: {photos}",
                ("count", bad.Count), ("photos", FirstNamed(bad))));
        await WriteEntryAsync(zip, "classes.csv", w => ChallengeClasses.Write(w, classes));
        await WriteEntryAsync(zip, "licences.csv", w => w.Write("file;licence;rightsHolder;source\n" + rows));
        await WriteEntryAsync(zip, "README.txt", w => w.Write(TrainReadme(train.Count, classes.Count, licences is not null, sourceReadme is not null)));
        if (sourceReadme is not null) zip.CreateEntryFromFile(sourceReadme, "source-README.md");
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, Action<TextWriter> write)
    {
        await using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        write(writer);
    }

    /// <summary>The first 20 names of a refusal's list (a list of thousands would make an unreadable message).</summary>
    private static string FirstNamed(IReadOnlyList<string> names) => string.Join("; ", names.Take(20)) + (names.Count > 20 ? "; ..." : "");

    private static bool NotLink(string path) => new FileInfo(path).LinkTarget is null;

    /// <summary>The licences file of a training folder by relative path; null when it has none. The header line is optional.</summary>
    private static Dictionary<string, (string Licence, string RightsHolder, string Source)>? ReadLicences(string trainDir)
    {
        var path = Path.Combine(trainDir, LicencesFile);
        if (!File.Exists(path) || !NotLink(path)) return null;
        var map = new Dictionary<string, (string, string, string)>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0 || number == 1 && line.StartsWith("file;", StringComparison.Ordinal)) continue;
            var f = line.Split(';');
            if (f.Length != 4)
                throw Invalid(MessageText.Of("server.challenge.bad-licences", "{file} line {line}: expected file;licence;rightsHolder;source.", ("file", LicencesFile), ("line", number)));
            map[f[0].Replace('\\', '/')] = (f[1], f[2], f[3]);
        }
        return map;
    }

    /// <summary>
    /// The README of the data set the training folder belongs to (the folder or up to two above, never above
    /// <paramref name="sourceRoot"/>: it is published), if any.
    /// </summary>
    private static string? FindSourceReadme(string trainDir, string? sourceRoot)
    {
        var root = sourceRoot is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceRoot));
        var dir = new DirectoryInfo(Path.GetFullPath(trainDir));
        for (var up = 0; dir is not null && up <= 2; up++, dir = dir.Parent)
        {
            if (root is not null && !(dir.FullName == root || dir.FullName.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))) break;
            if (Path.Combine(dir.FullName, "README.md") is var readme && File.Exists(readme) && NotLink(readme)) return readme;
        }
        return null;
    }

    /// <summary>Stores the files, then the rows in one transaction; a failure deletes what was stored.</summary>
    private static async Task<Challenge> StoreAsync(FlorascopeDb db, ChallengeFileStore files, ChallengeSpec spec, string slug, int? createdById,
        TimeProvider clock, string temp, int trainPhotos, int testObservations, int classCount, IProgress<string>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var challenge = new Challenge
        {
            Slug = slug,
            Name = spec.Name.Trim(),
            Description = spec.Description,
            OpensUtc = spec.OpensUtc,
            ClosesUtc = spec.ClosesUtc,
            DailySubmissionLimit = spec.DailySubmissionLimit,
            MaxTeamSize = spec.MaxTeamSize,
            PublicPercent = spec.PublicPercent,
            SplitKey = RandomNumberGenerator.GetBytes(32),
            TrainPhotos = trainPhotos,
            TestObservations = testObservations,
            Classes = classCount,
            CreatedById = createdById,
            CreatedUtc = now,
        };
        // The files' keys need the row's id, but no transaction may stay open while they are copied (SQLite would hold its
        // write lock for every other writer): the row is committed as being created (closed on every node and hidden:
        // no team, run or baseline can reach it), the files stored, then the row opened; a failure deletes the row and
        // what was stored. A process killed in between leaves a hidden row (its slug stays taken) and files no one serves.
        challenge.ClosedUtc = Challenge.BeingCreated;
        try
        {
            await SaveWithTeamAsync(db, challenge, now, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Challenges.AnyAsync(c => c.Slug == slug, CancellationToken.None)) throw SlugTaken(slug);
            throw;
        }
        var written = new List<string>();
        try
        {
            foreach (var (file, key) in new[]
            {
                ("classes.csv", ChallengeFiles.Classes(challenge.Id)), ("truth.csv", ChallengeFiles.Truth(challenge.Id)),
                ("test-sources.sha256", ChallengeFiles.TestSources(challenge.Id)), ("test.zip", ChallengeFiles.Test(challenge.Id)),
                ("train.zip", ChallengeFiles.Train(challenge.Id)),
            })
            {
                progress?.Report($"storing {file}");
                written.Add(key);
                await using var stream = File.OpenRead(Path.Combine(temp, file));
                await files.Store.PutAsync(key, stream, file.EndsWith(".zip", StringComparison.Ordinal) ? "application/zip" : "text/plain; charset=utf-8", ct);
            }
            challenge.ClosedUtc = null;
            await db.SaveChangesAsync(ct);
            return challenge;
        }
        catch (Exception)
        {
            db.ChangeTracker.Clear();
            await db.Challenges.Where(c => c.Id == challenge.Id).ExecuteDeleteAsync(CancellationToken.None);
            foreach (var key in written)
            {
                try { await files.Store.DeleteAsync(key, CancellationToken.None); }
                catch (Exception) { /* Left over under an id no row holds (ids are not reused): served by no route. */ }
            }
            throw;
        }
    }

    /// <summary>The challenge row and its baseline team, in one short transaction (the team needs the row's id).</summary>
    private static async Task SaveWithTeamAsync(FlorascopeDb db, Challenge challenge, DateTime now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Challenges.Add(challenge);
        await db.SaveChangesAsync(ct);
        db.ChallengeTeams.Add(new ChallengeTeam { ChallengeId = challenge.Id, Name = BaselineTeamName, CreatedUtc = now, IsBaseline = true });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static ChallengeException SlugTaken(string slug) =>
        new(MessageText.Of("server.challenge.slug-taken", "The slug '{slug}' is taken by another challenge.", ("slug", slug)), ChallengeError.Conflict);

    private static ChallengeException Invalid(MessageText text) => new(text, ChallengeError.Invalid);

    private static string TestReadme(int observations, int photos, bool photoFolders) => ((photoFolders
        ? $"""
          Test photos of the challenge: {observations} observations, {photos} photos, test/<ObservationId>/<k>.jpg
          (k = 1, 2...: an observation has 1 to 5 photos of the same plant; identify the observation from all of them).

          """
        : $"""
          Test photos of the challenge: {observations} observations, one photo each, test/<ObservationId>.jpg.

          """) + $"""
        The photos were decoded and encoded again (JPEG, no metadata) and carry random ids; their classes are hidden.

        Submit a run file: text, UTF-8, one prediction per line, no header:

            ObservationId;ClassId;Probability;Rank

        ObservationId: {(photoFolders ? "the name of the observation's folder" : "the file name without .jpg")}. ClassId: an id of classes.csv (in train.zip and on the challenge page).
        Probability: in [0, 1]. Rank: 1 for the best class, then 2, 3... without gaps; at most 30 predictions per
        observation, probabilities never rising with the rank. Observations left out score 0.
        Scores: mean reciprocal rank (MRR), macro-averaged MRR over classes (the ranking), top-1 and top-5 accuracy.

        """).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string ObservationTrainReadme(int photos, int observations, int classes) => $"""
        Training data of the challenge: {photos} photos of {observations} observations of the observatory, {classes} classes,
        train/<ClassId>/<observation>_<k>.jpg (k = 1, 2...: the photos of one observation; re-encoded, no metadata).
        classes.csv: ClassId;ScientificName. licences.csv: file;licence;rightsHolder;source, one line per photo: the licence
        its author chose, the author, and the observation's page. Respect each photo's licence (attribution, non-commercial).
        {DwcaFile}: the training observations as a Darwin Core Archive (occurrence.txt, multimedia.txt, eml.xml), as the
        observatory's open data publishes them: public positions only; the id of an occurrence is <observation> above.
        The test observations were observed after these (the newest of the chosen observations).

        """.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string TrainReadme(int photos, int classes, bool licensed, bool sourceReadme) => $"""
        Training photos of the challenge: {photos} photos of {classes} classes, train/<ClassId>/<file>.
        classes.csv: ClassId;ScientificName. licences.csv: file;licence;rightsHolder;source, one line per photo.

        """.Replace("\r\n", "\n", StringComparison.Ordinal) + (licensed ? "" : sourceReadme
        ? "The photos come with no licence of their own (\"unknown\" in licences.csv): they are research data sets;\nsource-README.md is the README of the data they come from (sources and terms). Use them for research only.\n"
        : "The photos come with no licence of their own (\"unknown\" in licences.csv); ask the organisers for their terms.\n");
}
