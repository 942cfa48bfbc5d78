using System.Diagnostics;
using System.Globalization;
using Florascope.Bench;
using Florascope.Bench.MlNet;

// Run by the engine benchmark: times one ML.NET prediction of a photo and prints key=value lines.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Florascope.Bench.MlNet <image> <reps> <warmup> <features-out>");
    return 2;
}
var reps = int.Parse(args[1], CultureInfo.InvariantCulture);
var warmup = int.Parse(args[2], CultureInfo.InvariantCulture);

var clock = Stopwatch.StartNew();
using var baseline = new MlNetBaseline(args[0]);
Console.WriteLine($"fit_ms={clock.Elapsed.TotalMilliseconds:F1}");
// The features let the caller check that both sides computed the same embedding.
File.WriteAllLines(args[3], baseline.Predict().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

var t = Measure.Time(() => baseline.Predict(), reps, warmup);
Console.WriteLine($"median_ms={t.Median:F3}");
Console.WriteLine($"min_ms={t.Min:F1}");
Console.WriteLine($"max_ms={t.Max:F3}");
Console.WriteLine($"reps={t.Reps}");
return 0;
