using System.Text;
using Florascope.Data.Challenges;
using Florascope.Data.Storage;
using Florascope.Tests.TestSupport;
using Florascope.Web.Challenges;
using Florascope.Web.Hosting;

namespace Florascope.Tests.Challenges;

/// <summary>The parsed truths kept in memory: read once, the last four challenges kept, a failed read not kept.</summary>
public sealed class RunTruthCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheLastFourTruthsAreKeptAndAMissingOneIsReadAgainLater()
    {
        using var dir = new TempDirectory();
        var files = new ChallengeFileStore(new FileObjectStore(dir.Path));
        using var cpu = new BackgroundCpu();
        var truths = new ChallengeTruths(files, cpu);
        async Task PutAsync(int id) =>
            await files.Store.PutAsync(ChallengeFiles.Truth(id), new MemoryStream(Encoding.UTF8.GetBytes($"o{id};c1\n")), ct: Ct);
        for (var id = 1; id <= 5; id++) await PutAsync(id);

        var first = await truths.GetAsync(1, Ct);
        Assert.Equal(["o1"], first.ObservationIds);
        Assert.Same(first, await truths.GetAsync(1, Ct));
        for (var id = 2; id <= 5; id++) await truths.GetAsync(id, Ct);
        // Five challenges used: the first is out and read anew; the last four are kept.
        Assert.NotSame(first, await truths.GetAsync(1, Ct));
        var fifth = await truths.GetAsync(5, Ct);
        Assert.Same(fifth, await truths.GetAsync(5, Ct));

        var e = await Assert.ThrowsAsync<ChallengeException>(() => truths.GetAsync(9, Ct));
        Assert.Equal(ChallengeError.Conflict, e.Error);
        await PutAsync(9);
        Assert.Equal(["o9"], (await truths.GetAsync(9, Ct)).ObservationIds);
    }
}
