using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Florascope.Challenges;
using Florascope.Imaging;
using Florascope.Messages;
using Florascope.Training;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Challenges;

/// <summary>What an administrator gives to create a challenge from labelled photo folders (<c>DIR/&lt;Scientific_name&gt;/&lt;photo&gt;</c>).</summary>
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
    public required string TrainDir { get; init; }
    public required string TestDir { get; init; }
}

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

    private sealed record Photo(string ClassName, string Path);

    /// <summary>Creates the challenge; bad input is a <see cref="ChallengeException"/> and leaves nothing behind.</summary>
    public static async Task<Challenge> CreateAsync(FlorascopeDb db, ChallengeFileStore files, ChallengeSpec spec, int? createdById,
        TimeProvider clock, IProgress<string>? progress, CancellationToken ct)
    {
        var slug = Validate(spec);
        if (await db.Challenges.AnyAsync(c => c.Slug == slug, ct)) throw SlugTaken(slug);
        var train = ReadFolders(spec.TrainDir);
        var test = ReadFolders(spec.TestDir);
        var classes = ChallengeClasses.Number(train.Concat(test).Select(p => p.ClassName));
        var classIds = classes.ToDictionary(c => c.ScientificName, c => c.Id, StringComparer.Ordinal);

        // Everything is built in a temporary folder first: a bad photo stops the creation before anything is stored.
        var temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "florascope-challenge-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await WriteTestAsync(test, classIds, temp, progress, ct);
            await WriteTrainAsync(train, classes, classIds, spec.TrainDir, temp, progress, ct);
            await using (var writer = new StreamWriter(Path.Combine(temp, "classes.csv"), false, new UTF8Encoding(false)))
                ChallengeClasses.Write(writer, classes);
            return await StoreAsync(db, files, spec, slug, createdById, clock, temp, train.Count, test.Count, classes.Count, progress, ct);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Closes a challenge now (the private leaderboard appears); 404 unknown, 409 already closed.</summary>
    public static async Task<Challenge> CloseAsync(FlorascopeDb db, string slug, TimeProvider clock, CancellationToken ct)
    {
        var challenge = await db.Challenges.SingleOrDefaultAsync(c => c.Slug == slug, ct)
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
        foreach (var folder in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
        {
            var name = ImageDataset.TaxonName(folder);
            if (name.Length == 0) continue;
            photos.AddRange(ImageDataset.PhotosIn(folder).Select(p => new Photo(name, p)));
        }
        if (photos.Count == 0)
            throw Invalid(MessageText.Of("server.challenge.no-photos", "No JPEG or PNG photos in the class folders of {dir} (DIR/Scientific_name/photo.jpg).", ("dir", dir)));
        return photos;
    }

    /// <summary>
    /// test.zip, truth.csv and test-sources.sha256, all in the order of the random observation ids (so nothing in
    /// the order of the photos gives away their class); every bad photo is listed before the creation is refused.
    /// </summary>
    private static async Task WriteTestAsync(List<Photo> test, Dictionary<string, string> classIds, string temp,
        IProgress<string>? progress, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var observations = test.Select(p =>
        {
            string id;
            do id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)); while (!ids.Add(id));
            return (Id: id, Photo: p);
        }).OrderBy(o => o.Id, StringComparer.Ordinal).ToList();

        var bad = new List<string>();
        var sources = new List<string>(observations.Count);
        await using (var zipFile = File.Create(Path.Combine(temp, "test.zip")))
        using (var zip = new ZipArchive(zipFile, ZipArchiveMode.Create))
        {
            for (var i = 0; i < observations.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var (id, photo) = observations[i];
                var source = await File.ReadAllBytesAsync(photo.Path, ct);
                sources.Add(Convert.ToHexStringLower(SHA256.HashData(source)));
                byte[] jpeg;
                try { jpeg = ChallengePhotos.Reencode(source); }
                catch (ImageInputException e)
                {
                    bad.Add($"{photo.Path} ({e.Message})");
                    continue;
                }
                if (bad.Count > 0) continue;
                var entry = zip.CreateEntry(ChallengeClasses.TestEntry(id), CompressionLevel.NoCompression);
                await using (var s = entry.Open()) await s.WriteAsync(jpeg, ct);
                if ((i + 1) % 50 == 0 || i + 1 == observations.Count) progress?.Report($"test photos {i + 1}/{observations.Count}");
            }
            if (bad.Count == 0)
            {
                var readme = zip.CreateEntry("README.txt");
                await using var s = new StreamWriter(readme.Open(), new UTF8Encoding(false));
                await s.WriteAsync(TestReadme(observations.Count));
            }
        }
        if (bad.Count > 0)
            throw Invalid(MessageText.Of("server.challenge.bad-photos", "{count} test photos cannot be decoded: {photos}",
                ("count", bad.Count), ("photos", string.Join("; ", bad.Take(20)) + (bad.Count > 20 ? "; ..." : ""))));

        await using (var truth = new StreamWriter(Path.Combine(temp, "truth.csv"), false, new UTF8Encoding(false)))
            foreach (var (id, photo) in observations) await truth.WriteAsync($"{id};{classIds[photo.ClassName]}\n");
        await using (var hashes = new StreamWriter(Path.Combine(temp, "test-sources.sha256"), false, new UTF8Encoding(false)))
            ModelExposure.Write(hashes, sources.Order(StringComparer.Ordinal));
    }

    /// <summary>train.zip: the photos as they are, in a folder per class, with classes.csv, licences.csv and a README.</summary>
    private static async Task WriteTrainAsync(List<Photo> train, IReadOnlyList<ChallengeClass> classes, Dictionary<string, string> classIds,
        string trainDir, string temp, IProgress<string>? progress, CancellationToken ct)
    {
        var licences = ReadLicences(trainDir);
        var sourceReadme = licences is null ? FindSourceReadme(trainDir) : null;
        var rows = new StringBuilder();
        await using var zipFile = File.Create(Path.Combine(temp, "train.zip"));
        using var zip = new ZipArchive(zipFile, ZipArchiveMode.Create);
        for (var i = 0; i < train.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var photo = train[i];
            var name = $"train/{classIds[photo.ClassName]}/{Path.GetFileName(photo.Path)}";
            zip.CreateEntryFromFile(photo.Path, name, CompressionLevel.NoCompression);
            var relative = Path.GetRelativePath(trainDir, photo.Path).Replace('\\', '/');
            (string Licence, string RightsHolder, string Source) licence = licences is not null && licences.TryGetValue(relative, out var given) ? given
                : ("unknown", "", sourceReadme is null ? "" : "source-README.md");
            rows.Append($"{name};{licence.Licence};{licence.RightsHolder};{licence.Source}\n");
            if ((i + 1) % 200 == 0 || i + 1 == train.Count) progress?.Report($"training photos {i + 1}/{train.Count}");
        }
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

    /// <summary>The licences file of a training folder by relative path; null when it has none. The header line is optional.</summary>
    private static Dictionary<string, (string Licence, string RightsHolder, string Source)>? ReadLicences(string trainDir)
    {
        var path = Path.Combine(trainDir, LicencesFile);
        if (!File.Exists(path)) return null;
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

    /// <summary>The README of the data set the training folder belongs to (the folder or up to two above), if any.</summary>
    private static string? FindSourceReadme(string trainDir)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(trainDir));
        for (var up = 0; dir is not null && up <= 2; up++, dir = dir.Parent)
            if (Path.Combine(dir.FullName, "README.md") is var readme && File.Exists(readme)) return readme;
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
        var written = new List<string>();
        // The row needs its id before the files get their keys; it is committed only once they are all stored.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.Challenges.Add(challenge);
            await db.SaveChangesAsync(ct);
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
            db.ChallengeTeams.Add(new ChallengeTeam { ChallengeId = challenge.Id, Name = BaselineTeamName, CreatedUtc = now, IsBaseline = true });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return challenge;
        }
        catch (Exception e)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            foreach (var key in written)
            {
                try { await files.Store.DeleteAsync(key, CancellationToken.None); }
                catch (Exception) { /* Left over under an id no row holds; a later creation overwrites it. */ }
            }
            db.ChangeTracker.Clear();
            if (e is DbUpdateException && await db.Challenges.AnyAsync(c => c.Slug == slug, CancellationToken.None)) throw SlugTaken(slug);
            throw;
        }
    }

    private static ChallengeException SlugTaken(string slug) =>
        new(MessageText.Of("server.challenge.slug-taken", "The slug '{slug}' is taken by another challenge.", ("slug", slug)), ChallengeError.Conflict);

    private static ChallengeException Invalid(MessageText text) => new(text, ChallengeError.Invalid);

    private static string TestReadme(int observations) => $"""
        Test photos of the challenge: {observations} observations, one photo each, test/<ObservationId>.jpg.
        The photos were decoded and encoded again (JPEG, no metadata) and carry random ids; their classes are hidden.

        Submit a run file: text, UTF-8, one prediction per line, no header:

            ObservationId;ClassId;Probability;Rank

        ObservationId: the file name without .jpg. ClassId: an id of classes.csv (in train.zip and on the challenge page).
        Probability: in [0, 1]. Rank: 1 for the best class, then 2, 3... without gaps; at most 30 predictions per
        observation, probabilities never rising with the rank. Observations left out score 0.
        Scores: mean reciprocal rank (MRR), macro-averaged MRR over classes (the ranking), top-1 and top-5 accuracy.

        """.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string TrainReadme(int photos, int classes, bool licensed, bool sourceReadme) => $"""
        Training photos of the challenge: {photos} photos of {classes} classes, train/<ClassId>/<file>.
        classes.csv: ClassId;ScientificName. licences.csv: file;licence;rightsHolder;source, one line per photo.

        """.Replace("\r\n", "\n", StringComparison.Ordinal) + (licensed ? "" : sourceReadme
        ? "The photos come with no licence of their own (\"unknown\" in licences.csv): they are research data sets;\nsource-README.md is the README of the data they come from (sources and terms). Use them for research only.\n"
        : "The photos come with no licence of their own (\"unknown\" in licences.csv); ask the organisers for their terms.\n");
}
