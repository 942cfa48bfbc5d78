using System.Diagnostics;
using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Seed;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Bench;

/// <summary>
/// The observatory's read queries (latest list, map viewport) over millions of synthetic
/// observations, on SQLite and on PostgreSQL (+ PostGIS): p50 and p95 over repeated runs. The
/// databases (of their own: the seeder refuses one with real observations) are seeded by
/// SyntheticSeeder if they hold fewer than the wanted rows.
/// Usage: scale [--observations N] [--sqlite DIR | --no-sqlite] [--postgres CONNECTION]
/// </summary>
public static class ScaleBenchmark
{
    private const int Reps = 60;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var count = int.Parse(Arg("--observations") ?? "1000000", System.Globalization.CultureInfo.InvariantCulture);
        var sqliteDir = Arg("--sqlite") ?? Path.Combine(Path.GetTempPath(), "florascope-scale-sqlite");
        var postgres = Arg("--postgres") ?? Environment.GetEnvironmentVariable("FLORASCOPE_TEST_POSTGRES");
        var report = new Report("scale");
        var checklist = ModelBundle.Load(Path.Combine(root, "models", "demo")).Checklist;
        Console.WriteLine($"Florascope scale benchmark on {Report.Machine()}: {count} synthetic observations");

        var targets = new List<(string Name, DatabaseSettings Settings)>();
        if (!args.Contains("--no-sqlite"))
            targets.Add(("SQLite", new DatabaseSettings { DataDirectory = sqliteDir, Provider = DatabaseProvider.Sqlite }));
        else
            report.Note("SQLite skipped (--no-sqlite).");
        if (postgres is { Length: > 0 })
            targets.Add(("PostgreSQL", new DatabaseSettings { DataDirectory = Path.GetTempPath(), Provider = DatabaseProvider.Postgres, ConnectionString = postgres }));
        else
            report.Note("PostgreSQL skipped: give --postgres CONNECTION or set FLORASCOPE_TEST_POSTGRES.");

        foreach (var (name, settings) in targets)
        {
            settings.Migrate();
            using (var db = settings.CreateContext())
            {
                var have = db.Observations.Count();
                if (have < count)
                {
                    var clock = Stopwatch.StartNew();
                    SyntheticSeeder.SeedAsync(settings, checklist, count - have).GetAwaiter().GetResult();
                    report.Add($"{name}: seed {count - have} observations", $"{clock.Elapsed.TotalSeconds:F1} s", "SyntheticSeeder; binary COPY on PostgreSQL");
                }
                report.Add($"{name}: database size", $"{DatabaseBytes(db, settings) / 1e9:F2} GB", $"{db.Observations.Count():N0} observations");
            }
            Measure(report, name, settings);
        }

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            [$"{count} synthetic observations (SyntheticSeeder, bench/Florascope.Seed); {Reps} runs of each query after 3 warm-ups; p50 / p95 of the wall time of the EF Core query as the API runs it (ObservationQueries).",
             "PostgreSQL 15 + PostGIS 3.3 on 127.0.0.1 with fsync off (a throw-away test cluster); a sparse viewport (fewer than 3 of the newest 20,000 rows in it, no other filter, at most 90 degrees) is read through the GiST index of the geography column, a dense one from the B-tree on the degrees that covers the map's columns, a date range of up to 27 weeks week by week from the covering index on (observation week, CreatedUtc), merged newest-first (ObservationQueries.ByObservedWeeks), a longer one from the covering date index; none of the viewports below is sparse; SQLite file in a temp folder.",
             "Database size: pg_database_size, or the SQLite file with its WAL."]));
        return 0;
    }

    private static void Measure(Report report, string name, DatabaseSettings settings)
    {
        var queries = new (string What, Func<FlorascopeDb, object> Run)[]
        {
            ("latest, page 1 (20)", db => ObservationQueries.LatestAsync(db, 1, 20).GetAwaiter().GetResult()),
            ("latest, page 50 (20)", db => ObservationQueries.LatestAsync(db, 50, 20).GetAwaiter().GetResult()),
            ("map: city viewport (Paris, 0.4 deg)", db => View(db, new BoundingBox(2.15, 48.66, 2.55, 49.06))),
            ("map: country viewport (France)", db => View(db, new BoundingBox(-5, 42, 8, 51))),
            ("map: continent viewport (Europe)", db => View(db, new BoundingBox(-25, 34, 40, 72))),
            ("map: whole world", db => View(db, null)),
            ("map: France, one taxon", db => View(db, new BoundingBox(-5, 42, 8, 51), taxon: "Taraxacum officinale")),
            ("map: France, one month", db => View(db, new BoundingBox(-5, 42, 8, 51), from: new DateTime(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc), to: new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc))),
        };
        using var db = settings.CreateContext();
        foreach (var (what, run) in queries)
        {
            for (var w = 0; w < 3; w++) run(db);
            var ms = new double[Reps];
            for (var r = 0; r < Reps; r++)
            {
                var start = Stopwatch.GetTimestamp();
                run(db);
                ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(ms);
            var p95 = ms[(int)Math.Ceiling(0.95 * Reps) - 1];
            report.Add($"{name}: {what}", $"{ms[Reps / 2]:F1} / {p95:F1} ms", p95 <= 100 ? "p50 / p95; target p95 < 100 ms" : "p50 / p95; over the 100 ms target");
        }
    }

    private static List<MapPoint> View(FlorascopeDb db, BoundingBox? box, string? taxon = null, DateTime? from = null, DateTime? to = null) =>
        ObservationQueries.InViewportAsync(db, box, taxon, null, from, to, 1000).GetAwaiter().GetResult();

    private static long DatabaseBytes(FlorascopeDb db, DatabaseSettings settings)
    {
        if (settings.Provider == DatabaseProvider.Postgres)
            return db.Database.SqlQueryRaw<long>("SELECT pg_database_size(current_database()) AS \"Value\"").AsEnumerable().First();
        var file = db.Database.GetDbConnection().DataSource;
        return new[] { file, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
    }
}
