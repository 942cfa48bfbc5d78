using System.Net;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>A server of its own whose clock the tests move (the day of the quota follows it).</summary>
public sealed class ClockServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private FlorascopeHost? _host;

    public FlorascopeHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() =>
        _host = await FlorascopeHost.StartAsync(_data.Path, new FakeClock(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero)));

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>
/// The daily quota: reset at 00:00 UTC, what counts and what does not, /v2/quota/daily and /history.
/// xunit runs the tests of one class one at a time, so each may set the clock as it needs.
/// </summary>
[Trait("Category", "Slow")]
public sealed class QuotaTests(ClockServerFixture fixture) : IClassFixture<ClockServerFixture>
{
    private FlorascopeHost Host => fixture.Host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> IdentifyAsync(TestKey key, Photo? photo = null, string project = "all") =>
        Host.Client.IdentifyAsync(key, Photos.Form(photo ?? Photos.Plant("Rosa"), "auto"), project, "nb-results=1");

    private static string Q(TestKey key) => "api-key=" + Uri.EscapeDataString(key.Secret);

    [Fact]
    public async Task TheQuotaResetsAtMidnightUtc()
    {
        Host.Clock.Set(new DateTimeOffset(2026, 3, 10, 23, 59, 50, TimeSpan.Zero));
        var key = await Host.CreateKeyAsync(quota: 2);

        for (var i = 1; i <= 2; i++)
        {
            using var ok = await IdentifyAsync(key);
            Assert.Equal(2 - i, (await ok.JsonAsync())["remainingIdentificationRequests"]!.GetValue<int>());
            Assert.Equal($"\"dailyQuota\";r={2 - i};t=10", ok.Header("RateLimit"));
        }
        using (var refused = await IdentifyAsync(key))
        {
            await refused.ErrorAsync(429);
            Assert.Equal("\"dailyQuota\";r=0;t=10", refused.Header("RateLimit"));
        }

        var daily = await Host.Client.GetJsonAsync($"v2/quota/daily?{Q(key)}");
        Assert.Equal("2026-03-10", daily["day"]!.GetValue<string>());
        Assert.Equal(2, daily["count"]!.GetValue<int>());
        Assert.Equal(2, daily["quota"]!.GetValue<int>());
        Assert.Equal(0, daily["remaining"]!.GetValue<int>());
        Assert.Equal(10, daily["secondsToReset"]!.GetValue<int>());

        Host.Clock.Set(new DateTimeOffset(2026, 3, 11, 0, 0, 5, TimeSpan.Zero));

        using (var next = await IdentifyAsync(key))
        {
            Assert.Equal(key.Quota - 1, (await next.JsonAsync())["remainingIdentificationRequests"]!.GetValue<int>());
            Assert.Equal("\"dailyQuota\";q=2;w=86400", next.Header("RateLimit-Policy"));
            Assert.Equal("\"dailyQuota\";r=1;t=86395", next.Header("RateLimit"));
        }

        daily = await Host.Client.GetJsonAsync($"v2/quota/daily?{Q(key)}");
        Assert.Equal("2026-03-11", daily["day"]!.GetValue<string>());
        Assert.Equal(1, daily["count"]!.GetValue<int>());
        Assert.Equal(1, daily["remaining"]!.GetValue<int>());

        var history = (await Host.Client.GetJsonAsync($"v2/quota/history?{Q(key)}")).AsArray();
        Assert.Equal([("2026-03-10", 2), ("2026-03-11", 1)],
            history.Select(h => (h!["day"]!.GetValue<string>(), h["count"]!.GetValue<int>())));
    }

    [Fact]
    public async Task SpeciesNotFoundIsCountedBadRequestsAreNot()
    {
        Host.Clock.Set(new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.Zero));
        var key = await Host.CreateKeyAsync(quota: 10);

        // Refused before the model runs: not counted.
        using (var unknownProject = await IdentifyAsync(key, project: "antarctica")) await unknownProject.ErrorAsync(404);
        using (var gif = await IdentifyAsync(key, Photos.Made("a.gif", TestImages.Gif1x1()))) await gif.ErrorAsync(415);
        using (var cut = await IdentifyAsync(key, Photos.Made("a.jpg", TestImages.RedBlueJpeg()[..200]))) await cut.ErrorAsync(400);
        using (var huge = await IdentifyAsync(key, Photos.Made("a.png", TestImages.PngWithHeader(60_000, 60_000)))) await huge.ErrorAsync(413);
        using (var badLang = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Rosa")), query: "lang=xx")) await badLang.ErrorAsync(400);
        Assert.Equal(0, await Host.Client.CountTodayAsync(key));

        // "Species not found": the model ran, so it counts (the documented choice), and says so in its headers.
        using (var notFound = await IdentifyAsync(key, Photos.NonPlant("hammerhead")))
        {
            Assert.Equal("Species not found", await notFound.ErrorAsync(404));
            Assert.Equal("\"dailyQuota\";q=10;w=86400", notFound.Header("RateLimit-Policy"));
            Assert.Equal("\"dailyQuota\";r=9;t=43200", notFound.Header("RateLimit"));
        }
        Assert.Equal(1, await Host.Client.CountTodayAsync(key));

        using (var ok = await IdentifyAsync(key)) Assert.Equal(8, (await ok.JsonAsync())["remainingIdentificationRequests"]!.GetValue<int>());
        Assert.Equal(2, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task ListingEndpointsAreNotCounted()
    {
        var key = await Host.CreateKeyAsync(quota: 3);
        foreach (var url in new[]
        {
            "v2/projects", "v2/projects?lat=48.8&lon=2.3", "v2/projects/weurope/species", "v2/species?prefix=ros",
            "v2/languages", "v2/_status", "v2/quota/daily", "v2/quota/history",
        })
        {
            using var response = await Host.Client.GetAsync($"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{Q(key)}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit"), $"{url} carries a RateLimit header");
        }
        var daily = await Host.Client.GetJsonAsync($"v2/quota/daily?{Q(key)}");
        Assert.Equal(0, daily["count"]!.GetValue<int>());
        Assert.Equal(3, daily["remaining"]!.GetValue<int>());
        Assert.Empty((await Host.Client.GetJsonAsync($"v2/quota/history?{Q(key)}")).AsArray());
    }

    [Theory]
    [InlineData("v2/quota/daily")]
    [InlineData("v2/quota/history")]
    public async Task QuotaEndpointsNeedAKey(string url)
    {
        using var missing = await Host.Client.GetAsync(url, Ct);
        await missing.ErrorAsync(401);
        using var unknown = await Host.Client.GetAsync(url + "?api-key=fsk_unknown", Ct);
        await unknown.ErrorAsync(401);
    }
}
