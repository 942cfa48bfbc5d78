using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

internal static class CliAssert
{
    private static readonly Lazy<Checklist> LazyChecklist = new(() => Checklist.Load(RepoPaths.Checklist));

    /// <summary>The demo checklist (the bundle's taxa are the same, by name).</summary>
    public static Checklist Checklist => LazyChecklist.Value;

    /// <summary>Tests that identify need the trained bundle; say so plainly when it is absent.</summary>
    public static void BundleExists() =>
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModelBundle, "manifest.json")),
            $"No model bundle at {RepoPaths.ModelBundle}: train it (florascope train ... --out models/demo) before running the CLI tests.");

    /// <summary>A refusal: non-zero exit, nothing on stdout, one line on stderr, no stack trace.</summary>
    public static string OneLineError(CliResult r, int exitCode = 2)
    {
        Assert.True(r.ExitCode == exitCode, $"expected exit {exitCode}; {r}");
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr; {r}");
        Assert.StartsWith("florascope: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.StdErr, StringComparison.Ordinal);
        return lines[0];
    }

    public static void Ok(CliResult r) => Assert.True(r.ExitCode == 0, r.ToString());
}
