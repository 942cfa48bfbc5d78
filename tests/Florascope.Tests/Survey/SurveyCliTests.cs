using System.Text.Json;
using Florascope.Survey;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Survey;

/// <summary><c>florascope survey PHOTO</c>: the table, --json, and refused photos and settings (exit 2, one line).</summary>
[Trait("Category", "Slow")]
public sealed class SurveyCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, byte[] data)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public async Task SurveyPrintsTheKeptSpeciesByCoverageAndASummaryLine()
    {
        CliAssert.BundleExists();
        var plot = Write("plot.jpg", SurveyPlots.Mosaic(600));
        var r = await CliProcess.RunAsync("survey", plot);
        CliAssert.Ok(r);
        var lines = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("1200 x 1200 px · project all", lines[0], StringComparison.Ordinal);
        var tiles = SurveyTiling.Count(1200, 1200, new TilingSettings());
        Assert.Contains(lines, l => l.StartsWith($"{tiles} windows, ", StringComparison.Ordinal) && l.Contains("% uncovered, model ", StringComparison.Ordinal));
        Assert.Contains(SurveyPlots.Taxa, t => r.StdOut.Contains(t.Replace('_', ' '), StringComparison.Ordinal));
        // Redirected stderr: no progress bar.
        Assert.Equal("", r.StdErr.Trim());
    }

    [Fact]
    public async Task SurveyJsonIsTheApisAnswerWithItsUnitsAndNoRemaining()
    {
        CliAssert.BundleExists();
        var plot = Write("plot.jpg", SurveyPlots.Mosaic(600));
        var r = await CliProcess.RunAsync("survey", plot, "--json", "--project", "best", "--lang", "fr", "--no-multi-scale");
        CliAssert.Ok(r);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        Assert.Equal("best", root.GetProperty("query").GetProperty("project").GetString());
        Assert.False(root.GetProperty("query").GetProperty("multi_scale").GetBoolean());
        Assert.NotEqual("best", root.GetProperty("preferedReferential").GetString());
        var tiles = root.GetProperty("results").GetProperty("nb_sub_queries").GetInt32();
        Assert.Equal(SurveyTiling.Count(1200, 1200, new TilingSettings { MultiScale = false }), tiles);
        Assert.Equal(SurveyCost.Units(tiles), root.GetProperty("quotaUnits").GetInt32());
        Assert.False(root.TryGetProperty("remainingIdentificationRequests", out _));
        // One window size: the default rules keep species still (they ask no more sizes or wins than the tiling made).
        var kept = root.GetProperty("results").GetProperty("species").EnumerateArray().Where(e => !e.TryGetProperty("reject", out _))
            .Select(e => e.GetProperty("binomial").GetString()!.Replace(' ', '_')).ToList();
        Assert.True(SurveyPlots.Taxa.Count(kept.Contains) >= 2, $"kept {string.Join(", ", kept)}");
        Assert.True(root.GetProperty("results").GetProperty("genus").GetArrayLength() > 0);
        Assert.True(root.GetProperty("results").GetProperty("family").GetArrayLength() > 0);
    }

    [Fact]
    public async Task ABadPhotoOrTooManyTilesIsOneLineAndExit2()
    {
        var text = Write("notes.jpg", "not a photo"u8.ToArray());
        CliAssert.OneLineError(await CliProcess.RunAsync("survey", text));
        var big = Write("big.jpg", TestImages.Jpeg(4000, 3000, SKColors.Green));
        Assert.Contains("tiles", CliAssert.OneLineError(await CliProcess.RunAsync("survey", big, "--tile-size", "64", "--stride", "32")), StringComparison.Ordinal);
        // --tile-size alone below 600: the stride follows it (128), so the refusal is about the tiles, never a --stride not given.
        Assert.StartsWith("florascope: The photo would make ", CliAssert.OneLineError(await CliProcess.RunAsync("survey", big, "--tile-size", "256")), StringComparison.Ordinal);
        Assert.Contains("max_rank", CliAssert.OneLineError(await CliProcess.RunAsync("survey", big, "--max-rank", "0")), StringComparison.Ordinal);
        CliAssert.OneLineError(await CliProcess.RunAsync("survey", big, "--project", "mars"));
    }
}
