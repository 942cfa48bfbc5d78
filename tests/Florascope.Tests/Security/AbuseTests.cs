using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Security;

/// <summary>
/// A server with one user, one API key and one observation, for the abuse cases: each hostile
/// request must get a 4xx (with the documented body when the application answers), store nothing,
/// and leave the server answering normal requests.
/// </summary>
public sealed class AbuseServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private FlorascopeHost? _host;

    public FlorascopeHost Host => _host ?? throw new InvalidOperationException("Not started.");
    public ObservatoryClient Owner { get; private set; } = null!;
    public ObservatoryClient Other { get; private set; } = null!;
    public ObservatoryClient Anonymous { get; private set; } = null!;
    public TestKey Key { get; private set; } = null!;
    public int ObservationId { get; private set; }
    public int PhotoId { get; private set; }
    public string PhotoSha { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _host = await FlorascopeHost.StartAsync(_data.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero)));
        Owner = new ObservatoryClient(Host.BaseAddress);
        Other = new ObservatoryClient(Host.BaseAddress);
        Anonymous = new ObservatoryClient(Host.BaseAddress);
        await Owner.SignedUpAsync("owner");
        await Other.SignedUpAsync("other");
        Key = await Host.CreateKeyAsync(quota: 100_000, name: "abuse");
        var created = await Owner.CreatedAsync();
        ObservationId = created["id"]!.GetValue<int>();
        PhotoId = created["photos"]![0]!["id"]!.GetValue<int>();
        PhotoSha = created["photos"]![0]!["sha256"]!.GetValue<string>();
    }

    /// <summary>What the database and the photo folder hold: a refused request must change none of it.</summary>
    public async Task<string> StoredAsync()
    {
        await using var scope = Host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var ct = TestContext.Current.CancellationToken;
        var o = await db.Observations.AsNoTracking().OrderBy(x => x.Id).Select(x => new { x.Id, x.TaxonName, x.Latitude, x.Longitude, x.Notes, x.License, x.ObservedUtc, x.UpdatedUtc })
            .ToListAsync(ct);
        var photoFiles = Directory.Exists(Path.Combine(_data.Path, "photos"))
            ? Directory.EnumerateFiles(Path.Combine(_data.Path, "photos"), "*", SearchOption.AllDirectories).Count() : 0;
        return string.Join(" | ",
            string.Join(";", o.Select(x => x.ToString())),
            await db.ObservationPhotos.CountAsync(ct), await db.Identifications.CountAsync(ct), await db.PhotoVotes.CountAsync(ct),
            await db.Users.CountAsync(ct), await db.Users.CountAsync(u => u.IsAdmin, ct), await db.ApiKeys.CountAsync(ct),
            await db.GameSkips.CountAsync(ct), await db.ThreatStatuses.CountAsync(ct), photoFiles);
    }

    public async ValueTask DisposeAsync()
    {
        Owner?.Dispose();
        Other?.Dispose();
        Anonymous?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>
/// The abuse class: hostile or malformed requests against every endpoint family (identification,
/// taxonomy, quotas, media, photos, observations, identifications, votes, accounts, game, models,
/// protocol). Each is answered 4xx, never 5xx; stores nothing; and the server still answers a real
/// identification afterwards.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AbuseTests(AbuseServerFixture fixture) : IClassFixture<AbuseServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string K => Uri.EscapeDataString(fixture.Key.Secret);

    public static TheoryData<string> Cases => [.. CaseNames];

    private static readonly string[] CaseNames =
    [
        // The identification API.
        "identify-no-key", "identify-unknown-key", "identify-huge-key", "identify-unknown-project", "identify-traversal-project",
        "identify-json-body", "identify-no-boundary", "identify-no-images", "identify-six-images", "identify-organ-count",
        "identify-unknown-organ", "identify-long-organ", "identify-empty-file", "identify-text-file", "identify-truncated-jpeg",
        "identify-gif", "identify-webp", "identify-png-bomb-header", "identify-garbage-multipart", "identify-long-boundary",
        "identify-over-body-limit", "identify-nb-results-zero", "identify-nb-results-text", "identify-nb-results-overflow",
        "identify-unknown-lang", "identify-bad-bool", "identify-bad-type", "identify-get-ssrf", "identify-get-file-url",
        "web-identify-unknown-project", "web-identify-text-file",
        // Taxonomy and quotas.
        "projects-lat-nan", "projects-lat-range", "projects-lat-alone", "species-page-overflow", "species-page-zero",
        "species-pagesize-alone", "species-bad-lang", "species-unknown-project", "quota-no-key", "quota-sql-key",
        // Media and photos.
        "media-traversal", "media-encoded-traversal", "media-backslash-traversal", "media-bad-size", "photo-traversal",
        "photo-not-hex", "photo-bad-size",
        // Observations.
        "create-anonymous", "create-no-token", "create-no-photo", "create-six-photos", "create-lat-nan", "create-lat-range",
        "create-lat-alone", "create-uncertainty-negative", "create-future-date", "create-bad-date", "create-long-notes",
        "create-bad-license", "create-bad-project", "create-unknown-taxon", "create-text-photo", "create-gif-photo",
        "create-organ-count",
        // Identifications, edits, votes.
        "identify-obs-missing", "identify-obs-unknown-taxon", "identify-obs-no-token", "edit-others", "edit-lat-nan",
        "delete-others", "delete-missing", "delete-anonymous", "vote-bad-aspect", "vote-missing-photo", "vote-bad-organ",
        // Lists and map.
        "latest-page-zero", "latest-page-size", "latest-page-text", "geo-bbox-short", "geo-bbox-nan", "geo-bbox-range",
        "geo-bad-date",
        // Accounts.
        "signup-no-token", "signup-short-password", "signup-bad-name", "signup-huge-name", "signup-duplicate", "signup-bad-email",
        "signin-wrong-password", "signin-unknown", "signin-json", "keys-anonymous",
        // Game and models.
        "game-anonymous", "game-count", "game-project", "game-skip-missing", "leaderboard-count", "models-not-admin",
        // Statistics and open data.
        "stats-bad-cell", "stats-unknown-taxon", "stats-reversed-dates", "stats-huge-top", "open-data-post",
        // Protocol.
        "huge-header", "method-not-allowed",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IsRefusedWithoutHarm(string name)
    {
        var before = await fixture.StoredAsync();
        using var response = await SendAsync(name);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status is >= 400 and < 500, $"{name}: expected a 4xx, got {status}: {text}");
        // Statuses Kestrel answers itself before the application (431, an aborted 413) have no body; every other has the API's.
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var body = JsonNode.Parse(text)!.AsObject();
            Assert.Equal(status, body["statusCode"]!.GetValue<int>());
            Assert.False(string.IsNullOrWhiteSpace(body["error"]?.GetValue<string>()), name);
            Assert.False(string.IsNullOrWhiteSpace(body["message"]?.GetValue<string>()), name);
        }
        else
        {
            Assert.True(status is 405 or 413 or 414 or 431, $"{name}: {status} without the API's JSON body: {text}");
        }
        Assert.Equal(before, await fixture.StoredAsync());

        // The server still serves real work after it.
        using var normal = await fixture.Host.Client.PostAsync($"v2/identify/all?api-key={K}", Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
    }

    [Fact]
    public void CoversAtLeastSixtyCases()
    {
        Assert.True(CaseNames.Length >= 60, $"{CaseNames.Length} cases");
        Assert.Equal(CaseNames.Length, CaseNames.Distinct().Count());
    }

    private Task<HttpResponseMessage> SendAsync(string name)
    {
        var owner = fixture.Owner;
        var other = fixture.Other;
        var anonymous = fixture.Anonymous;
        var id = fixture.ObservationId;
        var plant = Photos.Plant("Taraxacum_officinale");
        return name switch
        {
            "identify-no-key" => Post("v2/identify/all", Photos.Form(plant)),
            "identify-unknown-key" => Post("v2/identify/all?api-key=not-a-key", Photos.Form(plant)),
            "identify-huge-key" => Post("v2/identify/all?api-key=" + new string('k', 20_000), Photos.Form(plant)),
            "identify-unknown-project" => Post($"v2/identify/nope?api-key={K}", Photos.Form(plant)),
            "identify-traversal-project" => Post($"v2/identify/..%2F..%2Fetc%2Fpasswd?api-key={K}", Photos.Form(plant)),
            "identify-json-body" => Post($"v2/identify/all?api-key={K}", new StringContent("{\"images\":[]}", Encoding.UTF8, "application/json")),
            "identify-no-boundary" => Post($"v2/identify/all?api-key={K}", Raw("--x\r\n\r\n", "multipart/form-data")),
            "identify-no-images" => Post($"v2/identify/all?api-key={K}", Fields(("organs", "leaf"))),
            "identify-six-images" => Post($"v2/identify/all?api-key={K}", Photos.Form([.. Enumerable.Range(0, 6).Select(i => Photos.Plant("Taraxacum_officinale", i))])),
            "identify-organ-count" => Post($"v2/identify/all?api-key={K}", Photos.Form([plant, plant], ["leaf"])),
            "identify-unknown-organ" => Post($"v2/identify/all?api-key={K}", Photos.Form(plant, "root")),
            "identify-long-organ" => Post($"v2/identify/all?api-key={K}", Photos.Form(plant, new string('x', 10_000))),
            "identify-empty-file" => Post($"v2/identify/all?api-key={K}", Photos.Form(Photos.Made("empty.jpg", []))),
            "identify-text-file" => Post($"v2/identify/all?api-key={K}", Photos.Form(Photos.Made("list.jpg", TestImages.TextFile()))),
            "identify-truncated-jpeg" => Post($"v2/identify/all?api-key={K}", Photos.Form(Photos.Made("cut.jpg", plant.Data[..(plant.Data.Length / 3)]))),
            "identify-gif" => Post($"v2/identify/all?api-key={K}", Photos.Form(Photos.Made("a.gif", TestImages.Gif1x1()))),
            "identify-webp" => Post($"v2/identify/all?api-key={K}", Photos.Form(Photos.Made("a.webp", TestImages.WebP()))),
            "identify-png-bomb-header" => Post($"v2/identify/all?api-key={K}", Photos.Form(Photos.Made("bomb.png", TestImages.PngWithHeader(100_000, 100_000)))),
            "identify-garbage-multipart" => Post($"v2/identify/all?api-key={K}", Raw("this is not multipart at all\r\n--b--", "multipart/form-data; boundary=b")),
            "identify-long-boundary" => Post($"v2/identify/all?api-key={K}", Raw("--x--", "multipart/form-data; boundary=" + new string('b', 200))),
            "identify-over-body-limit" => OverLimitAsync($"v2/identify/all?api-key={K}"),
            "identify-nb-results-zero" => Post($"v2/identify/all?api-key={K}&nb-results=0", Photos.Form(plant)),
            "identify-nb-results-text" => Post($"v2/identify/all?api-key={K}&nb-results=ten", Photos.Form(plant)),
            "identify-nb-results-overflow" => Post($"v2/identify/all?api-key={K}&nb-results=99999999999999", Photos.Form(plant)),
            "identify-unknown-lang" => Post($"v2/identify/all?api-key={K}&lang=klingon", Photos.Form(plant)),
            "identify-bad-bool" => Post($"v2/identify/all?api-key={K}&include-related-images=maybe", Photos.Form(plant)),
            "identify-bad-type" => Post($"v2/identify/all?api-key={K}&type=<script>", Photos.Form(plant)),
            "identify-get-ssrf" => Get($"v2/identify/all?api-key={K}&images={Uri.EscapeDataString("http://127.0.0.1:22/")}&organs=leaf"),
            "identify-get-file-url" => Get($"v2/identify/all?api-key={K}&images={Uri.EscapeDataString("file:///etc/passwd")}&organs=leaf"),
            "web-identify-unknown-project" => anonymous.Http.PostAsync("api/identify/nope", Photos.Form(plant), Ct),
            "web-identify-text-file" => anonymous.Http.PostAsync("api/identify/all", Photos.Form(Photos.Made("x.jpg", TestImages.TextFile())), Ct),

            "projects-lat-nan" => Get($"v2/projects?api-key={K}&lat=NaN&lon=0"),
            "projects-lat-range" => Get($"v2/projects?api-key={K}&lat=91&lon=0"),
            "projects-lat-alone" => Get($"v2/projects?api-key={K}&lat=45"),
            "species-page-overflow" => Get($"v2/species?api-key={K}&pageSize=1000&page=21474838"),
            "species-page-zero" => Get($"v2/species?api-key={K}&pageSize=10&page=0"),
            "species-pagesize-alone" => Get($"v2/species?api-key={K}&pageSize=10"),
            "species-bad-lang" => Get($"v2/species?api-key={K}&lang=..%2F..%2Fetc"),
            "species-unknown-project" => Get($"v2/projects/nope/species?api-key={K}"),
            "quota-no-key" => Get("v2/quota/daily"),
            "quota-sql-key" => Get($"v2/quota/history?api-key={Uri.EscapeDataString("' OR 1=1 --")}"),

            "media-traversal" => Get("media/../../etc/passwd"),
            "media-encoded-traversal" => Get("media/%2e%2e/%2e%2e/%2e%2e/etc/passwd?size=o"),
            "media-backslash-traversal" => Get("media/..%5c..%5c..%5cetc%5cpasswd"),
            "media-bad-size" => Get("media/demo-flora/train/Helianthus_annuus/x.jpg?size=huge"),
            "photo-traversal" => Get("api/photos/..%2F..%2Fflorascope.db"),
            "photo-not-hex" => Get("api/photos/" + new string('z', 64)),
            "photo-bad-size" => Get($"api/photos/{fixture.PhotoSha}?size=q"),

            "create-anonymous" => anonymous.CreateAsync([plant]),
            "create-no-token" => owner.CreateAsync([plant], withToken: false),
            "create-no-photo" => owner.CreateAsync([], fields: [new("taxon", "Taraxacum officinale")]),
            "create-six-photos" => owner.CreateAsync([.. Enumerable.Range(0, 6).Select(i => Photos.Plant("Taraxacum_officinale", i))]),
            "create-lat-nan" => owner.CreateAsync([plant], fields: [new("latitude", "NaN"), new("longitude", "3")]),
            "create-lat-range" => owner.CreateAsync([plant], fields: [new("latitude", "95"), new("longitude", "3")]),
            "create-lat-alone" => owner.CreateAsync([plant], fields: [new("latitude", "45")]),
            "create-uncertainty-negative" => owner.CreateAsync([plant], fields: [new("latitude", "45"), new("longitude", "3"), new("uncertainty", "-5")]),
            "create-future-date" => owner.CreateAsync([plant], fields: [new("observedUtc", "9999-01-01T00:00:00Z")]),
            "create-bad-date" => owner.CreateAsync([plant], fields: [new("observedUtc", "yesterday-ish")]),
            "create-long-notes" => owner.CreateAsync([plant], fields: [new("notes", new string('n', 5000))]),
            "create-bad-license" => owner.CreateAsync([plant], fields: [new("license", "all-rights-reserved")]),
            "create-bad-project" => owner.CreateAsync([plant], fields: [new("project", "../../x")]),
            "create-unknown-taxon" => owner.CreateAsync([plant], fields: [new("taxon", "Nonexistia imaginaria")]),
            "create-text-photo" => owner.CreateAsync([Photos.Made("x.jpg", TestImages.TextFile())]),
            "create-gif-photo" => owner.CreateAsync([Photos.Made("x.gif", TestImages.Gif1x1())]),
            "create-organ-count" => owner.CreateAsync([plant, plant], organs: ["leaf"]),

            "identify-obs-missing" => other.IdentifyAsync(999_999, "Taraxacum officinale"),
            "identify-obs-unknown-taxon" => other.IdentifyAsync(id, "Nonexistia imaginaria"),
            "identify-obs-no-token" => other.IdentifyAsync(id, "Taraxacum officinale", withToken: false),
            "edit-others" => other.PostFormAsync($"api/observations/{id}/edit", [new("notes", "mine now")]),
            "edit-lat-nan" => owner.PostFormAsync($"api/observations/{id}/edit", [new("latitude", "NaN"), new("longitude", "1")]),
            "delete-others" => other.DeleteAsync(id),
            "delete-missing" => owner.DeleteAsync(999_999),
            "delete-anonymous" => anonymous.DeleteAsync(id),
            "vote-bad-aspect" => other.PostFormAsync($"api/photos/{fixture.PhotoId}/votes", [new("aspect", "beauty"), new("value", "yes")]),
            "vote-missing-photo" => other.PostFormAsync("api/photos/999999/votes", [new("aspect", "not-a-plant"), new("value", "yes")]),
            "vote-bad-organ" => other.PostFormAsync($"api/photos/{fixture.PhotoId}/votes", [new("aspect", "organ"), new("value", "root")]),

            "latest-page-zero" => Get("api/observations?page=0"),
            "latest-page-size" => Get("api/observations?pageSize=100000"),
            "latest-page-text" => Get("api/observations?page=first"),
            "geo-bbox-short" => Get("api/observations.geojson?bbox=1,2,3"),
            "geo-bbox-nan" => Get("api/observations.geojson?bbox=NaN,0,1,1"),
            "geo-bbox-range" => Get("api/observations.geojson?bbox=-200,0,0,0"),
            "geo-bad-date" => Get("api/observations.geojson?from=not-a-date"),

            "signup-no-token" => anonymous.SignUpAsync("tokenless", "tokenless@example.org", withToken: false),
            "signup-short-password" => anonymous.SignUpAsync("shortpw", "shortpw@example.org", "abc"),
            "signup-bad-name" => anonymous.SignUpAsync("../admin", "traversal@example.org"),
            "signup-huge-name" => anonymous.SignUpAsync(new string('a', 10_000), "huge@example.org"),
            "signup-duplicate" => anonymous.SignUpAsync("owner", "owner-again@example.org"),
            "signup-bad-email" => anonymous.SignUpAsync("noemail", "not-an-email"),
            "signin-wrong-password" => anonymous.SignInAsync("owner", "wrong password!"),
            "signin-unknown" => anonymous.SignInAsync("nobody-here", "wrong password!"),
            "signin-json" => anonymous.Http.PostAsync("api/account/signin", new StringContent("{\"login\":\"owner\"}", Encoding.UTF8, "application/json"), Ct),
            "keys-anonymous" => anonymous.PostFormAsync("api/account/keys", [new("name", "stolen")]),

            "game-anonymous" => anonymous.Http.GetAsync("api/game/next", Ct),
            "game-count" => other.Http.GetAsync("api/game/next?count=1000", Ct),
            "game-project" => other.Http.GetAsync("api/game/next?project=nope", Ct),
            "game-skip-missing" => GameSkipMissingAsync(other),
            "leaderboard-count" => Get("api/game/leaderboard?count=0"),
            "models-not-admin" => other.Http.GetAsync("api/models", Ct),

            "stats-bad-cell" => Get("api/stats/taxa/Taraxacum%20officinale?cell=NaN"),
            "stats-unknown-taxon" => Get("api/stats/taxa/..%2F..%2Fetc"),
            "stats-reversed-dates" => Get("api/stats?from=2026-05-01&to=2026-01-01"),
            "stats-huge-top" => Get("api/stats?top=99999999999"),
            "open-data-post" => anonymous.Http.PostAsync("open-data/dwca.zip", new StringContent("x"), Ct),
            "huge-header" => HugeHeaderAsync(),
            "method-not-allowed" => anonymous.Http.PutAsync("api/observations", new StringContent("x"), Ct),
            _ => throw new ArgumentException($"No case {name}.", nameof(name)),
        };
    }

    private Task<HttpResponseMessage> Get(string url) => fixture.Host.Client.GetAsync(url, Ct);

    private Task<HttpResponseMessage> Post(string url, HttpContent content) => fixture.Host.Client.PostAsync(url, content, Ct);

    private static ByteArrayContent Raw(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static MultipartFormDataContent Fields(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (n, v) in fields) form.Add(new StringContent(v), n);
        return form;
    }

    /// <summary>
    /// A multipart body of 51 MB (one image part of zeros), over the 50 MB limit, sent as a careful
    /// client does (Expect: 100-continue), so it reads the refusal instead of a closed connection.
    /// </summary>
    private Task<HttpResponseMessage> OverLimitAsync(string url)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(new byte[51 * 1024 * 1024]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "images", "big.jpg");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
        request.Headers.ExpectContinue = true;
        return fixture.Host.Client.SendAsync(request, Ct);
    }

    private async Task<HttpResponseMessage> GameSkipMissingAsync(ObservatoryClient client)
    {
        var (_, header, token) = await client.AntiforgeryAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/game/skip/999999");
        request.Headers.Add(header, token);
        return await client.Http.SendAsync(request, Ct);
    }

    private Task<HttpResponseMessage> HugeHeaderAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/observations");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('p', 100_000));
        return fixture.Host.Client.SendAsync(request, Ct);
    }
}
