using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Florascope.Data.Privacy;
using Florascope.Imaging;
using Florascope.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Observatory;

/// <summary>
/// A server of its own (what the game and the lists offer depends on every observation), with a
/// fixed geoprivacy key so that the obscured points, and so these tests, are the same on every run.
/// </summary>
public sealed class GeoprivacyServerFixture : ObservatoryServerFixture
{
    public GeoprivacyServerFixture() =>
        File.WriteAllBytes(Path.Combine(DataDirectory, GeoprivacyKey.FileName), [.. Enumerable.Range(0, 32).Select(i => (byte)(7 * i + 3))]);
}

/// <summary>
/// Geoprivacy over real HTTP: an obscured, a private and a threatened-taxon observation, with
/// distinctive true coordinates (also in their photos' EXIF); every public response, read by an
/// anonymous client and by another user, is searched for those coordinates, and the map's filter
/// is probed around them; nothing is found.
/// </summary>
[Trait("Category", "Slow")]
public sealed class GeoprivacyTests(GeoprivacyServerFixture fixture) : IClassFixture<GeoprivacyServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Secret(string Name, int Id, double Latitude, double Longitude, IReadOnlyList<string> Photos);

    [Fact]
    public async Task NoPublicResponseRevealsATruePositionAndNoFilterFindsOne()
    {
        using var author = await fixture.NewUserAsync("botanist");
        using var other = await fixture.NewUserAsync("curious");
        using var anonymous = fixture.NewClient();
        Secret[] secrets =
        [
            await CreateAsync(author, "obscured", 43.617283, 3.876541, "obscured", ""),
            await CreateAsync(author, "private", 48.271946, 2.519837, "private", ""),
            // Open by choice, but Fritillaria meleagris is marked VU (data/threat-statuses.tsv): obscured anyway.
            await CreateAsync(author, "threatened", 46.384729, 5.192837, "open", "Fritillaria meleagris"),
        ];

        // The author sees the true positions (and so the search below would find a leak).
        foreach (var s in secrets)
        {
            var own = await author.Http.GetJsonAsync($"api/observations/{s.Id}");
            Assert.Equal(s.Latitude, own["latitude"]!.GetValue<double>());
            Assert.True(own["exactPosition"]!.GetValue<bool>());
            Assert.NotEmpty(Leaks(own.ToJsonString(), s));
        }

        var publicPoints = new Dictionary<int, (double Lat, double Lon)>();
        foreach (var (client, who) in new[] { (anonymous, "anonymous"), (other, "another user") })
        {
            var bodies = new List<(string Url, string Body)>();
            async Task<string> Get(string url)
            {
                using var response = await client.Http.GetAsync(url, Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                Assert.True(response.IsSuccessStatusCode, $"{who} {url}: {(int)response.StatusCode} {body}");
                bodies.Add((url, body));
                return body;
            }
            foreach (var s in secrets)
            {
                var detail = JsonNode.Parse(await Get($"api/observations/{s.Id}"))!;
                Assert.False(detail["exactPosition"]!.GetValue<bool>());
                if (s.Name == "private")
                {
                    Assert.Equal("hidden", detail["publicPosition"]!.GetValue<string>());
                    Assert.Null(detail["latitude"]);
                }
                else
                {
                    Assert.Equal("obscured", detail["publicPosition"]!.GetValue<string>());
                    var (lat, lon) = (detail["latitude"]!.GetValue<double>(), detail["longitude"]!.GetValue<double>());
                    // In the 0.2 degree cell of the true point, with an uncertainty covering it.
                    Assert.Equal(PublicPosition.CellOf(s.Latitude, s.Longitude), PublicPosition.CellOf(lat, lon));
                    Assert.True(detail["uncertaintyMeters"]!.GetValue<double>() >= 15_000);
                    publicPoints[s.Id] = (lat, lon);
                }
                foreach (var photo in detail["photos"]!.AsArray())
                {
                    Assert.Equal(photo!["medium"]!.GetValue<string>(), photo["url"]!.GetValue<string>());
                    foreach (var size in new[] { "url", "medium", "small" })
                        await AssertCleanImageAsync(client, photo[size]!.GetValue<string>());
                }
                // The originals (with their EXIF GPS) are the author's only.
                foreach (var sha in s.Photos)
                {
                    using var refused = await client.Http.GetAsync($"api/photos/{sha}?size=o", Ct);
                    Assert.Contains("size=m", await refused.ErrorAsync(403, "Forbidden"), StringComparison.Ordinal);
                }
            }
            await Get("api/observations?pageSize=100");
            await Get($"api/observations?user={author.UserId}&pageSize=100");
            await Get("api/observations?taxon=Fritillaria%20meleagris");
            await Get("api/observations.geojson");
            await Get("api/observations.geojson?taxon=Fritillaria%20meleagris&limit=5000");
            await Get("api/taxa/Fritillaria%20meleagris");
            await Get("api/taxa?prefix=Frit");
            foreach (var page in new[] { $"observations/{secrets[0].Id}", $"users/{author.UserId}", "taxa/Fritillaria%20meleagris", "search", "map", "observations" })
                await Get(page);
            if (client == other)
            {
                var game = await Get("api/game/next?count=20");
                var offered = JsonNode.Parse(game)!.AsArray().Select(g => g!["id"]!.GetValue<int>()).ToList();
                Assert.Contains(secrets[0].Id, offered);
                Assert.Contains(secrets[1].Id, offered);
                await Get("api/game/next?project=weurope&count=20");
            }
            foreach (var (url, body) in bodies)
                foreach (var s in secrets)
                    Assert.True(Leaks(body, s).Count == 0, $"{who} {url} reveals the {s.Name} observation's true position ({string.Join(", ", Leaks(body, s))})");

            // The map's filter works on public positions: tiny windows around the true point find nothing...
            foreach (var s in secrets)
                foreach (var d in new[] { 0.00001, 0.0001, 0.001, 0.01 })
                {
                    var found = await FeaturesAsync(client, Box(s.Latitude, s.Longitude, d));
                    Assert.DoesNotContain(s.Id, found);
                }
            // ...while a window around the public point finds it there.
            foreach (var (id, (lat, lon)) in publicPoints)
                Assert.Contains(id, await FeaturesAsync(client, Box(lat, lon, 0.0001)));
        }
    }

    [Fact]
    public async Task TheAuthorChangesGeoprivacyAndAnIdentificationOfAThreatenedTaxonObscures()
    {
        using var author = await fixture.NewUserAsync("botanist");
        using var other = await fixture.NewUserAsync("identifier");
        using var anonymous = fixture.NewClient();
        var s = await CreateAsync(author, "open", 44.912837, 4.283746, null, "");
        Assert.Equal("exact", await PublicKindAsync(anonymous, s.Id));
        Assert.Equal(s.Latitude, (await anonymous.Http.GetJsonAsync($"api/observations/{s.Id}"))["latitude"]!.GetValue<double>());

        using (var edit = await author.PostFormAsync($"api/observations/{s.Id}/edit", [new("geoprivacy", "private")]))
            Assert.Equal("private", (await edit.JsonAsync())["geoprivacy"]!.GetValue<string>());
        Assert.Equal("hidden", await PublicKindAsync(anonymous, s.Id));
        Assert.DoesNotContain(s.Id, await FeaturesAsync(anonymous, Box(s.Latitude, s.Longitude, 0.5)));

        using (var edit = await author.PostFormAsync($"api/observations/{s.Id}/edit", [new("geoprivacy", "open")])) await edit.JsonAsync();
        Assert.Equal("exact", await PublicKindAsync(anonymous, s.Id));

        // Someone names it a threatened taxon: obscured at once, whatever the community finally decides.
        using (var identify = await other.IdentifyAsync(s.Id, "Fritillaria meleagris")) await identify.JsonAsync();
        Assert.Equal("obscured", await PublicKindAsync(anonymous, s.Id));
        Assert.Empty(Leaks((await anonymous.Http.GetJsonAsync($"api/observations/{s.Id}")).ToJsonString(), s));

        // A geoprivacy that does not exist is refused and changes nothing.
        using (var bad = await author.PostFormAsync($"api/observations/{s.Id}/edit", [new("geoprivacy", "secret"), new("notes", "changed")]))
            Assert.Contains("open, obscured, private", await bad.ErrorAsync(400), StringComparison.Ordinal);
        Assert.Null((await author.Http.GetJsonAsync($"api/observations/{s.Id}"))["notes"]);
        var before = await fixture.CountsAsync();
        using (var bad = await author.CreateAsync([Photos.Plant("Taraxacum_officinale", 3)], fields: [new("geoprivacy", "2"), new("latitude", "1"), new("longitude", "1")]))
            await bad.ErrorAsync(400);
        Assert.Equal(before, await fixture.CountsAsync());
    }

    [Fact]
    public async Task ChangingThreatStatusesRefreshesThePublicPositions()
    {
        using var author = await fixture.NewUserAsync("botanist");
        using var anonymous = fixture.NewClient();
        var s = await CreateAsync(author, "leucanthemum", 47.192837, 1.928374, "open", "Leucanthemum vulgare");
        Assert.Equal("exact", await PublicKindAsync(anonymous, s.Id));
        var key = fixture.Host.App.Services.GetRequiredService<GeoprivacyKey>();
        try
        {
            // What `florascope threats set "Leucanthemum vulgare" EN` does.
            Assert.True(await fixture.WithDbAsync(async db =>
            {
                await ThreatStatusStore.SetAsync(db, [new("Leucanthemum vulgare", IucnCategory.EN, "test")], fixture.Host.Clock, Ct);
                return await PublicPositions.RefreshAsync(db, key, Ct);
            }) >= 1);
            Assert.Equal("obscured", await PublicKindAsync(anonymous, s.Id));
            Assert.Equal(0, await fixture.WithDbAsync(db => PublicPositions.RefreshAsync(db, key, Ct)));
        }
        finally
        {
            await fixture.WithDbAsync(async db =>
            {
                await ThreatStatusStore.RemoveAsync(db, "Leucanthemum vulgare", Ct);
                return await PublicPositions.RefreshAsync(db, key, Ct);
            });
        }
        Assert.Equal("exact", await PublicKindAsync(anonymous, s.Id));
    }

    [Fact]
    public async Task TheRevisionBatchBringsPublicPositionsInLineWithThreatStatuses()
    {
        using var author = await fixture.NewUserAsync("botanist");
        using var anonymous = fixture.NewClient();
        var s = await CreateAsync(author, "galium", 42.718293, 2.891827, "open", "Galium aparine");
        var scheduler = fixture.Host.App.Services.GetRequiredService<Florascope.Web.Revision.RevisionScheduler>();
        try
        {
            // A status written without the refresh (e.g. by another tool): the next batch applies it.
            await fixture.WithDbAsync(db => ThreatStatusStore.SetAsync(db, [new("Galium aparine", IucnCategory.VU, "test")], fixture.Host.Clock, Ct));
            Assert.Equal("exact", await PublicKindAsync(anonymous, s.Id));
            await scheduler.RunOnceAsync(Ct);
            Assert.Equal("obscured", await PublicKindAsync(anonymous, s.Id));
        }
        finally
        {
            await fixture.WithDbAsync(db => ThreatStatusStore.RemoveAsync(db, "Galium aparine", Ct));
        }
        await scheduler.RunOnceAsync(Ct);
        Assert.Equal("exact", await PublicKindAsync(anonymous, s.Id));
    }

    private async Task<Secret> CreateAsync(ObservatoryClient author, string name, double lat, double lon, string? geoprivacy, string taxon)
    {
        var photo = TestImages.WithExifGps(Photos.Plant("Taraxacum_officinale", 4).Data, lat, lon, new DateTime(2026, 5, 1, 9, 0, 0, DateTimeKind.Utc));
        var fields = new List<KeyValuePair<string, string>>
        {
            new("latitude", lat.ToString("R", CultureInfo.InvariantCulture)), new("longitude", lon.ToString("R", CultureInfo.InvariantCulture)),
            new("uncertainty", "8"), new("taxon", taxon),
        };
        if (geoprivacy is not null) fields.Add(new("geoprivacy", geoprivacy));
        using var response = await author.CreateAsync([Photos.Made(name + ".jpg", photo)], fields: fields);
        var created = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(geoprivacy ?? "open", created["geoprivacy"]!.GetValue<string>());
        // The author can fetch the original, EXIF intact.
        var sha = created["photos"]![0]!["sha256"]!.GetValue<string>();
        using (var original = await author.Http.GetAsync($"api/photos/{sha}?size=o", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, original.StatusCode);
            Assert.Equal(photo, await original.Content.ReadAsByteArrayAsync(Ct));
            Assert.Contains("no-store", original.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        }
        return new Secret(name, created["id"]!.GetValue<int>(), lat, lon, [sha]);
    }

    /// <summary>The true coordinates, written as a server or a page might: full, rounded to 6..3 decimals, or as a 2-decimal pair.</summary>
    private static List<string> Leaks(string body, Secret s)
    {
        var found = new List<string>();
        foreach (var value in new[] { s.Latitude, s.Longitude })
            foreach (var format in new[] { "R", "F6", "F5", "F4", "F3" })
                if (body.Contains(value.ToString(format, CultureInfo.InvariantCulture), StringComparison.Ordinal)) found.Add(value.ToString(format, CultureInfo.InvariantCulture));
        var (lat2, lon2) = (s.Latitude.ToString("F2", CultureInfo.InvariantCulture), s.Longitude.ToString("F2", CultureInfo.InvariantCulture));
        if (body.Contains(lat2, StringComparison.Ordinal) && body.Contains(lon2, StringComparison.Ordinal)) found.Add(lat2 + "," + lon2);
        return found;
    }

    private static string Box(double lat, double lon, double d) =>
        string.Create(CultureInfo.InvariantCulture, $"bbox={lon - d},{lat - d},{lon + d},{lat + d}&limit=5000");

    private static async Task<List<int>> FeaturesAsync(ObservatoryClient client, string query)
    {
        using var response = await client.Http.GetAsync("api/observations.geojson?" + query, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return [.. body["features"]!.AsArray().Select(f => f!["id"]!.GetValue<int>())];
    }

    private static async Task<string> PublicKindAsync(ObservatoryClient client, int id) =>
        (await client.Http.GetJsonAsync($"api/observations/{id}"))["publicPosition"]!.GetValue<string>();

    private static async Task AssertCleanImageAsync(ObservatoryClient client, string url)
    {
        using var response = await client.Http.GetAsync(url.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.False(JpegMetadata.HasMetadata(bytes), $"{url} carries EXIF/XMP");
        Assert.DoesNotContain("Exif", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
    }
}
