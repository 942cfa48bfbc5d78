using Florascope.DarwinCore;
using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Cli;

/// <summary>`florascope export dwca`: an archive of a database of its own, and one-line refusals of bad arguments.</summary>
[Trait("Category", "Slow")]
public sealed class ExportCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportsADarwinCoreArchiveAndRefusesBadArguments()
    {
        using var temp = new TempDirectory();
        var settings = new DatabaseSettings { DataDirectory = temp.Path };
        settings.Migrate();
        var clock = new FakeClock(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
        int id;
        await using (var db = settings.CreateContext())
        {
            var user = new User { UserName = "cli-export", Email = "cli-export@example.org", PasswordHash = "x", DisplayName = "Ana", CreatedUtc = clock.GetUtcNow().UtcDateTime };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            var created = await ObservationWriter.CreateAsync(db, new PhotoStore(Path.Combine(temp.Path, "photos")), CliAssert.Checklist, user.Id, new NewObservation
            {
                Photos = [new NewPhoto(Photos.Plant("Taraxacum_officinale").Data)],
                ObservedUtc = new DateTime(2026, 4, 30, 10, 0, 0, DateTimeKind.Utc),
                Latitude = 43.6,
                Longitude = 3.87,
                License = "cc0",
                TaxonName = "Taraxacum officinale",
            }, clock, Ct);
            id = created.Id;
            await db.Observations.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, ObservationStatus.Valid).SetProperty(o => o.IsValid, true), Ct);
        }
        var store = new[] { "--data-dir", temp.Path };
        var zip = Path.Combine(temp.Path, "out", "dwca.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(zip)!);

        var ok = await CliProcess.RunAsync(["export", "dwca", "--out", zip, "--base-url", "https://flora.example.org", "--since", "2026-01-01", .. store]);
        CliAssert.Ok(ok);
        Assert.Contains("1 occurrences, 1 photos; 0 left out", ok.StdOut, StringComparison.Ordinal);
        using (var archive = DwcArchive.Open(zip))
        {
            var record = Assert.Single(archive.Read(archive.Core));
            Assert.Equal($"https://flora.example.org/observations/{id}", record[DwcTerms.OccurrenceId]);
            Assert.Equal("Ana", record[DwcTerms.RecordedBy]);
            Assert.Single(archive.Read(archive.Extension(DwcTerms.MultimediaRowType)!));
        }
        Assert.False(File.Exists(zip + ".tmp"));

        Assert.Contains("--since", CliAssert.OneLineError(await CliProcess.RunAsync(["export", "dwca", "--out", zip, "--base-url", "https://flora.example.org", "--since", "yesterday", .. store])), StringComparison.Ordinal);
        Assert.Contains("--base-url", CliAssert.OneLineError(await CliProcess.RunAsync(["export", "dwca", "--out", zip, "--base-url", "flora.example.org", .. store])), StringComparison.Ordinal);
        var unwritable = Path.Combine(temp.Path, "no-such-folder", "dwca.zip");
        CliAssert.OneLineError(await CliProcess.RunAsync(["export", "dwca", "--out", unwritable, "--base-url", "https://flora.example.org", .. store]));
        Assert.False(File.Exists(unwritable));
    }
}
