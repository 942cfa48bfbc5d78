using System.Globalization;
using System.Net;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>/metrics counts refusals by the limit that decided them, and the wait for an inference worker.</summary>
[Trait("Category", "Slow")]
public sealed class LimitMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARefusedIdentificationAndAnIdentificationShowInTheMetrics()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(SharedServerFixture.Noon));
        var key = await host.CreateKeyAsync(quota: 1);
        // The figures are the process's, shared with the tests that run beside this one: they only grow.
        var before = await host.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains("florascope_inference_waiting ", before, StringComparison.Ordinal);
        foreach (var kind in new[] { "api-key-daily", "anonymous-daily", "signed-in-daily", "requests-per-address", "uploads-per-address", "uploads-in-flight", "inference-saturated" })
            Assert.Contains($"florascope_quota_refusals_total{{kind=\"{kind}\"}} ", before, StringComparison.Ordinal);

        using (var identified = await host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Taraxacum_officinale"), "flower")))
            Assert.Equal(HttpStatusCode.OK, identified.StatusCode);
        using (var refused = await host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Taraxacum_officinale"), "flower")))
            await refused.ErrorAsync(429);

        var after = await host.Client.GetStringAsync("/metrics", Ct);
        Assert.True(Value(after, "florascope_quota_refusals_total{kind=\"api-key-daily\"}") >= Value(before, "florascope_quota_refusals_total{kind=\"api-key-daily\"}") + 1);
        Assert.True(Value(after, "florascope_inference_wait_seconds_count") >= Value(before, "florascope_inference_wait_seconds_count") + 1);
        Assert.Contains("florascope_inference_wait_seconds_bucket{le=\"0.005\"}", after, StringComparison.Ordinal);
    }

    /// <summary>The value of one sample of the Prometheus text format (0 when absent).</summary>
    private static double Value(string metrics, string sample) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture) : 0;
}
