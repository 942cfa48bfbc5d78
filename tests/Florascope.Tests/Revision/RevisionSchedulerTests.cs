using Florascope.Data;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Revision;

/// <summary>The server's revision settings: parameters from configuration, and the batch on a schedule.</summary>
[Trait("Category", "Slow")]
public sealed class RevisionSchedulerTests
{
    [Fact]
    public async Task TheVotesParametersComeFromConfiguration()
    {
        using var temp = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(temp.Path, new FakeClock(DateTimeOffset.UtcNow), new Dictionary<string, string?>
        {
            ["Florascope:Revision:ThetaConfidence"] = "5",
            ["Florascope:Revision:AiMinScore"] = "0.95",
            ["Florascope:Revision:AiWeight"] = "1.2",
        });
        using var author = new ObservatoryClient(host.BaseAddress);
        await author.SignedUpAsync("author");
        var revision = (await author.CreatedAsync())["revision"]!;
        Assert.Equal(5, revision["thetaConfidence"]!.GetValue<double>());
        Assert.Equal(0.95, revision["modelMinScore"]!.GetValue<double>());
        // With these thresholds the author and the model cannot validate it.
        Assert.NotEqual("valid", revision["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheServerRerunsTheBatchOnItsSchedule()
    {
        using var temp = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(temp.Path, new FakeClock(DateTimeOffset.UtcNow), new Dictionary<string, string?>
        {
            ["Florascope:Revision:BatchIntervalMinutes"] = "1",
            ["Florascope:Jobs:PollSeconds"] = "0.1",
        });
        using var author = new ObservatoryClient(host.BaseAddress);
        var authorId = (await author.SignedUpAsync("author"))["id"]!.GetValue<int>();
        // A dandelion the model is sure of: the author and the model validate it at once...
        var created = await author.CreatedAsync();
        Assert.Equal("valid", created["revision"]!["status"]!.GetValue<string>());

        // ...and the next batch credits the author with one proven taxon (n_author = 1), which the
        // incremental path never does.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int expertise;
        do
        {
            // The batch is due a period after its last run, on the clock the jobs read.
            host.Clock.Set(host.Clock.GetUtcNow().AddMinutes(1));
            await Task.Delay(200, TestContext.Current.CancellationToken);
            await using var scope = host.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            expertise = await db.Users.Where(u => u.Id == authorId).Select(u => u.Expertise).SingleAsync(TestContext.Current.CancellationToken);
        }
        while (expertise == 0 && DateTime.UtcNow < deadline);
        Assert.Equal(1, expertise);
    }
}
