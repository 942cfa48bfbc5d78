using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

/// <summary>`florascope threats`: list, set, remove, import, on a database of its own.</summary>
[Trait("Category", "Slow")]
public sealed class ThreatsCliTests
{
    [Fact]
    public async Task AdministratorsManageThreatStatuses()
    {
        using var temp = new TempDirectory();
        var db = new[] { "--data-dir", temp.Path };
        var set = await CliProcess.RunAsync(["threats", "set", "Fritillaria_meleagris", "vu", "--source", "IUCN test", .. db]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Fritillaria meleagris: VU (observations obscured).", set.StdOut, StringComparison.Ordinal);
        var import = await CliProcess.RunAsync(["threats", "import", Path.Combine(RepoPaths.Data, "threat-statuses.tsv"), .. db]);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("4 threat statuses imported.", import.StdOut, StringComparison.Ordinal);
        var list = await CliProcess.RunAsync(["threats", "list", .. db]);
        Assert.Contains("Halesia tetraptera", list.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"Hyacinthoides non-scripta\s+LC\s+no", list.StdOut);
        var remove = await CliProcess.RunAsync(["threats", "remove", "Halesia tetraptera", .. db]);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.DoesNotContain("Halesia", (await CliProcess.RunAsync(["threats", "list", .. db])).StdOut, StringComparison.Ordinal);

        Assert.Contains("Unknown IUCN category", CliAssert.OneLineError(await CliProcess.RunAsync(["threats", "set", "Rosa", "XX", .. db])), StringComparison.Ordinal);
        Assert.Contains("has no threat status", CliAssert.OneLineError(await CliProcess.RunAsync(["threats", "remove", "Rosa", .. db])), StringComparison.Ordinal);
        var bad = Path.Combine(temp.Path, "bad.tsv");
        await File.WriteAllTextAsync(bad, "scientificName\tcategory\nRosa\tVU\nTulipa\tmaybe\n", TestContext.Current.CancellationToken);
        Assert.Contains("Line 3", CliAssert.OneLineError(await CliProcess.RunAsync(["threats", "import", bad, .. db])), StringComparison.Ordinal);
        Assert.DoesNotContain("Rosa", (await CliProcess.RunAsync(["threats", "list", .. db])).StdOut, StringComparison.Ordinal);
    }
}
