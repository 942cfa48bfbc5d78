using System.Diagnostics;
using System.Globalization;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Learning;
using Florascope.Training;

namespace Florascope.Bench;

/// <summary>
/// How training the taxon head and scoring one identification grow with the number of taxa, on
/// synthetic embeddings (SyntheticEmbeddings: a random centre per taxon plus noise, through
/// FeatureTransform). Small floras train in full; large ones time a few mini-batches and multiply
/// (marked "extrapolated"). Rows are floats where they fit, half floats (HalfRows) where not.
/// Only a full run (no --quick, no --sizes) writes its section of docs/benchmarks.md.
/// Usage: heads-scale [--quick] [--sizes 100,250,500,1000,5000,25000] [--photos 200] [--full 100,250,1000] [--seconds 12]
/// </summary>
public static class HeadsScaleBenchmark
{
    private const string Suite = "heads-scale";
    private const int Dim = Backbone.Dim;
    private const float Noise = 0.12f; // per coordinate; about 2.7 x the centre's norm over 512 coordinates
    private const int NonPlantReferences = 2000;
    private const int TrainerViews = 8; // TrainOptions.TrainViews today
    private const int HeldOutPerClass = 10;
    /// <summary>Rows of single-precision floats allowed before switching to half floats (bytes).</summary>
    private const long FloatBudget = 2_200_000_000;
    private const double HourSeconds = 3600;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var quick = args.Contains("--quick");
        var sizes = (Arg("--sizes") ?? (quick ? "100,250,1000" : "100,250,500,1000,5000,25000")).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var photos = int.Parse(Arg("--photos") ?? "200", CultureInfo.InvariantCulture);
        var full = (Arg("--full") ?? (quick ? "100,250" : "100,250,1000")).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
        var seconds = double.Parse(Arg("--seconds") ?? (quick ? "4" : "12"), CultureInfo.InvariantCulture);
        var settings = new TrainOptions { TrainDir = "", NonPlantsDir = "", ChecklistPath = "" }.TaxonHead;
        var report = new Report(Suite);
        var suiteClock = Stopwatch.StartNew();
        Console.WriteLine($"Florascope heads-scale benchmark on {Report.Machine()}: {string.Join(", ", sizes)} taxa x {photos} photos");
        var curve = new List<(int Taxa, double EpochSeconds, bool Extrapolated)>();

        foreach (var taxa in sizes)
        {
            // One method per size, so that its rows are unreachable (and collected) before the next size's.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            curve.Add(RunSize(report, taxa, photos, full.Contains(taxa), seconds, settings));
        }

