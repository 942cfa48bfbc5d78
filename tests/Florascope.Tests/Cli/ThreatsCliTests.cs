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

    /// <summary>Matching is exact, so names are stored as the model's checklist spells them; a name it lacks is kept, with a warning.</summary>
    [Fact]
    public async Task NamesTakeTheChecklistsSpellingAndUnknownNamesAreWarnedAbout()
    {
        using var temp = new TempDirectory();
        var db = new[] { "--data-dir", temp.Path };
        var set = await CliProcess.RunAsync(["threats", "set", "fritillaria_MELEAGRIS", "CR", .. db]);
        CliAssert.Ok(set);
        Assert.Contains("Fritillaria meleagris: CR (observations obscured).", set.StdOut, StringComparison.Ordinal);
        Assert.Equal("", set.StdErr);

        var typo = await CliProcess.RunAsync(["threats", "set", "Fritilaria meleagris", "VU", .. db]);
        CliAssert.Ok(typo);
        var warning = Assert.Single(typo.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("florascope: warning: ", warning, StringComparison.Ordinal);
        Assert.Contains("Fritilaria meleagris", warning, StringComparison.Ordinal);

        var file = Path.Combine(temp.Path, "statuses.tsv");
        await File.WriteAllTextAsync(file, "scientificName\tcategory\tsource\nhalesia TETRAPTERA\tEN\ttest\nNotapl antus\tNT\ttest\nNotaplantus rarus\tLC\n",
            TestContext.Current.CancellationToken);
        var import = await CliProcess.RunAsync(["threats", "import", file, .. db]);
        CliAssert.Ok(import);
        Assert.Contains("3 threat statuses imported.", import.StdOut, StringComparison.Ordinal);
        warning = Assert.Single(import.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Notapl antus, Notaplantus rarus", warning, StringComparison.Ordinal);

        var list = (await CliProcess.RunAsync(["threats", "list", .. db])).StdOut;
        Assert.Matches(@"Fritillaria meleagris\s+CR\s+yes", list);
        Assert.Matches(@"Fritilaria meleagris\s+VU\s+yes", list);
        Assert.Matches(@"Halesia tetraptera\s+EN\s+yes", list);
        Assert.Contains("Notaplantus rarus", list, StringComparison.Ordinal);
        Assert.DoesNotContain("fritillaria", list, StringComparison.Ordinal);
        Assert.DoesNotContain("TETRAPTERA", list, StringComparison.Ordinal);

        // Another model's checklist decides when named; a missing one is an error, nothing stored.
        var missing = Path.Combine(temp.Path, "no-model");
        Assert.Contains("Checklist not found", CliAssert.OneLineError(await CliProcess.RunAsync(["threats", "set", "Rosa canina", "EN", "--model", missing, .. db])),
            StringComparison.Ordinal);
        Assert.DoesNotContain("Rosa", (await CliProcess.RunAsync(["threats", "list", .. db])).StdOut, StringComparison.Ordinal);
    }
}
