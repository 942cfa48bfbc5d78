using System.Diagnostics;
using System.Globalization;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Survey;
using SkiaSharp;

namespace Florascope.Bench;

/// <summary>
/// Issue 15's measures: plots made of validation photos (mosaics of 2-9 photos of different taxa on a soil-coloured
/// background, upscaled to a 12 MP phone photo), surveyed with Pl@ntNet's defaults; macro F1 over plots (PlantCLEF
/// 2024-2025) against the top-k of one whole-image identification; and the speed of one 12 MP survey.
/// Usage: survey [--plots 20]
/// </summary>
public static class SurveyBenchmark
{
    private const int Width = 4000;
    private const int Height = 3000;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var plotCount = Array.IndexOf(args, "--plots") is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 20;
        var report = new Report("survey");
        Console.WriteLine($"Florascope survey benchmark on {Report.Machine()}");
        using var backbone = new Backbone(new BackboneOptions { IntraOpThreads = EngineBenchmark.Threads });
        var engine = new IdentificationEngine(ModelBundle.Load(Path.Combine(root, "models", "demo")), new Embedder(backbone));
        var val = Path.Combine(root, "data", "demo-flora", "val");
        var taxa = Directory.GetDirectories(val).Order(StringComparer.Ordinal).ToList();
        var random = new Random(15);

        var plots = Enumerable.Range(0, plotCount).Select(_ => MakePlot(random, taxa)).ToList();
        report.Add("Plots", $"{plots.Count}", $"{plots.Sum(p => p.Taxa.Count)} taxa in all ({plots.Min(p => p.Taxa.Count)}-{plots.Max(p => p.Taxa.Count)} a plot), {Width}x{Height} JPEG q90, seed 15");

        var survey = new List<(IEnumerable<string>, IEnumerable<string>)>();
        var surveyTwice = new List<(IEnumerable<string>, IEnumerable<string>)>();
        var surveyAll = new List<(IEnumerable<string>, IEnumerable<string>)>();
        var topK = new Dictionary<int, List<(IEnumerable<string>, IEnumerable<string>)>> { [1] = [], [2] = [], [3] = [], [5] = [] };
        var oracle = new List<(IEnumerable<string>, IEnumerable<string>)>();
        var times = new List<double>();
        var tiles = 0;
        var clock = Stopwatch.StartNew();
        foreach (var plot in plots)
        {
            var start = Stopwatch.GetTimestamp();
            var result = SurveyEngine.Run(engine, new SurveyRequest(plot.Jpeg));
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            Console.Write('.');
            tiles = result.Species.Tiles;
            survey.Add((plot.Taxa, result.Species.Labels.Select(l => l.Name)));
            surveyTwice.Add((plot.Taxa, result.Species.Labels.Where(l => l.Count >= 2).Select(l => l.Name)));
            var everyWindow = SurveyEngine.Run(engine, new SurveyRequest(plot.Jpeg, PlantThreshold: 0));
            surveyAll.Add((plot.Taxa, everyWindow.Species.Labels.Select(l => l.Name)));
            var whole = engine.Identify(new IdentifyRequest { Images = [new IdentifyImage(plot.Jpeg)], NoReject = true, MaxResults = 9, ReferencesPerResult = 0 });
            var ranked = whole.Results.Select(r => r.Taxon.ScientificNameWithoutAuthor).ToList();
            foreach (var (k, list) in topK) list.Add((plot.Taxa, ranked.Take(k)));
            oracle.Add((plot.Taxa, ranked.Take(plot.Taxa.Count)));
        }
        string F(IReadOnlyList<(IEnumerable<string>, IEnumerable<string>)> set)
        {
            var s = PlotScores.Of(set);
            return string.Create(CultureInfo.InvariantCulture, $"F1 {s.MacroF1:F3}  (P {s.MacroPrecision:F3}, R {s.MacroRecall:F3})");
        }
        report.Add("Survey, every species found (Pl@ntNet's defaults)", F(survey), "macro over plots; min_score 0.3, max_rank 3, windows 600/300 px x1.414; windows judged not a plant name nobody");
        report.Add("  the same, every window counted (no plant rule)", F(surveyAll), "what the plant rule is worth");
        report.Add("Survey, species found in at least 2 tiles", F(surveyTwice), "the same surveys, one more rule");
        foreach (var (k, list) in topK) report.Add($"Baseline: top-{k} of one whole-image identification", F(list), "the photo as /v2/identify sees it");
        report.Add("Baseline: top-n, n = the plot's true number of taxa", F(oracle), "an oracle no client has: the best any top-k can do plot by plot");
        times.Sort();
        report.Add("One 12 MP survey, defaults", $"{times[times.Count / 2]:F2} s", $"median of {times.Count} plots (min {times[0]:F2}, max {times[^1]:F2}); {tiles} tiles, {tiles / times[times.Count / 2]:F0} tiles/s; all plots {clock.Elapsed.TotalSeconds:F0} s with the baselines");
        report.Add("  peak working set of the process", $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB", "the plots' JPEGs and the model included");
        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            ["Plots: 2-9 distinct taxa drawn at random, one validation photo each (data/demo-flora/val, which the demo model saw for its calibration only), laid out in a grid on a soil-brown background with noise, upscaled to 4000x3000; the survey and the baselines see the same JPEG.",
             "Survey: SurveyEngine.Run in process (no HTTP), project all; baseline: IdentificationEngine.Identify on the whole photo, no rejection."]));
        return 0;
    }

    private sealed record Plot(byte[] Jpeg, List<string> Taxa);

    private static Plot MakePlot(Random random, List<string> taxa)
    {
        var n = random.Next(2, 10);
        var chosen = taxa.OrderBy(_ => random.Next()).Take(n).ToList();
        var cols = (int)Math.Ceiling(Math.Sqrt(n * 4.0 / 3));
        var rows = (int)Math.Ceiling((double)n / cols);
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(110, 84, 60));
            using var noise = new SKPaint();
            for (var k = 0; k < 4000; k++)
            {
                noise.Color = new SKColor((byte)random.Next(80, 140), (byte)random.Next(60, 110), (byte)random.Next(40, 80));
                canvas.DrawCircle(random.Next(Width), random.Next(Height), random.Next(4, 20), noise);
            }
            var cellW = Width / cols;
            var cellH = Height / rows;
            for (var k = 0; k < n; k++)
            {
                var files = Directory.GetFiles(chosen[k], "*.jpg");
                using var photo = SKBitmap.Decode(files[random.Next(files.Length)]);
                var scale = Math.Min((cellW * 0.9f) / photo.Width, (cellH * 0.9f) / photo.Height);
                var (w, h) = (photo.Width * scale, photo.Height * scale);
                var (x, y) = (k % cols * cellW + (cellW - w) / 2, k / cols * cellH + (cellH - h) / 2);
                using var image = SKImage.FromBitmap(photo);
                canvas.DrawImage(image, new SKRect(x, y, x + w, y + h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            }
        }
        using var encoded = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        return new Plot(encoded.ToArray(), [.. chosen.Select(d => Path.GetFileName(d).Replace('_', ' '))]);
    }
}
