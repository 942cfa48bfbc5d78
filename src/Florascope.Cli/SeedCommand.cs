using System.CommandLine;
using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.Observations;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope seed --observations N</c>: synthetic observations over the demo taxa, for
/// benchmarks only, in a database of their own (it refuses one with real observations).
/// </summary>
public static class SeedCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--observations") { Description = "How many synthetic observations to add.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed gives the same data).", DefaultValueFactory = _ => 1 };
        var store = new DatabaseOptions(recursive: false);
        var model = new Option<string?>("--model") { Description = "Model bundle whose checklist gives the taxa (default: models/demo)." };

        var command = new Command("seed", "Add synthetic observations to a benchmark database (never to one with real data).")
        { count, seed, model };
        store.AddTo(command);
        command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            var n = parse.GetValue(count);
            if (n < 1) throw new ArgumentException("--observations must be at least 1.");
            var settings = store.Settings(parse);
            var checklist = ModelBundle.Load(parse.GetValue(model) ?? ModelBundle.DefaultDirectory).Checklist;
            var bar = new ProgressBar();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int added;
            try
            {
                added = await SyntheticSeeder.SeedAsync(settings, checklist, n, parse.GetValue(seed),
                    new Florascope.Learning.SyncProgress<(int Done, int Total)>(p => bar.Report(("insert", p.Done, p.Total))), ct);
            }
            catch (InvalidOperationException e)
            {
                throw new ArgumentException(e.Message, e);
            }
            bar.Finish();
            Console.WriteLine($"Added {added} synthetic observations in {clock.Elapsed.TotalSeconds:F1} s ({settings.Provider}).");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
