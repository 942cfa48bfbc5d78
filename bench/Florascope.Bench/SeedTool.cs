using System.Diagnostics;
using Florascope.Bundles;
using Florascope.Data;
using Florascope.Seed;

namespace Florascope.Bench;

/// <summary>
/// Not a suite: synthetic observations for a benchmark database of its own (what `florascope seed`
/// did before benchmark code left the shipped assemblies). The seeder refuses a database with real observations.
/// Usage: seed --observations N [--seed S] (--sqlite DIR | --postgres CONNECTION)
/// </summary>
public static class SeedTool
{
    public static int Run(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (!int.TryParse(Arg("--observations"), out var count) || count < 1)
        {
            Console.Error.WriteLine("usage: seed --observations N [--seed S] (--sqlite DIR | --postgres CONNECTION)");
            return 2;
        }
        var seed = int.TryParse(Arg("--seed"), out var s) ? s : 1;
        var settings = Arg("--postgres") is { } postgres
            ? new DatabaseSettings { DataDirectory = Path.GetTempPath(), Provider = DatabaseProvider.Postgres, ConnectionString = postgres }
            : new DatabaseSettings { DataDirectory = Arg("--sqlite") ?? Path.Combine(Path.GetTempPath(), "florascope-seed"), Provider = DatabaseProvider.Sqlite };
        var checklist = ModelBundle.Load(Path.Combine(EngineBenchmark.RepoRoot(), "models", "demo")).Checklist;
        var clock = Stopwatch.StartNew();
        try
        {
            var added = SyntheticSeeder.SeedAsync(settings, checklist, count, seed,
                new Florascope.Learning.SyncProgress<(int Done, int Total)>(p => Console.Write($"\r{p.Done}/{p.Total}"))).GetAwaiter().GetResult();
            Console.WriteLine($"\nAdded {added} synthetic observations in {clock.Elapsed.TotalSeconds:F1} s ({settings.Provider}).");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
