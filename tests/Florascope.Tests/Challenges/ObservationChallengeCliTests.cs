using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using Florascope.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Challenges;

/// <summary><c>florascope challenge create --from-observations</c> as a child process on a SQLite data directory the observatory wrote.</summary>
[Trait("Category", "Slow")]
public sealed class ObservationChallengeCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreatesAChallengeOfTheObservationsAndRefusesMixedSourcesInOneLine()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        var settings = new DatabaseSettings { DataDirectory = data };
        settings.Migrate();
        var photos = new PhotoStore(Path.Combine(data, "photos"));
        var clock = new FakeClock(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using (var db = settings.CreateContext())
        {
            var user = new User { UserName = "botanist", Email = "botanist@example.org", PasswordHash = "x", CreatedUtc = clock.GetUtcNow().UtcDateTime };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            for (var i = 0; i < 5; i++)
            {
                var saved = await ObservationWriter.CreateAsync(db, photos, SharedServerFixture.Checklist.Value, user.Id, new NewObservation
                {
                    Photos = [new NewPhoto(TestSupport.Photos.Plant(i % 2 == 0 ? "Taraxacum_officinale" : "Acer_campestre", i).Data)],
                    ObservedUtc = new DateTime(2026, 4, 1 + i, 10, 0, 0, DateTimeKind.Utc),
                    License = "cc-by",
                    Project = "weurope",
                    TaxonName = i % 2 == 0 ? "Taraxacum officinale" : "Acer campestre",
                }, clock, Ct);
                await db.Observations.Where(o => o.Id == saved.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, ObservationStatus.Valid).SetProperty(o => o.IsValid, true), Ct);
            }
        }
        string[] Db(params string[] args) => [.. args, "--data-dir", data];

        var created = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Observed spring", "--from-observations", "--project", "weurope",
            "--test-percent", "40", "--since", "2026-01-01", "--base-url", "https://florascope.example.org", "--model", RepoPaths.ModelBundle,
            "--opens", "2020-01-01", "--closes", "2099-01-01"));
        Assert.True(created.ExitCode == 0, created.ToString());
        var lines = created.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("observed-spring", lines[0]);
        Assert.StartsWith("3 training photos, 2 test observations, 2 classes;", lines[1], StringComparison.Ordinal);

        var mixed = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Mixed", "--from-observations", "--train", dir.Path, "--base-url", "https://florascope.example.org"));
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("exclude each other", Assert.Single(mixed.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        var stray = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Stray", "--train", dir.Path, "--test", dir.Path, "--project", "weurope"));
        Assert.Equal(2, stray.ExitCode);
        Assert.Contains("--project goes with --from-observations", Assert.Single(stray.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        var neither = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Neither"));
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("--from-observations", neither.StdErr, StringComparison.Ordinal);
    }
}
