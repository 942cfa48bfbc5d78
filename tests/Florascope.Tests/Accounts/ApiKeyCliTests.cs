using System.Text.RegularExpressions;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Accounts;

/// <summary>`florascope apikey`: keys made allowed to survey or not, the flag listed and changed; unknown and revoked keys refused in one line.</summary>
[Trait("Category", "Slow")]
public sealed partial class ApiKeyCliTests
{
    [GeneratedRegex(@"Created API key (?<id>\d+) ")]
    private static partial Regex CreatedId();

    private static async Task<(string Id, CliResult Result)> CreateAsync(string[] db, params string[] args)
    {
        var r = await CliProcess.RunAsync(["apikey", "create", .. args, .. db]);
        CliAssert.Ok(r);
        var id = CreatedId().Match(r.StdOut);
        Assert.True(id.Success, r.ToString());
        return (id.Groups["id"].Value, r);
    }

    /// <summary>The line of one key in `apikey list`, its columns split on blanks (names without spaces here).</summary>
    private static async Task<string[]> ListedAsync(string[] db, string id)
    {
        var list = await CliProcess.RunAsync(["apikey", "list", .. db]);
        CliAssert.Ok(list);
        var lines = list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("survey", lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single(c => c[0] == id);
    }

    [Fact]
    public async Task KeysAreAllowedToSurveyOnlyWhenSaidAndTheFlagIsListedAndChanged()
    {
        using var temp = new TempDirectory();
        var db = new[] { "--data-dir", temp.Path };

        var (plain, _) = await CreateAsync(db, "--name", "plain-app");
        var (surveyor, created) = await CreateAsync(db, "--name", "plot-app", "--daily-quota", "2000", "--allow-survey");
        Assert.Contains("surveys allowed", created.StdOut, StringComparison.Ordinal);
        var secret = created.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.StartsWith("fsk_", secret, StringComparison.Ordinal);

        // id prefix name quota today date time survey status
        var row = await ListedAsync(db, plain);
        Assert.Equal(["plain-app", "500", "0"], row[2..5]);
        Assert.Equal(["no", "active"], row[^2..]);
        row = await ListedAsync(db, surveyor);
        Assert.Equal(["plot-app", "2000"], row[2..4]);
        Assert.Equal(["yes", "active"], row[^2..]);
        Assert.StartsWith(row[1], secret, StringComparison.Ordinal);

        // By id, then off again by prefix.
        var allow = await CliProcess.RunAsync(["apikey", "allow-survey", plain, .. db]);
        CliAssert.Ok(allow);
        Assert.Contains("may now run surveys", allow.StdOut, StringComparison.Ordinal);
        Assert.Equal("yes", (await ListedAsync(db, plain))[^2]);
        var prefix = (await ListedAsync(db, plain))[1];
        var off = await CliProcess.RunAsync(["apikey", "allow-survey", prefix, "--off", .. db]);
        CliAssert.Ok(off);
        Assert.Contains("may no longer run surveys", off.StdOut, StringComparison.Ordinal);
        Assert.Equal("no", (await ListedAsync(db, plain))[^2]);

        // Unknown and revoked keys: one line, exit 2, nothing changed.
        Assert.Contains("No API key '9999'", CliAssert.OneLineError(await CliProcess.RunAsync(["apikey", "allow-survey", "9999", .. db])), StringComparison.Ordinal);
        Assert.Contains("No API key 'fsk_nothere'", CliAssert.OneLineError(await CliProcess.RunAsync(["apikey", "allow-survey", "fsk_nothere", "--off", .. db])),
            StringComparison.Ordinal);
        CliAssert.Ok(await CliProcess.RunAsync(["apikey", "revoke", surveyor, .. db]));
        Assert.Contains("is revoked", CliAssert.OneLineError(await CliProcess.RunAsync(["apikey", "allow-survey", surveyor, "--off", .. db])), StringComparison.Ordinal);
        Assert.Equal(["yes", "revoked"], (await ListedAsync(db, surveyor))[^2..]);
    }
}
