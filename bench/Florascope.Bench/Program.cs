using System.Globalization;
using Florascope.Bench;

// Figures go into a shared document: one number format whatever the machine's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// One argument per suite, so that later suites ("http", ...) sit beside "engine".
var suites = new Dictionary<string, Func<string[], int>>(StringComparer.Ordinal)
{
    ["engine"] = EngineBenchmark.Run,
    ["http"] = HttpBenchmark.Run,
    ["scale"] = ScaleBenchmark.Run,
    ["crowd"] = CrowdBenchmark.Run,
    ["loop"] = LearningLoopBenchmark.Run,
    ["revise-db"] = ReviseDbBenchmark.Run,
    ["bomb"] = BombBenchmark.Run,
    ["dwca"] = DwcaBenchmark.Run,
    ["flora"] = FloraBenchmark.Run,
    ["heads-scale"] = HeadsScaleBenchmark.Run,
    ["phone"] = PhoneBenchmark.Run,
    ["photo-size"] = PhotoSizeBenchmark.Run,
    ["cluster"] = ClusterBenchmark.Run,
    ["challenge-score"] = ChallengeScoreBenchmark.Run,
    ["challenge-load"] = ChallengeLoadBenchmark.Run,
    ["survey"] = SurveyBenchmark.Run,
};

// Not a suite: the child process whose peak memory the engine suite reads when the CLI cannot run.
if (args.Length > 0 && args[0] == IdentifyOnce.Argument) return IdentifyOnce.Run(args);
// Not a suite either: synthetic observations for a benchmark database of its own.
if (args.Length > 0 && args[0] == "seed") return SeedTool.Run(args);

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project bench/Florascope.Bench -- <{string.Join("|", suites.Keys)}>");
    return 2;
}
return suite(args);
