using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Florascope.Challenges;
using Florascope.DarwinCore;
using Florascope.Data.Challenges;
using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Data.Revision;
using Florascope.Data.Storage;
using Florascope.Imaging;
using Florascope.Taxonomy;
using Florascope.Tests.Observatory;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Challenges;

public sealed class SqliteObservationChallengeTests(SqliteStorageFixture fixture) : ObservationChallengeTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresObservationChallengeTests(PostgresStorageFixture fixture) : ObservationChallengeTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>
/// <see cref="ChallengeBuilder"/> making a challenge of observations saved through the observatory's own writer on SQLite and PostgreSQL:
/// which observations go in (valid, open licence), the newest as test with all their photos, the training part with its
/// licences and Darwin Core Archive, and no position the author keeps hidden.
/// </summary>
public abstract class ObservationChallengeTests(StorageFixture fixture) : IDisposable
{
    private const string BaseUrl = "https://florascope.example.org";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly GeoprivacyKey Key = new([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 5 + 1))]);
    private static readonly DateTime Start = new(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    private ChallengeFileStore Files => new(new FileObjectStore(Path.Combine(_dir.Path, "store")));

    private ObservatoryData Observatory => new(fixture.Photos, StorageFixture.Checklist, BaseUrl);

    private async Task<int> MakeAsync(int author, string folder, int photo, int photos, int day, string license, Geoprivacy privacy, string status,
        bool gpsInPhotos = false)
    {
        await using var db = fixture.NewContext();
        var created = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation
        {
            Photos = [.. Enumerable.Range(0, photos).Select(i =>
            {
                var data = TestSupport.Photos.Plant(folder, photo + i).Data;
                return new NewPhoto(gpsInPhotos ? TestImages.WithExifGps(data, 51.507101, -0.127702, Start) : data);
            })],
            ObservedUtc = Start,
            Latitude = 51.507101,
            Longitude = -0.127702,
            UncertaintyMeters = 10,
            License = license,
            Project = "weurope",
            TaxonName = folder.Replace('_', ' '),
            Geoprivacy = privacy,
        }, fixture.Clock, Ct, privacy: Key);
        // The community's vote, as the revision would have set it, and the date (the writer refuses dates after the fixture's clock).
        await db.Observations.Where(o => o.Id == created.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, status).SetProperty(o => o.IsValid, status == ObservationStatus.Valid).SetProperty(o => o.ObservedUtc, Start.AddDays(day)), Ct);
        return created.Id;
    }

    private static string Text(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    [Fact]
    public async Task TheNewestOpenValidObservationsAreTheTestSetWithAllTheirPhotosAndNoHiddenPositionIsPublished()
    {
        var author = await fixture.NewUserAsync();
        var open = await MakeAsync(author, "Taraxacum_officinale", 0, 2, 0, "cc-by", Geoprivacy.Open, ObservationStatus.Valid);
        var hidden = await MakeAsync(author, "Acer_campestre", 0, 1, 1, "cc0", Geoprivacy.Private, ObservationStatus.Valid, gpsInPhotos: true);
        var shareAlike = await MakeAsync(author, "Taraxacum_officinale", 2, 1, 30, "cc-by-sa", Geoprivacy.Open, ObservationStatus.Valid);
        var unsure = await MakeAsync(author, "Acer_campestre", 1, 1, 31, "cc-by", Geoprivacy.Open, ObservationStatus.NeedsVotes);
        var newest = await MakeAsync(author, "Acer_campestre", 2, 3, 20, "cc-by", Geoprivacy.Open, ObservationStatus.Valid);
        var recent = await MakeAsync(author, "Taraxacum_officinale", 3, 1, 10, "cc-by-nc", Geoprivacy.Open, ObservationStatus.Valid);

        Challenge challenge;
        await using (var db = fixture.NewContext())
        {
            challenge = await ChallengeBuilder.CreateAsync(db, Files, new ChallengeSpec
            {
                Name = "Observed spring " + author,
                OpensUtc = Start,
                ClosesUtc = Start.AddDays(60),
                Observations = new ObservationSource { Project = ProjectCode.Parse("weurope"), UntilUtc = Start.AddDays(50), TestPercent = 40 },
            }, null, fixture.Clock, null, Ct, Observatory);
        }
        // Four observations qualify (not the CC BY-SA one, nor the unsure one): the newest two are the test set.
        Assert.Equal((2, 3, 2), (challenge.TestObservations, challenge.TrainPhotos, challenge.Classes));
        var store = Files.Store;
        string Local(string key) => store.LocalPath(key)!;
        var classes = File.ReadAllLines(Local(ChallengeFiles.Classes(challenge.Id)));
        Assert.Equal(["c0001;Acer campestre", "c0002;Taraxacum officinale"], classes);

        // test.zip: test/<id>/<k>.jpg, every photo of a test observation, re-encoded without metadata.
        var truth = File.ReadAllLines(Local(ChallengeFiles.Truth(challenge.Id))).Select(l => l.Split(';')).ToDictionary(f => f[0], f => f[1]);
        using (var test = ZipFile.OpenRead(Local(ChallengeFiles.Test(challenge.Id))))
        {
            var photosOf = test.Entries.Where(e => ChallengeClasses.ObservationOf(e.FullName) is not null)
                .GroupBy(e => ChallengeClasses.ObservationOf(e.FullName)!).ToDictionary(g => g.Key, g => g.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList());
            Assert.Equal(truth.Keys.Order(StringComparer.Ordinal), photosOf.Keys.Order(StringComparer.Ordinal));
            var three = Assert.Single(photosOf, p => p.Value.Count == 3);
            Assert.Equal(new[] { 1, 2, 3 }.Select(k => ChallengeClasses.TestPhotoEntry(three.Key, k)), three.Value);
            Assert.Equal("c0001", truth[three.Key]);
            var one = Assert.Single(photosOf, p => p.Value.Count == 1);
            Assert.Equal("c0002", truth[one.Key]);
            foreach (var entry in test.Entries.Where(e => e.FullName.EndsWith(".jpg", StringComparison.Ordinal)))
                Assert.False(JpegMetadata.HasMetadata(Bytes(entry)), entry.FullName);
            Assert.Contains("test/<ObservationId>/<k>.jpg", Text(test, "README.txt"), StringComparison.Ordinal);
        }

        // The hidden hashes are the stored SHA-256 of the test photos, which are those of their original bytes.
        await using (var db = fixture.NewContext())
        {
            var testPhotos = await db.ObservationPhotos.Where(p => p.ObservationId == newest || p.ObservationId == recent).Select(p => p.Sha256).ToListAsync(Ct);
            Assert.Equal(testPhotos.Order(StringComparer.Ordinal), File.ReadAllLines(Local(ChallengeFiles.TestSources(challenge.Id))));
            foreach (var sha in testPhotos)
            {
                var original = (await fixture.Photos.OpenAsync(sha, PhotoSize.Original, Ct))!;
                await using var s = original.Content;
                Assert.Equal(sha, Convert.ToHexStringLower(await SHA256.HashDataAsync(s, Ct)));
            }
        }

        // train.zip: the photos of the older two, re-encoded (the hidden one's EXIF position is gone), their licences, the DwC-A.
        using var train = ZipFile.OpenRead(Local(ChallengeFiles.Train(challenge.Id)));
        string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal([$"train/c0001/{Id(hidden)}_1.jpg", $"train/c0002/{Id(open)}_1.jpg", $"train/c0002/{Id(open)}_2.jpg"],
            train.Entries.Select(e => e.FullName).Where(n => n.StartsWith("train/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var entry in train.Entries.Where(e => e.FullName.StartsWith("train/", StringComparison.Ordinal)))
            Assert.False(JpegMetadata.HasMetadata(Bytes(entry)), entry.FullName);
        var licences = Text(train, "licences.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("file;licence;rightsHolder;source", licences[0]);
        var hiddenLicence = Assert.Single(licences, l => l.StartsWith($"train/c0001/{Id(hidden)}_1.jpg;", StringComparison.Ordinal));
        Assert.StartsWith($"train/c0001/{Id(hidden)}_1.jpg;http://creativecommons.org/publicdomain/zero/1.0/legalcode;storage", hiddenLicence, StringComparison.Ordinal);
        Assert.EndsWith($";{BaseUrl}/observations/{Id(hidden)}", hiddenLicence, StringComparison.Ordinal);
        Assert.Equal(3, licences.Count(l => l.Contains("/observations/", StringComparison.Ordinal)));
        Assert.Contains(ChallengeBuilder.DwcaFile, Text(train, "README.txt"), StringComparison.Ordinal);
        Assert.Equal(classes, Text(train, "classes.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries));

        using var dwcaStream = new MemoryStream(Bytes(train.GetEntry(ChallengeBuilder.DwcaFile)!));
        using var dwca = DwcArchive.Open(dwcaStream);
        var core = dwca.Read(dwca.Core).ToDictionary(r => r.Id!);
        Assert.Equal([Id(open), Id(hidden)], core.Keys.Order(StringComparer.Ordinal));
        Assert.Null(core[Id(hidden)][DwcTerms.DecimalLatitude]);
        Assert.Null(core[Id(hidden)][DwcTerms.DecimalLongitude]);
        Assert.NotNull(core[Id(hidden)][DwcTerms.InformationWithheld]);
        Assert.Equal("51.507101", core[Id(open)][DwcTerms.DecimalLatitude]);

        // Nothing of the left-out observations, nor of the test ones, is in the training data.
        var everything = string.Join('\n', train.Entries.Where(e => !e.FullName.EndsWith(".jpg", StringComparison.Ordinal) && e.FullName != ChallengeBuilder.DwcaFile)
            .Select(e => Text(train, e.FullName)));
        foreach (var id in new[] { shareAlike, unsure, newest, recent })
            Assert.DoesNotContain($"/observations/{Id(id)}\n", everything + "\n", StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFloraOrPeriodWithoutTwoObservationsAndMixedSourcesAreRefusedStoringNothing()
    {
        var author = await fixture.NewUserAsync();
        await MakeAsync(author, "Taraxacum_officinale", 4, 1, 100, "cc-by", Geoprivacy.Open, ObservationStatus.Valid);
        ChallengeSpec Spec(ObservationSource source) => new()
        {
            Name = "Refused " + author, OpensUtc = Start, ClosesUtc = Start.AddDays(1), Observations = source,
        };
        await using var db = fixture.NewContext();
        var before = await db.Challenges.CountAsync(Ct);

        var none = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(db, Files,
            Spec(new ObservationSource { Project = ProjectCode.Parse("namerica") }), null, fixture.Clock, null, Ct, Observatory));
        Assert.Equal(ChallengeError.Invalid, none.Error);
        Assert.Contains("a challenge needs at least 2", none.Message, StringComparison.Ordinal);

        var late = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(db, Files,
            Spec(new ObservationSource { SinceUtc = Start.AddDays(100) }), null, fixture.Clock, null, Ct, Observatory));
        Assert.StartsWith("1 valid observations", late.Message, StringComparison.Ordinal);

        var both = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(db, Files,
            Spec(new ObservationSource()) with { TrainDir = _dir.Path, TestDir = _dir.Path }, null, fixture.Clock, null, Ct, Observatory));
        Assert.Equal(ChallengeError.Invalid, both.Error);
        var period = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(db, Files,
            Spec(new ObservationSource { SinceUtc = Start, UntilUtc = Start }), null, fixture.Clock, null, Ct, Observatory));
        Assert.Equal(ChallengeError.Invalid, period.Error);
        var share = await Assert.ThrowsAsync<ChallengeException>(() => ChallengeBuilder.CreateAsync(db, Files,
            Spec(new ObservationSource { TestPercent = 100 }), null, fixture.Clock, null, Ct, Observatory));
        Assert.Equal(ChallengeError.Invalid, share.Error);

        Assert.Equal(before, await db.Challenges.CountAsync(Ct));
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "store")) && Directory.EnumerateFiles(Path.Combine(_dir.Path, "store"), "*", SearchOption.AllDirectories).Any());
    }
}
