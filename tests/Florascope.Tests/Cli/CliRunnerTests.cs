using Florascope.Cli;

namespace Florascope.Tests.Cli;

/// <summary>The asynchronous actions keep the exit codes of the synchronous ones; Ctrl+C (a cancelled token) is its own code.</summary>
public sealed class CliRunnerTests
{
    [Fact]
    public async Task AsyncBodiesKeepTheExitCodes()
    {
        Assert.Equal(ExitCodes.Ok, await CliRunner.RunAsync(() => Task.FromResult(ExitCodes.Ok), CancellationToken.None));
        Assert.Equal(ExitCodes.BadInput, await CliRunner.RunAsync(async () =>
        {
            await Task.Yield();
            throw new ArgumentException("bad argument");
        }, CancellationToken.None));
        Assert.Equal(ExitCodes.Internal, await CliRunner.RunAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("a bug");
        }, CancellationToken.None));
    }

    [Fact]
    public async Task ACancelledRunEndsWithTheInterruptCode()
    {
        using var interrupted = new CancellationTokenSource();
        await interrupted.CancelAsync();
        Assert.Equal(ExitCodes.Cancelled, await CliRunner.RunAsync(async () =>
        {
            await Task.Delay(Timeout.Infinite, interrupted.Token);
            return ExitCodes.Ok;
        }, interrupted.Token));
        // A cancellation that is not the user's (e.g. a timeout inside) stays an internal error.
        Assert.Equal(ExitCodes.Internal, await CliRunner.RunAsync(() => Task.FromCanceled<int>(interrupted.Token), CancellationToken.None));
    }
}
