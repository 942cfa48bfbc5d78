using System.Globalization;
using System.Xml.Linq;
using Florascope.DarwinCore;
using Florascope.Data.Observations;
using Florascope.Data.OpenData;
using Florascope.Data.Privacy;
using Florascope.Data.Revision;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.OpenData;

public sealed class SqliteDwcaExportTests(SqliteStorageFixture fixture) : DwcaExportTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresDwcaExportTests(PostgresStorageFixture fixture) : DwcaExportTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>
/// The observatory's Darwin Core Archive, written from a real database and read back through its
/// meta.xml: which observations go in, public positions only, licences, photos joined by coreid, EML.
/// </summary>
public abstract class DwcaExportTests(StorageFixture fixture)
{
    private const string BaseUrl = "https://florascope.example.org";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly GeoprivacyKey Key = new([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 3 + 11))]);

    private sealed record Made(int Id, double Latitude, double Longitude);

    private async Task<Made> MakeAsync(int author, int photo, double lat, double lon, string license, Geoprivacy privacy, string status,
        int? offsetMinutes = null, int photos = 1)
    {
        await using var db = fixture.NewContext();
        var created = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation
        {
            Photos = [.. Enumerable.Range(0, photos).Select(i => new NewPhoto(TestSupport.Photos.Plant("Taraxacum_officinale", photo + i).Data))],
            ObservedUtc = new DateTime(2026, 3, 20 + photo % 5, 16, 45, 30, DateTimeKind.Utc),
            Latitude = lat,
            Longitude = lon,
            UncertaintyMeters = 10,
            License = license,
            Project = "weurope",
            TaxonName = "Taraxacum officinale",
            Geoprivacy = privacy,
        }, fixture.Clock, Ct, privacy: Key);
        // The community status and the offset are set as the vote and the browser would have.
        await db.Observations.Where(o => o.Id == created.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, status).SetProperty(o => o.IsValid, status == ObservationStatus.Valid)
            .SetProperty(o => o.ObservedOffsetMinutes, offsetMinutes), Ct);
        return new Made(created.Id, lat, lon);
    }

    private async Task<(DwcaSummary Summary, MemoryStream Zip)> ExportAsync(DwcaOptions options)
    {
        var zip = new MemoryStream();
        await using var db = fixture.NewContext();
        var summary = await DwcaWriter.WriteAsync(db, StorageFixture.Checklist, zip, options, ct: Ct);
        zip.Position = 0;
        return (summary, zip);
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task TheArchiveReadsBackThroughMetaXmlWithPublicPositionsAndOpenLicencesOnly()
    {
        var author = await fixture.NewUserAsync();
        await using (var db = fixture.NewContext())
            await db.Users.Where(u => u.Id == author).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "Zoé\tMartin"), Ct);
        var open = await MakeAsync(author, 0, 43.6101, 3.8702, "cc-by", Geoprivacy.Open, ObservationStatus.Valid, offsetMinutes: 120, photos: 2);
        var obscured = await MakeAsync(author, 2, 48.8613, 2.3517, "cc0", Geoprivacy.Obscured, ObservationStatus.Valid);
        var hidden = await MakeAsync(author, 3, 51.5071, -0.1277, "cc-by-nc", Geoprivacy.Private, ObservationStatus.Valid);
        var shareAlike = await MakeAsync(author, 4, 45.1, 5.7, "cc-by-sa", Geoprivacy.Open, ObservationStatus.Valid);
        var unsure = await MakeAsync(author, 5, 44.1, 4.1, "cc-by", Geoprivacy.Open, ObservationStatus.NeedsVotes);
        await using (var db = fixture.NewContext())
        {
            // The community voted one of the open observation's photos out: it is not published.
            var second = await db.ObservationPhotos.Where(p => p.ObservationId == open.Id).OrderBy(p => p.Position).Skip(1).FirstAsync(Ct);
            await db.ObservationPhotos.Where(p => p.Id == second.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ExcludedBecause, "poor-quality"), Ct);
        }
        Observation obscuredRow;
        await using (var db = fixture.NewContext())
            obscuredRow = await db.Observations.AsNoTracking().SingleAsync(o => o.Id == obscured.Id, Ct);
        Assert.NotEqual(obscured.Latitude, obscuredRow.PublicLatitude);

        var (summary, zip) = await ExportAsync(new DwcaOptions { BaseUrl = BaseUrl + "/", Metadata = new DatasetMetadata { Title = "Test flora", ContactEmail = "data@example.org" } });
        Assert.Equal((3L, 3L, 1L), (summary.Occurrences, summary.Media, summary.LeftOutForLicence));

        using var archive = DwcArchive.Open(zip);
        Assert.Equal(DwcTerms.OccurrenceRowType, archive.Core.RowType);
        var core = archive.Read(archive.Core).ToDictionary(r => r.Id!);
        Assert.Equal([open.Id, obscured.Id, hidden.Id], core.Keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).Order());
        Assert.DoesNotContain(Id(shareAlike.Id), core.Keys);
        Assert.DoesNotContain(Id(unsure.Id), core.Keys);

        var taxon = StorageFixture.Checklist.Taxa[StorageFixture.Checklist.IndexOf("Taraxacum officinale")];
        var a = core[Id(open.Id)];
        Assert.Equal($"{BaseUrl}/observations/{open.Id}", a[DwcTerms.OccurrenceId]);
        Assert.Equal("HumanObservation", a[DwcTerms.BasisOfRecord]);
        Assert.Equal("2026-03-20T18:45:30+02:00", a[DwcTerms.EventDate]);
        Assert.Equal("Zoé Martin", a[DwcTerms.RecordedBy]);
        Assert.Equal(("43.6101", "3.8702", "10"), (a[DwcTerms.DecimalLatitude], a[DwcTerms.DecimalLongitude], a[DwcTerms.CoordinateUncertaintyInMeters]));
        Assert.Null(a[DwcTerms.InformationWithheld]);
        Assert.Equal((taxon.ScientificName, taxon.Authorship.Length > 0 ? taxon.Authorship : null), (a[DwcTerms.ScientificName], a[DwcTerms.ScientificNameAuthorship]));
        Assert.Equal(("Plantae", taxon.Family, taxon.Genus, taxon.Rank), (a[DwcTerms.Kingdom], a[DwcTerms.Family], a[DwcTerms.Genus], a[DwcTerms.TaxonRank]));
        if (taxon.GbifKey is { Length: > 0 } key) Assert.Equal($"https://www.gbif.org/species/{key}", a[DwcTerms.TaxonId]);
        Assert.Equal("valid", a[DwcTerms.IdentificationVerificationStatus]);
        Assert.Equal("http://creativecommons.org/licenses/by/4.0/legalcode", a[DwcTerms.License]);
        Assert.Equal(DwcFormat.Utc(fixture.Clock.GetUtcNow().UtcDateTime), a[DwcTerms.Modified]);
        Assert.Equal("2026-03-22T16:45:30Z", core[Id(obscured.Id)][DwcTerms.EventDate]);

        // Obscured: the public point and the enlarged uncertainty, said so; hidden: no position at all.
        var b = core[Id(obscured.Id)];
        Assert.Equal(DwcFormat.Number(obscuredRow.PublicLatitude), b[DwcTerms.DecimalLatitude]);
        Assert.Equal(DwcFormat.Number(obscuredRow.PublicLongitude), b[DwcTerms.DecimalLongitude]);
        Assert.Equal(DwcFormat.Number(obscuredRow.PublicUncertaintyMeters), b[DwcTerms.CoordinateUncertaintyInMeters]);
        Assert.True(obscuredRow.PublicUncertaintyMeters > 10_000);
        Assert.NotNull(b[DwcTerms.InformationWithheld]);
        Assert.NotNull(b[DwcTerms.DataGeneralizations]);
        Assert.Equal("http://creativecommons.org/publicdomain/zero/1.0/legalcode", b[DwcTerms.License]);
        var c = core[Id(hidden.Id)];
        Assert.Null(c[DwcTerms.DecimalLatitude]);
        Assert.Null(c[DwcTerms.DecimalLongitude]);
        Assert.Null(c[DwcTerms.CoordinateUncertaintyInMeters]);
        Assert.NotNull(c[DwcTerms.InformationWithheld]);
        Assert.Equal("http://creativecommons.org/licenses/by-nc/4.0/legalcode", c[DwcTerms.License]);
        // The true coordinates of the obscured and hidden observations appear nowhere in the archive.
        foreach (var secret in new[] { obscured, hidden })
            Assert.All(core.Values.SelectMany(r => r.Terms.Values), v =>
            {
                Assert.DoesNotContain(DwcFormat.Number(secret.Latitude), v, StringComparison.Ordinal);
                Assert.DoesNotContain(DwcFormat.Number(secret.Longitude), v, StringComparison.Ordinal);
            });

        // Photos: one row per published photo, joined to its occurrence by coreid.
        var media = archive.Read(archive.Extension(DwcTerms.MultimediaRowType)!).ToList();
        Assert.Equal(3, media.Count);
        Assert.All(media, m => Assert.Contains(m.Id!, core.Keys));
        Assert.Equal([open.Id, obscured.Id, hidden.Id], media.Select(m => int.Parse(m.Id!, CultureInfo.InvariantCulture)).Order());
        var photo = media.Single(m => m.Id == Id(open.Id));
        await using (var db = fixture.NewContext())
        {
            var sha = await db.ObservationPhotos.Where(p => p.ObservationId == open.Id && p.ExcludedBecause == null).Select(p => p.Sha256).SingleAsync(Ct);
            Assert.Equal($"{BaseUrl}/api/photos/{sha}?size=m", photo[DwcTerms.Identifier]);
        }
        Assert.Equal(("StillImage", "image/jpeg"), (photo[DwcTerms.Type], photo[DwcTerms.Format]));
        Assert.Equal(("Zoé Martin", "Zoé Martin"), (photo[DwcTerms.Creator], photo[DwcTerms.RightsHolder]));
        Assert.Equal($"{BaseUrl}/observations/{open.Id}", photo[DwcTerms.References]);
        Assert.Equal("2026-03-20T18:45:30+02:00", photo[DwcTerms.Created]);
        Assert.Equal(a[DwcTerms.License], photo[DwcTerms.License]);

        // EML: the settings, the most restrictive licence, coverage from the public positions and event dates.
        using var eml = archive.OpenEntry("eml.xml");
        var doc = XDocument.Load(eml);
        string? Text(string name) => doc.Descendants(name).FirstOrDefault()?.Value;
        Assert.Equal("Test flora", Text("title"));
        Assert.Equal("data@example.org", Text("electronicMailAddress"));
        Assert.Contains("by-nc/4.0", doc.Descendants("ulink").Single().Attribute("url")!.Value, StringComparison.Ordinal);
        Assert.Equal(double.Parse(Text("northBoundingCoordinate")!, CultureInfo.InvariantCulture), Math.Max(open.Latitude, obscuredRow.PublicLatitude!.Value));
        Assert.Equal(double.Parse(Text("southBoundingCoordinate")!, CultureInfo.InvariantCulture), Math.Min(open.Latitude, obscuredRow.PublicLatitude!.Value));
        Assert.Equal(double.Parse(Text("westBoundingCoordinate")!, CultureInfo.InvariantCulture), Math.Min(open.Longitude, obscuredRow.PublicLongitude!.Value));
        Assert.Equal("2026-03-20", doc.Descendants("beginDate").Single().Value.Trim());
        Assert.Equal("2026-03-23", doc.Descendants("endDate").Single().Value.Trim());
        Assert.NotEmpty(Text("citation")!);
        Assert.Equal(["meta.xml", "occurrence.txt", "multimedia.txt", "eml.xml"], new System.IO.Compression.ZipArchive(new MemoryStream(zip.ToArray())).Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task AllStatusesAndSinceSelectWhatGoesIn()
    {
        var author = await fixture.NewUserAsync();
        var valid = await MakeAsync(author, 0, 43.1, 3.1, "cc-by", Geoprivacy.Open, ObservationStatus.Valid);
        var disputed = await MakeAsync(author, 1, 43.2, 3.2, "cc0", Geoprivacy.Open, ObservationStatus.Disputed);
        var since = fixture.Clock.GetUtcNow().UtcDateTime.AddDays(1);
        await using (var db = fixture.NewContext())
            await db.Observations.Where(o => o.Id == disputed.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.UpdatedUtc, since.AddHours(1)), Ct);

        // The class's tests share one database: these rows go once checked, so the other test's counts hold whatever the order.
        try
        {
            var (all, zip) = await ExportAsync(new DwcaOptions { BaseUrl = BaseUrl, AllStatuses = true });
            using (var archive = DwcArchive.Open(zip))
            {
                var rows = archive.Read(archive.Core).ToDictionary(r => r.Id!);
                Assert.Equal("disputed", rows[Id(disputed.Id)][DwcTerms.IdentificationVerificationStatus]);
                Assert.Contains(Id(valid.Id), rows.Keys);
                Assert.Equal(rows.Count, all.Occurrences);
            }
            var (recent, recentZip) = await ExportAsync(new DwcaOptions { BaseUrl = BaseUrl, AllStatuses = true, Since = since });
            using (var archive = DwcArchive.Open(recentZip))
                Assert.Equal([Id(disputed.Id)], archive.Read(archive.Core).Select(r => r.Id!));
            Assert.Equal(1, recent.Occurrences);
            Assert.Equal(1, recent.Media);
            var (none, _) = await ExportAsync(new DwcaOptions { BaseUrl = BaseUrl, Since = since });
            Assert.Equal(0, none.Occurrences);
        }
        finally
        {
            await using var db = fixture.NewContext();
            foreach (var id in new[] { valid.Id, disputed.Id }) await ObservationWriter.DeleteAsync(db, id, author, isAdmin: false, Ct);
        }
    }

    [Fact]
    public async Task TheCallersContextIsLeftAsItWas()
    {
        await using var db = fixture.NewContext();
        await DwcaWriter.WriteAsync(db, StorageFixture.Checklist, new MemoryStream(), new DwcaOptions { BaseUrl = BaseUrl }, ct: Ct);
        Assert.Null(db.Database.CurrentTransaction);
        db.Users.Add(new Data.Accounts.User { UserName = $"after-export-{Guid.NewGuid():N}"[..30], Email = $"{Guid.NewGuid():N}@example.org", PasswordHash = "x", CreatedUtc = fixture.Clock.GetUtcNow().UtcDateTime });
        Assert.Equal(1, await db.SaveChangesAsync(Ct));
    }

    [Theory]
    [InlineData("florascope.example.org")]
    [InlineData("ftp://florascope.example.org")]
    [InlineData("https://florascope.example.org/?a=1")]
    public async Task ABadBaseUrlIsRefusedBeforeAnythingIsWritten(string url)
    {
        var output = new MemoryStream();
        await using var db = fixture.NewContext();
        await Assert.ThrowsAsync<ArgumentException>(() => DwcaWriter.WriteAsync(db, StorageFixture.Checklist, output, new DwcaOptions { BaseUrl = url }, ct: Ct));
        Assert.Equal(0, output.Length);
    }
}
