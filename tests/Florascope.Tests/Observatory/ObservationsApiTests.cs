using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Observatory;

[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class ObservationsApiTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Photo Dandelion(int i = 0) => Photos.Plant("Taraxacum_officinale", i);

    [Fact]
    public async Task ACreatedObservationComesBackWithItsPhotosEverywhere()
    {
        using var author = await fixture.NewUserAsync("author");
        using var response = await author.CreateAsync([Dandelion(0), Dandelion(1)], ["flower", "leaf"],
        [
            new("latitude", "48.8566"), new("longitude", "2.3522"), new("uncertainty", "25"), new("notes", "By the path."),
            new("license", "cc0"), new("taxon", "taraxacum_officinale"), new("observedUtc", "2026-05-18T09:30:00Z"),
        ]);
        var created = await response.JsonAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<int>();
        Assert.Equal($"/api/observations/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Taraxacum officinale", created["taxonName"]!.GetValue<string>());
        Assert.Equal(48.8566, created["latitude"]!.GetValue<double>());
        Assert.Equal(2.3522, created["longitude"]!.GetValue<double>());
        Assert.Equal(25, created["uncertaintyMeters"]!.GetValue<double>());
        Assert.Equal("By the path.", created["notes"]!.GetValue<string>());
        Assert.Equal("cc0", created["license"]!.GetValue<string>());
        Assert.Equal(new DateTime(2026, 5, 18, 9, 30, 0, DateTimeKind.Utc), created["observedUtc"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(author.UserId, created["authorId"]!.GetValue<int>());

        var photos = created["photos"]!.AsArray();
        Assert.Equal(["flower", "leaf"], photos.Select(p => p!["organ"]!.GetValue<string>()));
        for (var i = 0; i < 2; i++)
        {
            var photo = photos[i]!;
            var sha = photo["sha256"]!.GetValue<string>();
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Dandelion(i).Data)), sha);
            using var original = SKBitmap.Decode(Dandelion(i).Data);
            Assert.Equal(original.Width, photo["width"]!.GetValue<int>());
            Assert.Equal(original.Height, photo["height"]!.GetValue<int>());

            // The original, as sent, for its author only (geoprivacy: it may carry EXIF); others are refused.
            var full = await GetImageAsync(photo["url"]!.GetValue<string>(), author);
            Assert.Equal(Dandelion(i).Data, full);
            using (var refused = await fixture.NewClient().Http.GetAsync(photo["url"]!.GetValue<string>().TrimStart('/'), Ct)) await refused.ErrorAsync(403, "Forbidden");
            using var medium = SKBitmap.Decode(await GetImageAsync(photo["medium"]!.GetValue<string>()));
            Assert.True(Math.Max(medium.Width, medium.Height) <= 1280);
            using var small = SKBitmap.Decode(await GetImageAsync(photo["small"]!.GetValue<string>()));
            Assert.NotNull(small);
            Assert.True(Math.Max(small.Width, small.Height) <= 320, $"small is {small.Width}x{small.Height}");
        }

        // The author's list: other tests of this server post observations at the same time.
        var latest = (await author.Http.GetJsonAsync($"api/observations?user={author.UserId}")).AsArray();
        Assert.Equal(id, latest[0]!["id"]!.GetValue<int>());
        Assert.Equal($"/api/photos/{photos[0]!["sha256"]!.GetValue<string>()}?size=s", latest[0]!["thumbnail"]!.GetValue<string>());

        var detail = await fixture.NewClient().Http.GetJsonAsync($"api/observations/{id}");
        Assert.Equal(2, detail["photos"]!.AsArray().Count);
        var identification = Assert.Single(detail["identifications"]!.AsArray())!;
        Assert.Equal(author.UserId, identification["userId"]!.GetValue<int>());
        Assert.Equal("Taraxacum officinale", identification["taxonName"]!.GetValue<string>());
        Assert.True(identification["isCurrent"]!.GetValue<bool>());
    }

    [Fact]
    public async Task GeoJsonFindsAnObservationInItsViewportOnly()
    {
        using var author = await fixture.NewUserAsync("mapper");
        // A place no other test uses, so the viewport holds this one observation.
        var created = await author.CreatedAsync(fields: [new("latitude", "-33.5"), new("longitude", "151.25"), new("taxon", "Taraxacum officinale"),
            new("project", "weurope"), new("observedUtc", "2026-03-01T12:00:00Z")]);
        var id = created["id"]!.GetValue<int>();

        using var response = await author.Http.GetAsync("api/observations.geojson?bbox=151,-34,152,-33", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var geo = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("FeatureCollection", geo["type"]!.GetValue<string>());
        var feature = Assert.Single(geo["features"]!.AsArray())!;
        Assert.Equal("Feature", feature["type"]!.GetValue<string>());
        Assert.Equal(id, feature["properties"]!["id"]!.GetValue<int>());
        Assert.Equal("Point", feature["geometry"]!["type"]!.GetValue<string>());
        Assert.Equal([151.25, -33.5], feature["geometry"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));

        Assert.Empty(await FeaturesAsync("bbox=-10,-10,-5,-5"));
        Assert.Equal([id], await FeaturesAsync("bbox=151,-34,152,-33&taxon=Taraxacum%20officinale"));
        Assert.Empty(await FeaturesAsync("bbox=151,-34,152,-33&taxon=Ranunculus%20acris"));
        Assert.Equal([id], await FeaturesAsync("bbox=151,-34,152,-33&project=weurope"));
        Assert.Empty(await FeaturesAsync("bbox=151,-34,152,-33&project=namerica"));
        Assert.Equal([id], await FeaturesAsync("bbox=151,-34,152,-33&from=2026-02-28T00:00:00Z&to=2026-03-02T00:00:00Z"));
        Assert.Empty(await FeaturesAsync("bbox=151,-34,152,-33&from=2026-03-02T00:00:00Z"));
        Assert.Empty(await FeaturesAsync("bbox=151,-34,152,-33&to=2026-02-28T00:00:00Z"));
        Assert.Contains(id, await FeaturesAsync(""));

        var byTaxon = (await author.Http.GetJsonAsync("api/observations?taxon=Taraxacum%20officinale")).AsArray();
        Assert.Contains(id, byTaxon.Select(o => o!["id"]!.GetValue<int>()));
        Assert.All(byTaxon, o => Assert.Equal("Taraxacum officinale", o!["taxonName"]!.GetValue<string>()));
        var byUser = (await author.Http.GetJsonAsync($"api/observations?user={author.UserId}")).AsArray();
        Assert.Equal([id], byUser.Select(o => o!["id"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("a,b,c,d")]
    [InlineData("-181,0,0,10")]
    [InlineData("0,-91,10,10")]
    [InlineData("10,0,0,10")]
    [InlineData("0,10,10,0")]
    [InlineData("1,2,3,4,5")]
    public async Task ABadBboxIsABadRequest(string bbox)
    {
        using var response = await fixture.Admin.Http.GetAsync($"api/observations.geojson?bbox={Uri.EscapeDataString(bbox)}", Ct);
        await response.ErrorAsync(400);
    }

    [Theory]
    [InlineData("NaN,0,10,10")]
    [InlineData("0,0,NaN,10")]
    public async Task ANotANumberBboxIsABadRequest(string bbox)
    {
        // "NaN" parses as a double and passes every comparison check.
        using var response = await fixture.Admin.Http.GetAsync($"api/observations.geojson?bbox={Uri.EscapeDataString(bbox)}", Ct);
        await response.ErrorAsync(400);
    }

    public static TheoryData<string> BadInputs => [.. BadInput.All.Keys];

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInputIsABadRequestAndStoresNothing(string name)
    {
        var (photos, organs, fields) = BadInput.All[name]();
        using var author = await fixture.NewUserAsync("bad");
        var before = await fixture.CountsAsync();

        using var response = await author.CreateAsync(photos, organs, fields);
        var message = await response.ErrorAsync(400);

        var after = await fixture.CountsAsync();
        // A photo stored before a later one failed is left for PhotoStore.CollectGarbage (by design): rows must still be untouched.
        if (name == BadInput.GoodThenBad) after = after with { PhotoFiles = before.PhotoFiles };
        Assert.Equal(before, after);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }

    [Theory]
    [InlineData("gif", 415)]
    [InlineData("webp", 415)]
    [InlineData("huge png", 413)]
    public async Task PhotosRefusedLikeTheIdentificationApiStoreNothing(string photo, int status)
    {
        // The same statuses as /v2/identify for the same photos (IdentifyErrorTests).
        var refused = photo switch
        {
            "gif" => Photos.Made("x.gif", TestImages.Gif1x1()),
            "webp" => Photos.Made("x.webp", TestImages.WebP()),
            _ => Photos.Made("huge.png", TestImages.PngWithHeader(60_000, 60_000)),
        };
        using var author = await fixture.NewUserAsync("refused");
        var before = await fixture.CountsAsync();
        using var response = await author.CreateAsync([refused], fields: [new("taxon", "Taraxacum officinale")]);
        Assert.StartsWith("Photo 1:", await response.ErrorAsync(status), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.CountsAsync());
    }

    [Fact]
    public async Task SignedOutCreateIsUnauthorizedAndStoresNothing()
    {
        using var client = fixture.NewClient();
        var before = await fixture.CountsAsync();
        using var response = await client.CreateAsync([Dandelion()], fields: [new("taxon", "Taraxacum officinale")]);
        await response.ErrorAsync(401);
        Assert.Equal(before, await fixture.CountsAsync());
    }

    [Fact]
    public async Task UnknownObservationsAndPhotosAreNotFound()
    {
        using (var r = await fixture.Admin.Http.GetAsync("api/observations/999999", Ct)) await r.ErrorAsync(404);
        using (var r = await fixture.Admin.Http.GetAsync($"api/photos/{new string('a', 64)}", Ct)) await r.ErrorAsync(404);
        using (var r = await fixture.Admin.Http.GetAsync("api/photos/..%2F..%2Fflorascope.db", Ct)) await r.ErrorAsync(404);
        using (var r = await fixture.Admin.IdentifyAsync(999999, "Taraxacum officinale")) await r.ErrorAsync(404);
        using (var r = await fixture.Admin.DeleteAsync(999999)) await r.ErrorAsync(404);
    }

    private async Task<byte[]> GetImageAsync(string url, ObservatoryClient? client = null)
    {
        using var response = await (client ?? fixture.NewClient()).Http.GetAsync(url.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    private async Task<List<int>> FeaturesAsync(string query)
    {
        using var response = await fixture.Admin.Http.GetAsync("api/observations.geojson?" + query, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonNode.Parse(text)!["features"]!.AsArray().Select(f => f!["id"]!.GetValue<int>())];
    }
}

/// <summary>Create requests the API must refuse whole, by name (so each is its own test case).</summary>
internal static class BadInput
{
    public const string GoodThenBad = "good photo then truncated JPEG";

    private static Photo Dandelion(int i = 0) => Photos.Plant("Taraxacum_officinale", i);

    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    public static Dictionary<string, Func<(Photo[] Photos, string[]? Organs, KeyValuePair<string, string>[] Fields)>> All { get; } = new()
    {
        ["no photo"] = () => ([], null, [F("taxon", "Taraxacum officinale")]),
        ["six photos"] = () => ([.. Enumerable.Range(0, 6).Select(i => Dandelion(i % 3))], null, []),
        ["latitude 91"] = () => ([Dandelion()], null, [F("latitude", "91"), F("longitude", "0")]),
        ["longitude -181"] = () => ([Dandelion()], null, [F("latitude", "0"), F("longitude", "-181")]),
        ["latitude without longitude"] = () => ([Dandelion()], null, [F("latitude", "45")]),
        ["latitude not a number"] = () => ([Dandelion()], null, [F("latitude", "north"), F("longitude", "3")]),
        ["latitude NaN"] = () => ([Dandelion()], null, [F("latitude", "NaN"), F("longitude", "3")]),
        ["uncertainty -1"] = () => ([Dandelion()], null, [F("latitude", "45"), F("longitude", "3"), F("uncertainty", "-1")]),
        ["unknown licence"] = () => ([Dandelion()], null, [F("license", "all-rights-reserved")]),
        ["unknown taxon"] = () => ([Dandelion()], null, [F("taxon", "Quercus imaginaria")]),
        ["unknown project"] = () => ([Dandelion()], null, [F("project", "atlantis")]),
        ["unknown organ"] = () => ([Dandelion()], ["petal"], []),
        ["organs not matching photos"] = () => ([Dandelion(0), Dandelion(1)], ["leaf"], []),
        ["text file as a photo"] = () => ([Photos.Made("notes.txt", "just some text, not a picture"u8.ToArray())], null, []),
        ["truncated JPEG"] = () => ([Photos.Made("cut.jpg", Dandelion().Data[..(Dandelion().Data.Length / 2)])], null, []),
        [GoodThenBad] = () => ([Dandelion(2), Photos.Made("cut.jpg", Dandelion(1).Data[..(Dandelion(1).Data.Length / 3)])], null, []),
        ["date in the future"] = () => ([Dandelion()], null, [F("observedUtc", ObservatoryServerFixture.Now.AddDays(30).ToString("O", CultureInfo.InvariantCulture))]),
        ["date before 1800"] = () => ([Dandelion()], null, [F("observedUtc", "1700-01-01T00:00:00Z")]),
        ["date not a date"] = () => ([Dandelion()], null, [F("observedUtc", "yesterday-ish")]),
        ["notes too long"] = () => ([Dandelion()], null, [F("notes", new string('x', 4001))]),
    };
}
