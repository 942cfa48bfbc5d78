using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Challenges;

/// <summary>
/// An administrator creates a challenge from labelled folders under the source root (ChallengeBuilder, issue 14
/// part A, does the work): 201, then it is listed and its files can be downloaded. Folders outside the root: 400.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ChallengeApiAdminCreateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAdministratorCreatesAChallengeFromFoldersUnderTheSourceRoot()
    {
        using var data = new TempDirectory();
        using var sources = new TempDirectory();
        // Two species, two photos each for training and one each for the test set.
        foreach (var species in Directory.GetDirectories(RepoPaths.ValPhotos).Order(StringComparer.Ordinal).Take(2))
        {
            var photos = Directory.GetFiles(species).Order(StringComparer.Ordinal).Take(3).ToArray();
            var name = Path.GetFileName(species);
            Directory.CreateDirectory(Path.Combine(sources.Path, "train", name));
            Directory.CreateDirectory(Path.Combine(sources.Path, "test", name));
            File.Copy(photos[0], Path.Combine(sources.Path, "train", name, Path.GetFileName(photos[0])));
            File.Copy(photos[1], Path.Combine(sources.Path, "train", name, Path.GetFileName(photos[1])));
            File.Copy(photos[2], Path.Combine(sources.Path, "test", name, Path.GetFileName(photos[2])));
        }
        await using var host = await FlorascopeHost.StartAsync(data.Path, new FakeClock(new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:Challenges:SourceRoot"] = sources.Path, ["Florascope:Challenges:Baseline"] = "false" });
        using var admin = new ObservatoryClient(host.BaseAddress);
        await admin.SignedUpAsync("admin");

        using (var outside = await admin.PostFormAsync("api/admin/challenges", [new("name", "Escape"), new("opensUtc", "2026-05-01T00:00:00Z"),
            new("closesUtc", "2026-07-01T00:00:00Z"), new("trainDir", "../"), new("testDir", "test")]))
            await ChallengeTestData.ErrorAsync(outside, HttpStatusCode.BadRequest);
        // A link on the way (here to a folder outside the root), a NUL, a missing folder: 400 with the error body, never a 500.
        using var elsewhere = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Combine(sources.Path, "linked"), elsewhere.Path);
        Directory.CreateDirectory(Path.Combine(elsewhere.Path, "test"));
        foreach (var testDir in new[] { "linked/test", "linked", "te\0st", "no-such-folder" })
        {
            // Multipart: a NUL reaches the handler (an url-encoded form with one is refused by the framework already).
            var (field, _, token) = await admin.AntiforgeryAsync();
            using var form = new MultipartFormDataContent();
            foreach (var (name, value) in new[] { ("name", "Refused"), ("opensUtc", "2026-05-01T00:00:00Z"), ("closesUtc", "2026-07-01T00:00:00Z"),
                ("trainDir", "train"), ("testDir", testDir), (field, token) })
                form.Add(new StringContent(value), name);
            using var refused = await admin.Http.PostAsync("api/admin/challenges", form, Ct);
            var message = await ChallengeTestData.ErrorAsync(refused, HttpStatusCode.BadRequest);
            Assert.True(message.Contains("testDir", StringComparison.Ordinal), $"{testDir}: {message}");
        }

        using var created = await admin.PostFormAsync("api/admin/challenges", [new("name", "Spring 2026"), new("slug", "spring-2026"),
            new("opensUtc", "2026-05-01T00:00:00Z"), new("closesUtc", "2026-07-01T00:00:00Z"), new("dailySubmissionLimit", "3"),
            new("trainDir", "train"), new("testDir", "test")]);
        var challenge = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("spring-2026", challenge["slug"]!.GetValue<string>());
        Assert.Equal(2, challenge["testObservations"]!.GetValue<int>());
        Assert.Equal(2, challenge["classes"]!.GetValue<int>());
        var detail = await admin.Http.GetJsonAsync("api/challenges/spring-2026");
        Assert.Equal(3, detail["dailySubmissionLimit"]!.GetValue<int>());
        using var test = await admin.Http.GetAsync("api/challenges/spring-2026/files/test.zip", Ct);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);

        // Closed, it can no longer be edited (new dates would reopen it).
        using (var close = await admin.PostFormAsync("api/admin/challenges/spring-2026/close", []))
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        using (var reopen = await admin.PostFormAsync("api/admin/challenges/spring-2026", [new("closesUtc", "2026-08-01T00:00:00Z")]))
            await ChallengeTestData.ErrorAsync(reopen, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AnAdministratorCreatesAChallengeOfTheObservatorysValidObservations()
    {
        using var data = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(data.Path, new FakeClock(new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:Challenges:Baseline"] = "false" });
        using var admin = new ObservatoryClient(host.BaseAddress);
        await admin.SignedUpAsync("admin");
        // Five observations of two taxa; the community's validation is the revision's work: here they are set valid, under CC BY, a day apart.
        var ids = new List<int>();
        foreach (var (folder, taxon) in new[] { ("Taraxacum_officinale", "Taraxacum officinale"), ("Helianthus_annuus", "Helianthus annuus") })
            for (var i = 0; i < (taxon.StartsWith('T') ? 3 : 2); i++)
                ids.Add((await admin.CreatedAsync(Photos.Plant(folder, i), [new("taxon", taxon)]))["id"]!.GetValue<int>());
        using (var scope = host.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>();
            for (var k = 0; k < ids.Count; k++)
            {
                var id = ids[k];
                var observed = new DateTime(2026, 4, 1 + k, 12, 0, 0, DateTimeKind.Utc);
                await db.Observations.Where(o => o.Id == id).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.Status, Florascope.Data.Revision.ObservationStatus.Valid)
                    .SetProperty(o => o.License, "cc-by").SetProperty(o => o.ObservedUtc, observed), Ct);
            }
        }

        using (var bad = await admin.PostFormAsync("api/admin/challenges", [new("name", "Bad"), new("opensUtc", "2026-05-01T00:00:00Z"),
            new("closesUtc", "2026-07-01T00:00:00Z"), new("source", "everything")]))
            await ChallengeTestData.ErrorAsync(bad, HttpStatusCode.BadRequest);
        using var created = await admin.PostFormAsync("api/admin/challenges", [new("name", "Observatory spring"), new("opensUtc", "2026-05-01T00:00:00Z"),
            new("closesUtc", "2026-07-01T00:00:00Z"), new("source", "observations"), new("testPercent", "40")]);
        var challenge = await created.JsonAsync(HttpStatusCode.Created);
        // The newest 40 % of 5 observations (2) are the test set; classes are their taxa.
        Assert.Equal(2, challenge["testObservations"]!.GetValue<int>());
        Assert.Equal(2, challenge["classes"]!.GetValue<int>());
        var slug = challenge["slug"]!.GetValue<string>();
        using var test = await admin.Http.GetAsync($"api/challenges/{slug}/files/test.zip", Ct);
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        using var zip = new System.IO.Compression.ZipArchive(await test.Content.ReadAsStreamAsync(Ct));
        Assert.Equal(2, zip.Entries.Count(e => e.FullName.StartsWith("test/", StringComparison.Ordinal)));
    }
}
