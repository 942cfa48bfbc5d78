using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>/health/live and /health/ready, as a load balancer asks them.</summary>
[Collection(SharedServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed class HealthTests(SharedServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LiveAsksNothingAndReadyChecksTheDatabaseTheModelAndThePhotos()
    {
        using var live = await fixture.Host.Client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var liveBody = JsonNode.Parse(await live.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Healthy", liveBody["status"]!.GetValue<string>());
        Assert.Empty(liveBody["checks"]!.AsArray());

        using var ready = await fixture.Host.Client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("no-store", ready.Headers.CacheControl!.ToString());
        var checks = JsonNode.Parse(await ready.Content.ReadAsStringAsync(Ct))!["checks"]!.AsArray();
        Assert.Equal(["database", "model", "photos"], checks.Select(c => c!["name"]!.GetValue<string>()).Order());
        Assert.All(checks, c => Assert.Equal("Healthy", c!["status"]!.GetValue<string>()));
    }
}
