using Florascope.Web.Hosting;

namespace Florascope.Tests.Challenges;

/// <summary>The low-priority CPU thread that checks and scores runs: results, errors, and a full queue refused at once.</summary>
public sealed class RunBackgroundCpuTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WorkRunsOnItsOwnThreadAndItsResultComesBack()
    {
        using var cpu = new BackgroundCpu();
        var (result, thread) = await cpu.RunAsync(_ => (6 * 7, Environment.CurrentManagedThreadId), Ct);
        Assert.Equal(42, result);
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
        Assert.Equal(thread, await cpu.RunAsync(_ => Environment.CurrentManagedThreadId, Ct));
    }

    [Fact]
    public async Task AnExceptionOfTheWorkReachesTheCaller()
    {
        using var cpu = new BackgroundCpu();
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => cpu.RunAsync<int>(_ => throw new InvalidDataException("bad run"), Ct));
        Assert.Equal("bad run", e.Message);
        Assert.Equal(1, await cpu.RunAsync(_ => 1, Ct));
    }

    [Fact]
    public async Task AFullQueueRefusesAtOnce()
    {
        using var cpu = new BackgroundCpu(capacity: 2);
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var running = cpu.RunAsync(_ => { started.Set(); gate.Wait(TimeSpan.FromMinutes(1), Ct); return 0; }, Ct);
        Assert.True(started.Wait(TimeSpan.FromMinutes(1), Ct));
        var queued = new[] { cpu.RunAsync(_ => 1, Ct), cpu.RunAsync(_ => 2, Ct) };
        // Refused synchronously, before any task exists.
        Assert.Throws<BackgroundCpuBusyException>(() => { _ = cpu.RunAsync(_ => 3, Ct); });
        gate.Set();
        var results = await Task.WhenAll(new[] { running }.Concat(queued));
        Assert.Equal([0, 1, 2], results);
        Assert.Equal(4, await cpu.RunAsync(_ => 4, Ct));
    }
}
