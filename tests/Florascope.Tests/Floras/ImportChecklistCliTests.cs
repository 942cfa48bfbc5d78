using Florascope.Data;
using Florascope.Data.Floras;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Floras;

/// <summary>`florascope flora import-checklist` refusing bad input: one line, exit 2, and the project already stored kept.</summary>
[Trait("Category", "Slow")]
public sealed class ImportChecklistCliTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MalformedArchivesAndBadCodesAreOneLineAndExit2AndKeepTheOldProject()
    {
        using var temp = new TempDirectory();
        var db = new[] { "--data-dir", Path.Combine(temp.Path, "data") };
        CliAssert.Ok(await CliProcess.RunAsync(["flora", "import-checklist", "--dwca", TestChecklists.Write(temp.Path), "--project", "meadows", "--title", "Meadows", .. db]));

        foreach (var (kind, _) in ChecklistArchiveTests.MalformedCases)
        {
            var folder = Directory.CreateDirectory(Path.Combine(temp.Path, kind)).FullName;
            var path = ChecklistArchiveTests.WriteMalformed(folder, kind);
            var line = CliAssert.OneLineError(await CliProcess.RunAsync(["flora", "import-checklist", "--dwca", path, "--project", "meadows", "--title", "Broken", .. db]));
            Assert.True(line.Length < 400, line);
        }
        var good = TestChecklists.Write(temp.Path, "good.zip");
        foreach (var (code, expected) in new[] { ("Meadows", "lower-case"), ("all", "reserved"), ("best", "reserved"), ("x", "2-40"), ("weurope", "model's own projects") })
            Assert.Contains(expected, CliAssert.OneLineError(await CliProcess.RunAsync(["flora", "import-checklist", "--dwca", good, "--project", code, "--title", "T", .. db])), StringComparison.Ordinal);
        Assert.Contains("title", CliAssert.OneLineError(await CliProcess.RunAsync(["flora", "import-checklist", "--dwca", good, "--project", "other", "--title", " ", .. db])), StringComparison.Ordinal);
        Assert.Contains("No checklist archive", CliAssert.OneLineError(await CliProcess.RunAsync(["flora", "import-checklist", "--dwca", Path.Combine(temp.Path, "none.zip"), "--project", "other", "--title", "T", .. db])), StringComparison.Ordinal);

        await using var context = new DatabaseSettings { DataDirectory = Path.Combine(temp.Path, "data") }.CreateContext();
        var project = await context.ChecklistProjects.SingleAsync(Ct);
        Assert.Equal(("meadows", "Meadows", 6), (project.Code, project.Title, project.AcceptedCount));
        Assert.Equal(9, await context.ChecklistNames.CountAsync(Ct));
    }
}
