using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

/// <summary>`florascope revise`: offline on peerannot files, and on a database.</summary>
[Trait("Category", "Slow")]
public sealed class ReviseCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReprocessesAPeerannotCrowd()
    {
        using var temp = new TempDirectory();
        // Task 0: three workers agree on label 2 (3 x 0.742 = 2.23 > 2): valid.
        // Task 1: worker 10 says 1, worker 11 says 0: a tie goes to the lower label 0; not valid.
        // Task 2: only the model (score 0.9) and worker 12 (the author) say 3: 1.7 + 0.742 = 2.44: valid.
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "answers.json"),
            """{"0": {"10": 2, "11": 2, "12": 2}, "1": {"10": 1, "11": 0}, "2": {"12": 3, "AI": 3}}""", Ct);
        await File.WriteAllLinesAsync(Path.Combine(temp.Path, "authors.txt"), ["10", "-1", "12"], Ct);
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "ai.json"), """{"2": 0.9}""", Ct);
        var output = Path.Combine(temp.Path, "out.json");

        var r = await CliProcess.RunAsync("revise", "--answers", Path.Combine(temp.Path, "answers.json"), "--authors", Path.Combine(temp.Path, "authors.txt"),
            "--ai-scores", Path.Combine(temp.Path, "ai.json"), "--out", output);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("3 tasks, 3 workers, 6 votes and 1 by the model: 2 valid", r.StdOut, StringComparison.Ordinal);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(output, Ct))!;
        var tasks = json["tasks"]!;
        Assert.Equal((2, true), (tasks["0"]!["label"]!.GetValue<int>(), tasks["0"]!["valid"]!.GetValue<bool>()));
        Assert.Equal((0, false, 0.5), (tasks["1"]!["label"]!.GetValue<int>(), tasks["1"]!["valid"]!.GetValue<bool>(), tasks["1"]!["acc"]!.GetValue<double>()));
        Assert.Equal((3, true), (tasks["2"]!["label"]!.GetValue<int>(), tasks["2"]!["valid"]!.GetValue<bool>()));
        Assert.Equal(2.441937, tasks["2"]!["conf"]!.GetValue<double>(), 5);
        Assert.Equal(1.7, json["workers"]!["AI"]!["weight"]!.GetValue<double>());
        Assert.Equal(1, json["workers"]!["10"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task BadCrowdFilesAreRefusedInOneLine()
    {
        using var temp = new TempDirectory();
        var answers = Path.Combine(temp.Path, "answers.json");
        await File.WriteAllTextAsync(answers, """{"0": {"1": "two"}}""", Ct);
        var bad = CliAssert.OneLineError(await CliProcess.RunAsync("revise", "--answers", answers, "--out", Path.Combine(temp.Path, "o.json")));
        Assert.Contains("label must be a non-negative integer", bad, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "o.json")));

        await File.WriteAllTextAsync(answers, """{"0": {"1": 2""", Ct);
        CliAssert.OneLineError(await CliProcess.RunAsync("revise", "--answers", answers, "--out", Path.Combine(temp.Path, "o.json")));
        await File.WriteAllTextAsync(answers, """{"0": {"AI": 2}}""", Ct);
        Assert.Contains("--ai-scores", CliAssert.OneLineError(await CliProcess.RunAsync("revise", "--answers", answers, "--out", Path.Combine(temp.Path, "o.json"))), StringComparison.Ordinal);
        Assert.Contains("--out is required", CliAssert.OneLineError(await CliProcess.RunAsync("revise", "--answers", answers)), StringComparison.Ordinal);
        CliAssert.OneLineError(await CliProcess.RunAsync("revise", "--answers", Path.Combine(temp.Path, "missing.json"), "--out", Path.Combine(temp.Path, "o.json")));
        CliAssert.OneLineError(await CliProcess.RunAsync("revise", "--answers", answers, "--out", Path.Combine(temp.Path, "o.json"), "--theta-acc", "1.5"));
    }

    [Fact]
    public async Task RevisesADatabase()
    {
        using var temp = new TempDirectory();
        var r = await CliProcess.RunAsync("revise", "--data-dir", temp.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Revised 0 observations", r.StdOut, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(temp.Path, "florascope.db")), "the database was created and migrated");
    }
}