        if (curve.Count >= 2)
        {
            // Cost per epoch is rows x classes x dim: with rows = taxa x photos, it grows as taxa squared.
            // Small floras pay fixed costs per batch; the largest full run is the fairest base.
            var (t, s, _) = curve.Where(c => !c.Extrapolated).DefaultIfEmpty(curve[^1]).MaxBy(c => c.Taxa);
            var fit = s / ((double)t * t);
            report.Add($"Epoch time / taxa^2 (from {t:N0} taxa)", $"{fit * 1e6:F2} s per million taxa^2",
                $"at {photos} photos per taxon: 25,000 taxa x {settings.Epochs} epochs -> {Hours(fit * 25_000d * 25_000 * settings.Epochs)}");
        }
        report.Add("Whole suite", $"{suiteClock.Elapsed.TotalMinutes:F1} min", "target < 10 min");
        report.PrintTable();
        if (quick || args.Contains("--sizes"))
        {
            // A partial run must not replace the full run's figures in the document.
            Console.WriteLine("Partial run (--quick or --sizes): docs/benchmarks.md left as it was.");
            return 0;
        }
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            [$"Data: `SyntheticEmbeddings` — per taxon a random centre on the {Dim}-d unit sphere, per photo that centre plus Gaussian noise (sigma {Noise} per coordinate; windows of a pool of a million normal values), through `FeatureTransform` as the taxon head sees it; {photos} photos (one view each) per taxon; {NonPlantReferences} non-plant references.",
             $"Training: `SoftmaxHead.Train(EmbeddingRows, ...)` (mini-batch computation of the same Adam training) with the Trainer's taxon-head settings: {settings.Epochs} epochs, batch {settings.BatchSize}, learning rate {settings.LearningRate}, L2 {settings.L2}. Sizes not in `--full` time a slice of an epoch after one warm-up step; per epoch = per step x mini-batches, total = epochs x per epoch (\"extrapolated\"). Today's per-sample `SoftmaxHead.Train(IReadOnlyList<float[]>, ...)` is timed for one epoch on a strided subset and scaled to all rows.",
             "Identification: `ImageScorer.Score` (taxon head with all classes, organ and plant heads) for 1 and 6 views; references: 1 per training photo, the engine's `ReferenceIndex` (floats) where the rows are floats — `PlantMargin` (top 5 of every plant and every non-plant reference) and `Nearest` (3 photos for each of the top 5 taxa) — and the same scans over the half-precision rows where the rows are half floats."]));
        return 0;
    }

    private static (int Taxa, double EpochSeconds, bool Extrapolated) RunSize(Report report, int taxa, int photos, bool inFull, double seconds, HeadTraining settings)
    {
        var peakReset = ProcessMemory.ResetPeakRss();
        using var managed = new ManagedPeak();
        var n = checked(taxa * photos);
        var useHalf = (long)n * Dim * sizeof(float) > FloatBudget;
        var flora = new SyntheticEmbeddings(taxa, Dim, Noise, seed: taxa);
        var clock = Stopwatch.StartNew();
        // Float rows share one array with the non-plant references, so the engine's ReferenceIndex can use it as is.
        float[]? floats = useHalf ? null : new float[(long)(n + NonPlantReferences) * Dim];
        EmbeddingRows rows = useHalf ? new HalfRows(n, Dim) : new FloatRows(floats!, n, Dim);
        var y = flora.Fill(rows, photos, noiseSeed: 1);
        var nonPlants = new float[NonPlantReferences * Dim];
        new SyntheticEmbeddings(NonPlantReferences, Dim, Noise, seed: -1).Fill(new FloatRows(nonPlants, NonPlantReferences, Dim), 1, noiseSeed: 2);
        if (floats is not null) nonPlants.CopyTo(floats, (long)n * Dim);
        report.Add($"{taxa:N0} taxa x {photos} photos = {n:N0} rows ({(useHalf ? "half" : "single")} precision, {rows.Bytes / 1e9:F2} GB)",
            $"{clock.Elapsed.TotalSeconds:F1} s", "generating the synthetic rows");
        report.Add("  today's Trainer would hold", $"{TodayBytes(n) / 1e9:F1} GB",
            $"{TrainerViews} views x (raw float[] + transformed float[] copy) per photo; one flat float view {(long)n * Dim * 4 / 1e9:F2} GB, half {(long)n * Dim * 2 / 1e9:F2} GB");

        // Training: in full where it is short enough, else a timed slice of an epoch.
        var batches = (n + settings.BatchSize - 1) / settings.BatchSize;
        SoftmaxHead head;
        double epochSeconds;
        bool extrapolated;
        if (inFull)
        {
            clock.Restart();
            head = SoftmaxHead.Train(rows, y, taxa, settings);
            var total = clock.Elapsed.TotalSeconds;
            epochSeconds = total / settings.Epochs;
            extrapolated = false;
            report.Add($"  train the taxon head, {settings.Epochs} epochs (batched, {(useHalf ? "half" : "float")} rows)", $"{total:F1} s",
                $"{epochSeconds:F2} s/epoch; measured in full");
            report.Add("  held-out top-1 accuracy", $"{HeldOutAccuracy(flora, head):P1}", $"{HeldOutPerClass} new rows per taxon; a sanity check of the training");
        }
        else
        {
            // One step first (JIT, allocation of the Adam state, the shuffle), then more: the difference is the cost of steps.
            clock.Restart();
            SoftmaxHead.Train(rows, y, taxa, settings, maxSteps: 1);
            var first = clock.Elapsed.TotalSeconds;
            clock.Restart();
            SoftmaxHead.Train(rows, y, taxa, settings, maxSteps: 3);
            var guess = Math.Max(clock.Elapsed.TotalSeconds - first, 1e-4) / 2;
            var steps = (int)Math.Clamp(seconds / guess, 3, Math.Max(3, Math.Min(2000, batches)));
            clock.Restart();
            head = SoftmaxHead.Train(rows, y, taxa, settings, maxSteps: steps + 1);
            var perStep = Math.Max(clock.Elapsed.TotalSeconds - first, 1e-6) / steps;
            epochSeconds = perStep * batches;
            extrapolated = true;
            report.Add($"  train the taxon head, per epoch (batched, {(useHalf ? "half" : "float")} rows)", $"{epochSeconds:F0} s",
                $"extrapolated: {steps} of {batches:N0} mini-batches timed ({perStep * 1000:F0} ms each)");
            report.Add($"  train the taxon head, {settings.Epochs} epochs", $"{Hours(epochSeconds * settings.Epochs)}", "extrapolated: epochs x per-epoch");
        }
        PerSampleEpoch(report, rows, y, taxa, settings, epochSeconds);
        report.Add("  peak RSS / managed heap", $"{(peakReset ? ProcessMemory.PeakRss() : ProcessMemory.Rss()) / 1e9:F2} GB / {managed.Peak / 1e9:F2} GB",
            peakReset ? "VmHWM since this size started, data included" : "RSS now (the peak could not be reset)");

        Identification(report, head, rows, floats, nonPlants, n, taxa, photos);
        return (taxa, epochSeconds, extrapolated);
    }

    /// <summary>Today's Trainer: EmbeddedSet keeps a float[] of all views per photo, TrainHeads one transformed float[] per view.</summary>
    private static long TodayBytes(long photos) => photos * TrainerViews * (2L * Dim * sizeof(float) + 24 + 8);

    private static string Hours(double seconds) => seconds < 120 ? $"{seconds:F0} s" : seconds < 2 * HourSeconds ? $"{seconds / 60:F0} min" : $"{seconds / HourSeconds:F1} h";

    private static double HeldOutAccuracy(SyntheticEmbeddings flora, SoftmaxHead head)
    {
        var held = new FloatRows(flora.Classes * HeldOutPerClass, Dim);
        var y = flora.Fill(held, HeldOutPerClass, noiseSeed: 99);
        var correct = 0;
        Parallel.For(0, held.Count, () => (X: new float[Dim], Z: new float[head.Classes], Hits: 0), (i, _, s) =>
        {
            held.CopyRow(i, s.X);
            head.Logits(s.X, s.Z);
            return VectorMath.ArgMax(s.Z) == y[i] ? s with { Hits = s.Hits + 1 } : s;
        }, s => Interlocked.Add(ref correct, s.Hits));
        return (double)correct / held.Count;
    }

    /// <summary>One epoch of today's per-sample training (list of float[]) on a strided subset, scaled to all rows.</summary>
    private static void PerSampleEpoch(Report report, EmbeddingRows rows, int[] y, int taxa, HeadTraining settings, double batchedEpoch)
    {
        const double targetMacs = 2e10;
        var k = (int)Math.Clamp(targetMacs / (2.0 * taxa * Dim), settings.BatchSize * 2, rows.Count);
        var stride = Math.Max(1, rows.Count / k);
        var x = new List<float[]>();
        var labels = new List<int>();
        for (var i = 0; i < rows.Count && x.Count < k; i += stride)
        {
            var r = new float[Dim];
            rows.CopyRow(i, r);
            x.Add(r);
            labels.Add(y[i]);
        }
        var clock = Stopwatch.StartNew();
        SoftmaxHead.Train(x, labels, taxa, settings with { Epochs = 1 });
        var epoch = clock.Elapsed.TotalSeconds * rows.Count / x.Count;
        report.Add("  today's per-sample Train, per epoch", $"{epoch:F1} s",
            $"{(x.Count < rows.Count ? $"extrapolated from {x.Count:N0} rows" : "measured")}; the batched one is {epoch / batchedEpoch:F1}x faster");
    }

    /// <summary>One identification's head scoring and reference look-up, as the engine does them.</summary>
    private static void Identification(Report report, SoftmaxHead taxon, EmbeddingRows rows, float[]? floats, float[] nonPlants, int n, int taxa, int photos)
    {
        var heads = new HeadSet(taxon, new SoftmaxHead(4, Dim, new float[4 * Dim], new float[4]), new SoftmaxHead(2, Dim, new float[2 * Dim], new float[2]));
        var raw = new float[6 * Dim];
        var rng = new Random(5);
        for (var i = 0; i < raw.Length; i++) raw[i] = rng.NextSingle();
        var reps = taxa >= 5000 ? 7 : 15;
        var one = Measure.Time(() => ImageScorer.Score(heads, 1.0, raw.AsSpan(0, Dim)), reps);
        var six = Measure.Time(() => ImageScorer.Score(heads, 1.0, raw), reps);
        report.Add("  head scoring, 1 view / 6 views", $"{one.Median:F2} / {six.Median:F2} ms", $"ImageScorer.Score, all {taxa:N0} classes; weights {taxon.Weights.Length * 4L / 1e6:F0} MB");

        var query = ImageScorer.Score(heads, 1.0, raw).Embedding;
        var top5 = Enumerable.Range(0, 5).Select(i => i * (taxa / 5)).ToArray();
        if (floats is not null)
        {
            var images = new List<ReferenceImage>(n + NonPlantReferences);
            for (var i = 0; i < n; i++) images.Add(new ReferenceImage($"t/{i}.jpg", i / photos));
            for (var i = 0; i < NonPlantReferences; i++) images.Add(new ReferenceImage($"n/{i}.jpg", -1));
            // The constructor groups the references by taxon in one pass; what bounds it is memory: one float array.
            if ((long)images.Count * Dim > Array.MaxLength)
            {
                report.Add("  ReferenceIndex constructor", "skipped", $"{(long)images.Count * Dim:E1} floats: more than one .NET array holds");
                ScanFloats(report, floats, n, query);
                return;
            }
            var clock = Stopwatch.StartNew();
            var index = new ReferenceIndex(images, floats, Dim, taxa);
            report.Add("  ReferenceIndex constructor (bundle load)", $"{clock.Elapsed.TotalSeconds:F1} s", "references grouped by taxon in one pass");
            var margin = Measure.Time(() => index.PlantMargin(query, 5), reps);
            var nearest = Measure.Time(() => { foreach (var c in top5) index.Nearest(query, c, 3); }, reps);
            report.Add("  reference look-up: PlantMargin / Nearest x 5", $"{margin.Median:F1} / {nearest.Median:F2} ms",
                $"ReferenceIndex over {n + NonPlantReferences:N0} float vectors ({(long)(n + NonPlantReferences) * Dim * 4 / 1e9:F2} GB in memory)");
            report.Add("  one identification (6 views): heads + look-up", $"{six.Median + margin.Median + nearest.Median:F1} ms",
                margin.Median > six.Median ? "the reference scan is the bottleneck" : "the head scoring dominates");
        }
        else
        {
            var margin = Measure.Time(() => HalfPlantMargin(rows, nonPlants, query, 5), 3, 1);
            var nearest = Measure.Time(() => { foreach (var c in top5) HalfNearest(rows, c * photos, photos, query, 3); }, reps);
            report.Add("  reference look-up: PlantMargin / Nearest x 5", $"{margin.Median:F0} / {nearest.Median:F2} ms",
                $"the same scans over {n:N0} half-precision rows ({rows.Bytes / 1e9:F1} GB), converted as read; as floats the index would take {(long)(n + NonPlantReferences) * Dim * 4 / 1e9:F1} GB");
            report.Add("  one identification (6 views): heads + look-up", $"{six.Median + margin.Median + nearest.Median:F0} ms",
                margin.Median > six.Median ? "the reference scan is the bottleneck" : "the head scoring dominates");
        }
    }

    private static void ScanFloats(Report report, float[] floats, int n, float[] query)
    {
        var plants = Enumerable.Range(0, n).ToArray();
        var others = Enumerable.Range(n, NonPlantReferences).ToArray();
        var margin = Measure.Time(() => _ = Similarity.MeanTopK(query, floats, Dim, plants, 5) - Similarity.MeanTopK(query, floats, Dim, others, 5), 7);
        report.Add("  reference look-up: PlantMargin", $"{margin.Median:F1} ms", $"Similarity.MeanTopK as ReferenceIndex runs it, over {n + NonPlantReferences:N0} float vectors");
    }

    /// <summary>ReferenceIndex.PlantMargin's arithmetic over half-precision rows.</summary>
    private static float HalfPlantMargin(EmbeddingRows rows, float[] nonPlants, float[] query, int k)
    {
        var chunks = Environment.ProcessorCount * 4;
        var per = (rows.Count + chunks - 1) / chunks;
        var tops = new float[chunks][];
        Parallel.For(0, chunks, c =>
        {
            var x = new float[Dim];
            var top = Enumerable.Repeat(float.NegativeInfinity, k).ToArray();
            for (var i = c * per; i < Math.Min(rows.Count, (c + 1) * per); i++)
            {
                rows.CopyRow(i, x);
                Insert(top, VectorMath.Dot(query, x));
            }
            tops[c] = top;
        });
        var plant = tops.SelectMany(t => t).OrderDescending().Take(k).Average();
        var other = Similarity.MeanTopK(query, nonPlants, Dim, Enumerable.Range(0, nonPlants.Length / Dim).ToArray(), k);
        return plant - other;
    }

    private static void Insert(float[] top, float s)
    {
        if (s <= top[^1]) return;
        var j = top.Length - 1;
        for (; j > 0 && top[j - 1] < s; j--) top[j] = top[j - 1];
        top[j] = s;
    }

    /// <summary>ReferenceIndex.Nearest over one class's half-precision rows: score all, sort, keep k.</summary>
    private static List<float> HalfNearest(EmbeddingRows rows, int first, int count, float[] query, int k)
    {
        var x = new float[Dim];
        var scored = new List<float>(count);
        for (var i = first; i < first + count; i++)
        {
            rows.CopyRow(i, x);
            scored.Add(VectorMath.Dot(query, x));
        }
        scored.Sort((a, b) => b.CompareTo(a));
        return scored.Count > k ? scored[..k] : scored;
    }

    /// <summary>The largest managed heap seen (sampled every 50 ms) while it is alive.</summary>
    private sealed class ManagedPeak : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public ManagedPeak()
        {
            _peak = GC.GetTotalMemory(false);
            _timer = new Timer(_ => Sample(), null, 0, 50);
        }

        public long Peak
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak);
            }
        }

        private void Sample()
        {
            var now = GC.GetTotalMemory(false);
            long seen;
            while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen) { }
        }

        public void Dispose() => _timer.Dispose();
    }
}
