using System.Diagnostics;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>A short burst of parallel clients on one key: the quota holds exactly and nothing fails.</summary>
[Trait("Category", "Slow")]
[Collection(SharedServerCollection.Name)]
public sealed class LoadTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task TwentyFourParallelRequestsOnAQuotaOf20()
    {
        var host = fixture.Host;
        var key = await host.CreateKeyAsync(quota: 20);

        var clock = Stopwatch.StartNew();
        var statuses = await QuotaRace.RunAsync([host], key, requests: 24, clients: 8);
        TestContext.Current.SendDiagnosticMessage($"24 identifications, 8 clients: {clock.Elapsed.TotalSeconds:F1} s");

        QuotaRace.AssertExactlyGranted(statuses, 20);
        Assert.Equal(20, await host.Client.CountTodayAsync(key));
    }
}
