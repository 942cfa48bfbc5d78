using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Challenges;

[Trait("Category", "Slow")]
public sealed class ChallengeCliTests
{
    [Fact]
    public async Task ARunIsScoredAndAMalformedOneIsOneLineWithItsLineNumberAndExit2()
    {
        using var dir = new TempDirectory();
        var truth = Path.Combine(dir.Path, "truth.csv");
        var run = Path.Combine(dir.Path, "run.txt");
        await File.WriteAllTextAsync(truth, "o1;A\no2;A\no3;B\no4;C\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(run, "o1;A;0.9;1\no1;B;0.1;2\no2;B;0.6;1\no2;A;0.4;2\no3;C;0.5;1\no3;A;0.5;2\no3;B;0.3;3\n", TestContext.Current.CancellationToken);

        var ok = await CliProcess.RunAsync("challenge", "score", "--truth", truth, "--run", run, "--json");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(ok.StdOut)!;
        Assert.Equal(0.458333, json["mrr"]!.GetValue<double>(), 5);
        Assert.Equal(0.361111, json["macroMrr"]!.GetValue<double>(), 5);
        Assert.Equal(0.25, json["top1"]!.GetValue<double>());
        Assert.Equal(0.75, json["top5"]!.GetValue<double>());

        await File.WriteAllTextAsync(run, "o1;A;0.9;1\no1;B;1.2;2\n", TestContext.Current.CancellationToken);
        var bad = await CliProcess.RunAsync("challenge", "score", "--truth", truth, "--run", run);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("", bad.StdOut);
        var line = Assert.Single(bad.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("run.txt:2: probability 1.2", line, StringComparison.Ordinal);
    }
}
