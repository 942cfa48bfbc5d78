using System.Diagnostics;
using System.Globalization;
using Florascope.DarwinCore;
using Florascope.Data;
using Florascope.Data.OpenData;
using Florascope.Seed;
using Florascope.Taxonomy;

namespace Florascope.Bench;

/// <summary>
/// The Darwin Core Archive export (DwcaWriter, what `florascope export dwca` and the server's
/// cached /open-data/dwca.zip run) of synthetic observations (SyntheticSeeder, as the `seed` tool)
/// in a temporary SQLite database, at two sizes to show that memory does not grow with the count.
/// Each export runs in a fresh child process so that its peak RSS is the export's own.
/// Usage: dwca [--counts 100000,1000000] [--dir DIR]
/// </summary>
public static class DwcaBenchmark
{
    private const string Suite = "dwca";
    private const string ChildArgument = "--child";
    private const double TargetSeconds = 60;

    public static int Run(string[] args)
    {
        if (args.Length > 1 && args[1] == ChildArgument) return RunChild(args[2], args[3]);
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var counts = (Arg("--counts") ?? "100000,1000000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var dir = Arg("--dir") ?? Path.Combine(Path.GetTempPath(), "florascope-dwca-bench");
        var checklist = Checklist.Load(Path.Combine(root, "models", "demo", "checklist.tsv"));
        var report = new Report(Suite);
        Console.WriteLine($"Florascope dwca benchmark on {Report.Machine()}: {string.Join(", ", counts)} observations");

        foreach (var count in counts)
        {
            var data = Path.Combine(dir, count.ToString(CultureInfo.InvariantCulture));
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            try
            {
                var settings = new DatabaseSettings { DataDirectory = data };
                var clock = Stopwatch.StartNew();
                SyntheticSeeder.SeedAsync(settings, checklist, count).GetAwaiter().GetResult();
                report.Add($"Seed {count:N0} synthetic observations (SQLite)", $"{clock.Elapsed.TotalSeconds:F1} s");
                var zip = Path.Combine(data, "dwca.zip");
                var child = CliPeakMemory.Run(root, ["dotnet", typeof(DwcaBenchmark).Assembly.Location, Suite, ChildArgument, data, zip]);
                if (child.ExitCode != 0)
                {
                    report.Note($"{count:N0}: the export failed: {child.Why()}");
                    continue;
                }
                var seconds = child.WallMs / 1000;
                report.Add($"Export {count:N0} observations to a DwC-A", $"{seconds:F1} s",
                    count >= 1_000_000 ? $"target < {TargetSeconds} s for 1M: {(seconds < TargetSeconds ? "met" : "MISSED")}" : "wall time of the child process, start-up included");
                report.Add("  peak RSS of the export process", $"{child.PeakMb:F0} MB", child.Method);
                report.Add("  archive size", $"{new FileInfo(zip).Length / 1e6:F1} MB", $"{count / Math.Max(seconds, 1e-3):N0} rows/s");
                // The archive read back through its meta.xml, as the next issue reads GBIF downloads.
                clock.Restart();
                long read = 0;
                using (var archive = DwcArchive.Open(zip))
                    foreach (var record in archive.Read(archive.Core)) read++;
                report.Add("  read back through meta.xml (DwcArchive)", $"{clock.Elapsed.TotalSeconds:F1} s",
                    read == count ? $"{read:N0} records, all there" : $"{read:N0} records, expected {count:N0}: WRONG");
            }
            finally
            {
                if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            }
        }

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            ["Data: `SyntheticSeeder` (what the bench's `seed` tool writes) in a fresh SQLite database under /tmp (WAL); a database of its own, so the export holds the synthetic rows only, every status included.",
             "Export: `DwcaWriter.WriteAsync` to a file, in a fresh child process (`dotnet Florascope.Bench.dll dwca --child`): meta.xml, occurrence.txt, multimedia.txt (synthetic rows have no photos), eml.xml, deflate 'fastest'. Time = wall time of the child (runtime start-up included); peak RSS from GNU time -v when present."]));
        return 0;
    }

    private static int RunChild(string dataDirectory, string zipPath)
    {
        var settings = new DatabaseSettings { DataDirectory = dataDirectory };
        var checklist = Checklist.Load(Path.Combine(EngineBenchmark.RepoRoot(), "models", "demo", "checklist.tsv"));
        using var db = settings.CreateContext();
        using var file = File.Create(zipPath);
        var summary = DwcaWriter.WriteAsync(db, checklist, file, new DwcaOptions
        {
            BaseUrl = "https://florascope.example.org",
            AllStatuses = true,
        }).GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"occurrences={summary.Occurrences}"));
        return summary.Occurrences > 0 ? 0 : 1;
    }
}
