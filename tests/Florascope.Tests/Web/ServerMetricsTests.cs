using System.Net;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>/metrics in the Prometheus text format, for a scraper on the node itself, and for nobody else.</summary>
[Trait("Category", "Slow")]
public sealed class ServerMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsAnswerLoopbackCallersOnlyWithRequestAndInferenceFigures()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(SharedServerFixture.Noon),
            new Dictionary<string, string?> { ["Florascope:Proxies:KnownProxies:0"] = "127.0.0.1" });
        using (await host.Client.GetAsync("/v2/_status", Ct)) { }
        var text = await host.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains("http_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("endpoint=\"/v2/_status\"", text, StringComparison.Ordinal);
        Assert.Contains("florascope_inference_workers ", text, StringComparison.Ordinal);
        Assert.Contains("florascope_inference_admitted ", text, StringComparison.Ordinal);

        // A client beyond the trusted proxy (a documentation address, never contacted) is told nothing.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var outside = await host.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }
}
