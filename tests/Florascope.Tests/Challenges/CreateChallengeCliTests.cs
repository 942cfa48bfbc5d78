using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Challenges;

/// <summary><c>florascope challenge create|list|close</c> as a child process on a SQLite data directory.</summary>
[Trait("Category", "Slow")]
public sealed class CreateChallengeCliTests
{
    [Fact]
    public async Task CreatesListsAndClosesAChallengeWithOneLineErrors()
    {
        using var dir = new TempDirectory();
        foreach (var (folder, n) in new[] { ("train", 2), ("test", 2) })
            foreach (var taxon in new[] { "Bellis_perennis", "Rosa_canina" })
            {
                var d = Directory.CreateDirectory(Path.Combine(dir.Path, folder, taxon)).FullName;
                // Train and test photos differ (a photo in both is refused).
                for (var i = 0; i < n; i++) File.WriteAllBytes(Path.Combine(d, $"p{i}.jpg"), TestImages.Jpeg(64 + i + (folder == "test" ? 8 : 0), 48, SKColors.Green));
            }
        var data = Path.Combine(dir.Path, "data");
        string[] Db(params string[] args) => [.. args, "--data-dir", data];
        var train = Path.Combine(dir.Path, "train");
        var test = Path.Combine(dir.Path, "test");

        var created = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Spring trial", "--train", train, "--test", test,
            "--opens", "2020-01-01", "--closes", "2099-01-01T12:00:00Z", "--daily-limit", "3", "--team-size", "2", "--public-percent", "40"));
        Assert.True(created.ExitCode == 0, created.ToString());
        var lines = created.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("spring-trial", lines[0]);
        Assert.StartsWith("4 training photos, 4 test observations, 2 classes; open 2020-01-01 00:00Z to 2099-01-01 12:00Z", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("published ", StringComparison.Ordinal) && l.EndsWith("test.zip", StringComparison.Ordinal) && File.Exists(l["published ".Length..]));
        Assert.Contains(lines, l => l.StartsWith("hidden ", StringComparison.Ordinal) && l.EndsWith("truth.csv", StringComparison.Ordinal));

        var list = await CliProcess.RunAsync(Db("challenge", "list"));
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.StartsWith("spring-trial\topen\t2020-01-01 00:00Z\t2099-01-01 12:00Z\t0 teams\t0 runs\t4 test observations\t2 classes\tSpring trial", list.StdOut, StringComparison.Ordinal);

        var taken = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Spring trial", "--train", train, "--test", test));
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("'spring-trial' is taken", Assert.Single(taken.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);

        var badDate = await CliProcess.RunAsync(Db("challenge", "create", "--name", "Other", "--train", train, "--test", test, "--opens", "soon"));
        Assert.Equal(2, badDate.ExitCode);
        Assert.Contains("--opens: 'soon' is not a date", badDate.StdErr, StringComparison.Ordinal);

        var closed = await CliProcess.RunAsync(Db("challenge", "close", "spring-trial"));
        Assert.True(closed.ExitCode == 0, closed.ToString());
        Assert.StartsWith("spring-trial closed at ", closed.StdOut, StringComparison.Ordinal);
        Assert.StartsWith("spring-trial\tclosed\t", (await CliProcess.RunAsync(Db("challenge", "list"))).StdOut, StringComparison.Ordinal);

        var again = await CliProcess.RunAsync(Db("challenge", "close", "spring-trial"));
        Assert.Equal(2, again.ExitCode);
        Assert.Equal("florascope: The challenge 'spring-trial' is already closed.", again.StdErr.Trim());
        Assert.Equal(2, (await CliProcess.RunAsync(Db("challenge", "close", "nope"))).ExitCode);
    }
}
