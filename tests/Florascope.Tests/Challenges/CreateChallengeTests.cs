using System.IO.Compression;
using System.Security.Cryptography;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Data.Storage;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace Florascope.Tests.Challenges;

/// <summary>
/// <see cref="ChallengeBuilder"/> on a SQLite database and a folder store: the published, hidden and recorded parts of
/// a challenge made from labelled folders of photos drawn at test time (one solid colour per class, so a published
/// test photo tells its class back and the truth can be checked).
/// </summary>
public sealed class CreateChallengeTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, SKColor> Colours = new()
    {
        ["Bellis_perennis"] = SKColors.Red,
        ["Rosa_canina"] = SKColors.Lime,
        ["Zea_mays"] = SKColors.Blue,
    };

    private readonly TempDirectory _dir = new();
    private readonly FakeClock _clock = new(new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly FlorascopeDb _db;
    private readonly ChallengeFileStore _files;

    public CreateChallengeTests()
    {
        var settings = new DatabaseSettings { DataDirectory = Path.Combine(_dir.Path, "db") };
        settings.Migrate();
        _db = settings.CreateContext();
        _files = new ChallengeFileStore(new FileObjectStore(Path.Combine(_dir.Path, "store")));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private string Train => Path.Combine(_dir.Path, "train");

    private string Test => Path.Combine(_dir.Path, "test");

    /// <summary>3 training photos of two classes; test photos: 2 Bellis (one full of metadata), 2 Rosa, 1 Zea (a class only the test has).</summary>
    private void MakeFolders()
    {
        foreach (var (taxon, n) in new[] { ("Bellis_perennis", 3), ("Rosa_canina", 3) })
            for (var i = 0; i < n; i++) Write(Path.Combine(Train, taxon, $"t{i}.jpg"), Photo(taxon, i));
        foreach (var (taxon, n) in new[] { ("Bellis_perennis", 2), ("Rosa_canina", 2), ("Zea_mays", 1) })
            for (var i = 0; i < n; i++) Write(Path.Combine(Test, taxon, $"s{i}.jpg"), Photo(taxon, 10 + i));
        var tagged = Path.Combine(Test, "Bellis_perennis", "s0.jpg");
        Write(tagged, WithMetadata(File.ReadAllBytes(tagged)));
        File.WriteAllText(Path.Combine(Train, ChallengeBuilder.LicencesFile), "file;licence;rightsHolder;source\nRosa_canina/t1.jpg;CC-BY 4.0;A. Botanist;https://example.org/1\n");
    }

    private static byte[] Photo(string taxon, int i) =>
        TestImages.Jpeg(120 + i, 90, Colours[taxon], (new SKRect(0, 0, 8, 8), SKColors.White));

    private static void Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>EXIF with GPS, then an ICC profile (APP2), XMP (APP1) and a comment (COM), all after SOI.</summary>
    private static byte[] WithMetadata(byte[] jpeg)
    {
        var gps = TestImages.WithExifGps(jpeg, 45.123456, 6.654321, new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc));
        gps = InsertSegment(gps, 0xE2, [.. "ICC_PROFILE\0"u8.ToArray(), 1, 1, .. new byte[32]]);
        gps = InsertSegment(gps, 0xE1, [.. "http://ns.adobe.com/xap/1.0/\0"u8.ToArray(), .. "<x:xmpmeta>45.12N</x:xmpmeta>"u8.ToArray()]);
        return InsertSegment(gps, 0xFE, "taken at the secret meadow"u8.ToArray());
    }

    private static byte[] InsertSegment(byte[] jpeg, byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, marker, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }

    /// <summary>The markers of a JPEG's header segments, SOI to the first scan.</summary>
    private static List<byte> Markers(byte[] jpeg)
    {
        var list = new List<byte>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA)
        {
            list.Add(jpeg[i + 1]);
            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }
        return list;
    }

    private ChallengeSpec Spec(string name = "PlantCLEF à l'essai 2027", string? slug = null) => new()
    {
        Name = name,
        Slug = slug,
        OpensUtc = new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc),
        ClosesUtc = new DateTime(2027, 4, 1, 0, 0, 0, DateTimeKind.Utc),
        TrainDir = Train,
        TestDir = Test,
    };

    private async Task<string> ReadTextAsync(string key)
    {
        var content = await _files.Store.OpenReadAsync(key, Ct) ?? throw new FileNotFoundException(key);
        using var reader = new StreamReader(content.Content);
        return await reader.ReadToEndAsync(Ct);
    }

    private async Task<ZipArchive> ReadZipAsync(string key)
    {
        var content = await _files.Store.OpenReadAsync(key, Ct) ?? throw new FileNotFoundException(key);
        var copy = new MemoryStream();
        await using (content.Content) await content.Content.CopyToAsync(copy, Ct);
        copy.Position = 0;
        return new ZipArchive(copy, ZipArchiveMode.Read);
    }

    [Fact]
    public async Task PublishesReencodedTestPhotosUnderRandomIdsWithTheTruthHiddenAndTheTrainingPhotosWithLicences()
    {
        MakeFolders();
        var progress = new List<string>();
        var challenge = await ChallengeBuilder.CreateAsync(_db, _files, Spec(), 7, _clock, new Progress(progress), Ct);

        Assert.Equal("plantclef-a-l-essai-2027", challenge.Slug);
        Assert.Equal((6, 5, 3), (challenge.TrainPhotos, challenge.TestObservations, challenge.Classes));
        Assert.Equal(32, challenge.SplitKey.Length);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, challenge.CreatedUtc);
        var team = Assert.Single(await _db.ChallengeTeams.Where(t => t.ChallengeId == challenge.Id).ToListAsync(Ct));
        Assert.True(team.IsBaseline);
        Assert.Equal("Florascope baseline", team.Name);
        Assert.Contains("test photos 5/5", progress);

        // Classes: the union of both folders, sorted by name, '_' read as a space.
        Assert.Equal("c0001;Bellis perennis\nc0002;Rosa canina\nc0003;Zea mays\n", await ReadTextAsync(ChallengeFiles.Classes(challenge.Id)));

        // Truth: one line per test photo, random 16-hex ids, in id order (the order tells nothing of the class).
        var truth = (await ReadTextAsync(ChallengeFiles.Truth(challenge.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(';')).ToDictionary(f => f[0], f => f[1]);
        Assert.Equal(5, truth.Count);
        Assert.All(truth.Keys, id => Assert.Matches("^[0-9a-f]{16}$", id));
        Assert.Equal(truth.Keys.Order(StringComparer.Ordinal), truth.Keys);
        Assert.Equal(["c0001", "c0001", "c0002", "c0002", "c0003"], truth.Values.Order());

        // Test photos: re-encoded (no source's bytes), no EXIF/XMP (APP1), ICC (APP2), IPTC (APP13) or comment, class colour kept.
        var sources = Directory.GetFiles(Test, "*.jpg", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        using (var test = await ReadZipAsync(ChallengeFiles.Test(challenge.Id)))
        {
            Assert.Equal(truth.Keys.Select(ChallengeClasses.TestEntry).Append("README.txt").Order(StringComparer.Ordinal),
                test.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            Assert.Contains("ObservationId;ClassId;Probability;Rank", new StreamReader(test.GetEntry("README.txt")!.Open()).ReadToEnd(), StringComparison.Ordinal);
            var classColour = new Dictionary<string, SKColor> { ["c0001"] = SKColors.Red, ["c0002"] = SKColors.Lime, ["c0003"] = SKColors.Blue };
            foreach (var (id, classId) in truth)
            {
                using var s = test.GetEntry(ChallengeClasses.TestEntry(id))!.Open();
                var jpeg = new MemoryStream();
                s.CopyTo(jpeg);
                var bytes = jpeg.ToArray();
                Assert.DoesNotContain(sources, src => src.AsSpan().SequenceEqual(bytes));
                Assert.Equal([0xFF, 0xD8], bytes[..2]);
                Assert.DoesNotContain(Markers(bytes), m => m is 0xE1 or 0xE2 or 0xED or 0xFE);
                Assert.False(Florascope.Imaging.JpegMetadata.HasMetadata(bytes));
                Assert.True(bytes.AsSpan().IndexOf("secret meadow"u8) < 0 && bytes.AsSpan().IndexOf("45.12N"u8) < 0);
                using var bitmap = SKBitmap.Decode(bytes);
                var pixel = bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2);
                var want = classColour[classId];
                Assert.True(Math.Abs(pixel.Red - want.Red) + Math.Abs(pixel.Green - want.Green) + Math.Abs(pixel.Blue - want.Blue) < 60, $"{id} ({classId}) is {pixel}");
            }
        }

        // The hidden source hashes: one per test photo, to prove a model never saw them.
        var hashes = (await ReadTextAsync(ChallengeFiles.TestSources(challenge.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(sources.Select(b => Convert.ToHexStringLower(SHA256.HashData(b))).Order(StringComparer.Ordinal), hashes);

        // Training photos re-encoded (no metadata), per class id, with classes, licences (given, else unknown) and a README.
        using (var train = await ReadZipAsync(ChallengeFiles.Train(challenge.Id)))
        {
            var names = train.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("train/c0001/t0.jpg", names);
            Assert.Contains("train/c0002/t2.jpg", names);
            Assert.Contains("classes.csv", names);
            Assert.Contains("README.txt", names);
            using (var s = train.GetEntry("train/c0002/t1.jpg")!.Open())
            {
                var copy = new MemoryStream();
                s.CopyTo(copy);
                var source = File.ReadAllBytes(Path.Combine(Train, "Rosa_canina", "t1.jpg"));
                Assert.NotEqual(source, copy.ToArray());
                using var decoded = SKBitmap.Decode(copy.ToArray());
                using var original = SKBitmap.Decode(source);
                Assert.Equal((original.Width, original.Height), (decoded.Width, decoded.Height));
            }
            var licences = new StreamReader(train.GetEntry("licences.csv")!.Open()).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("file;licence;rightsHolder;source", licences[0]);
            Assert.Equal(7, licences.Length);
            Assert.Contains("train/c0002/t1.jpg;CC-BY 4.0;A. Botanist;https://example.org/1", licences);
            Assert.Contains(licences, l => l.StartsWith("train/c0001/t0.jpg;unknown;", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task EachChallengeDrawsItsOwnRandomIds()
    {
        MakeFolders();
        var a = await ChallengeBuilder.CreateAsync(_db, _files, Spec("First"), null, _clock, null, Ct);
        var b = await ChallengeBuilder.CreateAsync(_db, _files, Spec("Second"), null, _clock, null, Ct);
        var idsA = (await ReadTextAsync(ChallengeFiles.Truth(a.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..16]).ToList();
        var idsB = (await ReadTextAsync(ChallengeFiles.Truth(b.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..16]).ToList();
        Assert.Equal(10, idsA.Concat(idsB).Distinct().Count());
        Assert.NotEqual(a.SplitKey, b.SplitKey);
    }

    [Fact]
    public async Task ATrainingPhotoThatIsAlsoATestPhotoRefusesTheChallengeAndTrainingPhotosLoseTheirMetadata()
    {
        MakeFolders();
        File.Copy(Path.Combine(Test, "Rosa_canina", "s1.jpg"), Path.Combine(Train, "Rosa_canina", "dup.jpg"));
        var e = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(_db, _files, Spec(), null, _clock, null, Ct));
        Assert.Equal(ChallengeError.Invalid, e.Error);
        Assert.StartsWith("1 training photos are also test photos", e.Message, StringComparison.Ordinal);
        Assert.Contains("dup.jpg", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _db.Challenges.CountAsync(Ct));

        File.Delete(Path.Combine(Train, "Rosa_canina", "dup.jpg"));
        var tagged = Path.Combine(Train, "Bellis_perennis", "t2.jpg");
        Write(tagged, WithMetadata(File.ReadAllBytes(tagged)));
        var challenge = await ChallengeBuilder.CreateAsync(_db, _files, Spec(), null, _clock, null, Ct);
        Assert.Null(challenge.ClosedUtc);
        using var train = await ReadZipAsync(ChallengeFiles.Train(challenge.Id));
        var copy = new MemoryStream();
        using (var s = train.GetEntry("train/c0001/t2.jpg")!.Open()) s.CopyTo(copy);
        // Only what the encoder writes (JFIF and the image's own segments): no EXIF/XMP (APP1), ICC (APP2) or comment.
        Assert.DoesNotContain((byte)0xE1, Markers(copy.ToArray()));
        Assert.DoesNotContain((byte)0xE2, Markers(copy.ToArray()));
        Assert.DoesNotContain((byte)0xFE, Markers(copy.ToArray()));
    }

    [Fact]
    public async Task AChallengeWhoseFilesAreBeingStoredIsHiddenAndClosed()
    {
        MakeFolders();
        var ready = await ChallengeBuilder.CreateAsync(_db, _files, Spec("Ready"), null, _clock, null, Ct);
        // As the builder leaves it while the files are copied (or after a crash in between).
        _db.Challenges.Add(new Challenge { Slug = "half-made", Name = "Half made", OpensUtc = Spec().OpensUtc, ClosesUtc = Spec().ClosesUtc,
            ClosedUtc = Challenge.BeingCreated, SplitKey = new byte[32] });
        await _db.SaveChangesAsync(Ct);
        Assert.Equal(["ready"], (await ChallengeStore.ListAsync(_db, Ct)).Select(c => c.Slug));
        var e = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeStore.FindAsync(_db, "half-made", Ct));
        Assert.Equal(ChallengeError.NotFound, e.Error);
        Assert.Equal(ChallengeError.NotFound, (await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CloseAsync(_db, "half-made", _clock, Ct))).Error);
        var half = await _db.Challenges.SingleAsync(c => c.Slug == "half-made", Ct);
        Assert.Equal(Florascope.Challenges.ChallengePhase.Closed, half.PhaseAt(Spec().OpensUtc.AddDays(1)));
        Assert.Equal(Florascope.Challenges.ChallengePhase.Open, ready.PhaseAt(Spec().OpensUtc.AddDays(1)));
    }

    [Fact]
    public async Task ATestPhotoThatCannotBeDecodedRefusesTheWholeChallengeAndStoresNothing()
    {
        MakeFolders();
        Write(Path.Combine(Test, "Rosa_canina", "broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3]);
        var e = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(_db, _files, Spec(), null, _clock, null, Ct));
        Assert.Equal(ChallengeError.Invalid, e.Error);
        Assert.Contains("broken.jpg", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("1 test photos", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _db.Challenges.CountAsync(Ct));
        Assert.Equal(0, await _db.ChallengeTeams.CountAsync(Ct));
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "store")) && Directory.EnumerateFiles(Path.Combine(_dir.Path, "store"), "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task ATakenSlugIsAConflictAndLeavesTheFirstChallengeAlone()
    {
        MakeFolders();
        var first = await ChallengeBuilder.CreateAsync(_db, _files, Spec("Spring", "spring-2027"), null, _clock, null, Ct);
        var e = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(_db, _files, Spec("Another", "spring-2027"), null, _clock, null, Ct));
        Assert.Equal(ChallengeError.Conflict, e.Error);
        Assert.Equal(1, await _db.Challenges.CountAsync(Ct));
        Assert.NotNull(await _files.Store.InfoAsync(ChallengeFiles.Truth(first.Id), Ct));
    }

    [Fact]
    public async Task OnPostgreSqlTheRowsAreCommittedWithTheFilesAndATakenSlugIsAConflict()
    {
        var admin = Postgres.Require();
        await using var database = await PostgresDatabase.CreateAsync(admin, Ct);
        var settings = new DatabaseSettings { DataDirectory = Path.Combine(_dir.Path, "pg"), Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString };
        settings.Migrate();
        await using var db = settings.CreateContext();
        MakeFolders();
        var challenge = await ChallengeBuilder.CreateAsync(db, _files, Spec("Spring", "spring-2027"), null, _clock, null, Ct);
        Assert.True(await db.ChallengeTeams.AnyAsync(t => t.ChallengeId == challenge.Id && t.IsBaseline, Ct));
        var e = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(db, _files, Spec("Again", "spring-2027"), null, _clock, null, Ct));
        Assert.Equal(ChallengeError.Conflict, e.Error);
        Assert.Equal(1, await db.Challenges.CountAsync(Ct));
        Assert.Equal(5, (await ReadTextAsync(ChallengeFiles.Truth(challenge.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    public static TheoryData<string> BadSpecs => ["name", "dates", "daily", "team", "public", "slug", "description", "folder", "empty"];

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task ABadSpecIsInvalidAndStoresNothing(string bad)
    {
        MakeFolders();
        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty", "Rosa_canina"));
        var spec = Spec();
        spec = bad switch
        {
            "name" => spec with { Name = new string('x', 201) },
            "dates" => spec with { ClosesUtc = spec.OpensUtc },
            "daily" => spec with { DailySubmissionLimit = 0 },
            "team" => spec with { MaxTeamSize = 51 },
            "public" => spec with { PublicPercent = 100 },
            "slug" => spec with { Slug = "Not A Slug" },
            "description" => spec with { Description = new string('d', 4001) },
            "folder" => spec with { TestDir = Path.Combine(_dir.Path, "missing") },
            _ => spec with { TestDir = Path.Combine(_dir.Path, "empty") },
        };
        var e = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(_db, _files, spec, null, _clock, null, Ct));
        Assert.Equal(ChallengeError.Invalid, e.Error);
        Assert.NotNull(e.Text.Key);
        Assert.Equal(0, await _db.Challenges.CountAsync(Ct));
    }

    [Fact]
    public async Task ClosingSetsTheClosingTimeOnceAndAnUnknownSlugIsNotFound()
    {
        MakeFolders();
        var challenge = await ChallengeBuilder.CreateAsync(_db, _files, Spec(), null, _clock, null, Ct);
        _clock.Set(new DateTimeOffset(2027, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var closed = await ChallengeBuilder.CloseAsync(_db, challenge.Slug, _clock, Ct);
        Assert.Equal(new DateTime(2027, 3, 10, 12, 0, 0), closed.ClosedUtc);
        Assert.Equal(ChallengePhase.Closed, closed.PhaseAt(_clock.GetUtcNow().UtcDateTime));
        Assert.Equal(ChallengeError.Conflict, (await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CloseAsync(_db, challenge.Slug, _clock, Ct))).Error);
        Assert.Equal(ChallengeError.NotFound, (await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CloseAsync(_db, "nope", _clock, Ct))).Error);
    }

    [Theory]
    [InlineData("PlantCLEF 2027", "plantclef-2027")]
    [InlineData("  Flore d'Été — Alpes!  ", "flore-d-ete-alpes")]
    [InlineData("日本の植物", "")]
    public void SlugsAreMadeFromNames(string name, string slug)
    {
        Assert.Equal(slug, ChallengeSlug.From(name));
        Assert.Equal(slug.Length > 0, ChallengeSlug.IsValid(slug));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("plant-clef-2027", true)]
    [InlineData("-a", false)]
    [InlineData("a--b", false)]
    [InlineData("A", false)]
    [InlineData("a_b", false)]
    public void SlugsAreChecked(string slug, bool valid) => Assert.Equal(valid, ChallengeSlug.IsValid(slug));

    /// <summary>Records progress synchronously (<see cref="System.Progress{T}"/> posts to the thread pool).</summary>
    private sealed class Progress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines) lines.Add(value);
        }
    }
}
