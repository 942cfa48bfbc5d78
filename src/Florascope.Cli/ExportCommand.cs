using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Florascope.Bundles;
using Florascope.Data.OpenData;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope export dwca --out FILE.zip [--since DATE] [--all-statuses] [--base-url URL]</c>:
/// the observatory's Darwin Core Archive for GBIF (valid observations under an open licence, public positions only).
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The archive to write (.zip); replaced only once complete.", Required = true };
        var since = new Option<string?>("--since") { Description = "Only observations modified since this date (ISO 8601, UTC unless it has an offset)." };
        var allStatuses = new Option<bool>("--all-statuses") { Description = "Every community status, not only valid observations." };
        var baseUrl = new Option<string?>("--base-url") { Description = "Public base URL of occurrenceID and photo URLs (default: $Florascope__PublicBaseUrl)." };
        var model = new Option<string?>("--model") { Description = "Model bundle whose checklist gives authorship, family, genus, GBIF keys (default: models/demo)." };
        var store = new DatabaseOptions(recursive: false);

        var dwca = new Command("dwca", "Write a Darwin Core Archive (occurrences, multimedia, EML) of the observatory.")
        { output, since, allStatuses, baseUrl, model };
        store.AddTo(dwca);
        dwca.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            // Every argument is checked before the database is opened.
            var url = parse.GetValue(baseUrl) ?? Environment.GetEnvironmentVariable("Florascope__PublicBaseUrl");
            if (string.IsNullOrWhiteSpace(url)) throw new ArgumentException("Give --base-url (or set Florascope__PublicBaseUrl): occurrenceIDs are URLs of the observation pages.");
            try { DwcaWriter.CheckedBaseUrl(url); }
            catch (ArgumentException e) { throw new ArgumentException($"--base-url: {e.Message}", e); }
            DateTime? sinceUtc = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    throw new ArgumentException($"--since must be an ISO 8601 date such as 2026-01-31, not '{text}'.");
                sinceUtc = parsed.UtcDateTime;
            }
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var temp = path + ".tmp";
            var checklist = ModelBundle.Load(parse.GetValue(model) ?? ModelBundle.DefaultDirectory).Checklist;
            var clock = Stopwatch.StartNew();
            DwcaSummary summary;
            try
            {
                // Fails at once (one line, exit 2) when the folder is missing or not writable.
                await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    await using var db = store.Open(parse);
                    summary = await DwcaWriter.WriteAsync(db, checklist, file, new DwcaOptions { BaseUrl = url, Since = sinceUtc, AllStatuses = parse.GetValue(allStatuses) },
                        new StderrProgress(), ct);
                }
                File.Move(temp, path, overwrite: true);
            }
            catch
            {
                if (File.Exists(temp)) File.Delete(temp);
                throw;
            }
            Console.WriteLine($"Wrote {path}: {summary.Occurrences} occurrences, {summary.Media} photos; {summary.LeftOutForLicence} left out for their licence ({clock.Elapsed.TotalSeconds:F1} s).");
            return ExitCodes.Ok;
        }, ct));

        return new Command("export", "Export the observatory's data.") { dwca };
    }

    /// <summary>A line on stderr every 100,000 occurrences.</summary>
    private sealed class StderrProgress : IProgress<long>
    {
        private long _last;

        public void Report(long value)
        {
            if (value - _last < 100_000) return;
            _last = value;
            Console.Error.WriteLine($"exported {value} occurrences");
        }
    }
}
