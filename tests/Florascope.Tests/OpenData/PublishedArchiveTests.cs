using System.Globalization;
using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Observations;
using Florascope.DarwinCore;
using Florascope.Identification;
using Florascope.Tests.TestSupport;
using Florascope.Web.OpenData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.OpenData;

/// <summary>
/// The server publishes the real archive: GET /open-data/dwca.zip is the Darwin Core writer's output,
/// read back through its meta.xml, with the observatory's public URL and the settings' dataset title.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PublishedArchiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheServedArchiveHoldsTheValidObservationsWithPublicUrls()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?>
            {
                ["Florascope:PublicBaseUrl"] = "https://florascope.example.org",
                ["Florascope:OpenData:Title"] = "Plants seen in the tests",
            });
        int valid, pending;
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var checklist = scope.ServiceProvider.GetRequiredService<IdentificationEngine>().Bundle.Checklist;
            var user = new User { UserName = "publisher", Email = "publisher@example.org", PasswordHash = "x", DisplayName = "Ada Publisher" };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            var photos = scope.ServiceProvider.GetRequiredService<PhotoStore>();
            NewObservation Input(int i) => new()
            {
                Photos = [new NewPhoto(TestSupport.Photos.Plant("Taraxacum_officinale", i).Data, "flower")],
                Latitude = 48.8566, Longitude = 2.3522, UncertaintyMeters = 15, TaxonName = "Taraxacum officinale",
            };
            valid = (await ObservationWriter.CreateAsync(db, photos, checklist, user.Id, Input(0), host.Clock, Ct)).Id;
            pending = (await ObservationWriter.CreateAsync(db, photos, checklist, user.Id, Input(1), host.Clock, Ct)).Id;
            // Validated by the community (the weighted vote is tested elsewhere).
            await db.Observations.Where(o => o.Id == valid).ExecuteUpdateAsync(s => s.SetProperty(o => o.IsValid, true).SetProperty(o => o.Status, "valid"), Ct);
        }

        Assert.True(await host.App.Services.GetRequiredService<OpenDataArchiveFile>().RebuildAsync(Ct));
        using var response = await host.Client.GetAsync("open-data/dwca.zip", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        using (var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes)))
        using (var eml = new StreamReader(zip.GetEntry("eml.xml")!.Open()))
            Assert.Contains("Plants seen in the tests", await eml.ReadToEndAsync(Ct), StringComparison.Ordinal);
        using var archive = DwcArchive.Open(new MemoryStream(bytes));

        var core = archive.Read(archive.Core).ToList();
        var row = Assert.Single(core);
        Assert.Equal(valid.ToString(CultureInfo.InvariantCulture), row.Id);
        Assert.Equal($"https://florascope.example.org/observations/{valid}", row[DwcTerms.OccurrenceId]);
        Assert.Equal("Ada Publisher", row[DwcTerms.RecordedBy]);
        Assert.DoesNotContain(core, r => r.Id == pending.ToString(CultureInfo.InvariantCulture));
        var media = Assert.Single(archive.Extensions);
        var photo = Assert.Single(archive.Read(media));
        Assert.StartsWith("https://florascope.example.org/api/photos/", photo[DwcTerms.Identifier], StringComparison.Ordinal);
    }
}
