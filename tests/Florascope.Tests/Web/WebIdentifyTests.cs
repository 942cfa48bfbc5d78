using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>The web app's identification: no api-key, a daily limit per address without an account.</summary>
[Trait("Category", "Slow")]
public sealed class WebIdentifyTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();
    private FlorascopeHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await FlorascopeHost.StartAsync(_dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:AnonymousDailyIdentifications"] = "2" });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task AnonymousIdentificationsAreLimitedPerAddressAndBadInputIsNotCounted()
    {
        var photo = Photos.Plant("Helianthus_annuus");
        var bad = await _host.Client.PostAsync("/api/identify/all", Photos.Form(Photos.Made("notes.jpg", "not an image"u8.ToArray())), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var first = await _host.Client.PostAsync("/api/identify/all?lang=fr", Photos.Form(photo, "auto"), Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = JsonNode.Parse(await first.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Helianthus annuus", body["results"]![0]!["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>());
        Assert.Equal(1, body["remainingIdentificationRequests"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/api/identify/all", Photos.Form(photo), Ct)).StatusCode);
        var third = await _host.Client.PostAsync("/api/identify/all", Photos.Form(photo), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("sign in", (await third.Content.ReadAsStringAsync(Ct)), StringComparison.OrdinalIgnoreCase);

        // A new UTC day starts a new count.
        _host.Clock.Set(new DateTimeOffset(2026, 6, 2, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/api/identify/all", Photos.Form(photo), Ct)).StatusCode);
    }

    [Fact]
    public async Task SignedInUsersAreNotLimitedByAddress()
    {
        using var user = new ObservatoryClient(_host.BaseAddress);
        Assert.True((await user.SignUpAsync("webid", "webid@example.org")).IsSuccessStatusCode);
        var photo = Photos.Plant("Zea_mays");
        for (var i = 0; i < 3; i++)
        {
            var response = await user.Http.PostAsync("/api/identify/all", Photos.Form(photo), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
