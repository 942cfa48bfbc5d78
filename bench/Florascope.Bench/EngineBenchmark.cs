using System.Globalization;
using System.Security.Cryptography;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Imaging;
using Florascope.Learning;
using Florascope.Training;

namespace Florascope.Bench;

/// <summary>
/// The in-process engine figures, all in one run so that their ratios hold on a noisy machine:
/// backbone pass, decoding, whole identify and what lies outside the network, views vs latency,
/// the ML.NET baseline, training throughput and the CLI's peak memory.
/// </summary>
public static class EngineBenchmark
{
    private const string PhotoTaxon = "Leucanthemum_vulgare";

    public static int Run(string[] args)
    {
        var root = RepoRoot();
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var report = new Report("engine");
        var loadStart = LoadAverage();
        Console.WriteLine($"Florascope engine benchmark on {Report.Machine()}");
        Console.WriteLine($"Median of {Measure.Reps} runs after {Measure.Warmup} warm-ups unless said; load average {loadStart}.");

        // 1. The test photo, outside the repository.
        var outDir = Path.Combine(Path.GetTempPath(), "florascope-bench");
        var source = PickSource(root);
        var photo = TestPhoto.Create(source, outDir);
        report.Add("Test photo 4000x3000 JPEG q90", $"{photo.Jpeg.Length / 1e6:F2} MB",
            $"{Path.GetRelativePath(root, source)} upscaled + noise; PNG {photo.Png.Length / 1e6:F1} MB; {outDir}");

        using var backbone = new Backbone(new BackboneOptions { IntraOpThreads = Threads });
        var embedder = new Embedder(backbone);
        var prepared = ImageDecoder.Prepare(photo.Jpeg);
        var net = new NetworkPasses(backbone, prepared);

        // 2. The bare network.
        var bare = Measure.Interleaved(Measure.Reps, Measure.Warmup, net.Pass(1), net.Pass(6));
        var onePass = bare[0].Median;
        report.Add("Backbone.Run, batch 1", Ms(onePass), $"one bare pass (min {Ms(bare[0].Min)})");
        report.Add("Backbone.Run, batch 6", Ms(bare[1].Median), $"{Ms(bare[1].Median / 6)} per view");

        // 3. Decoding alone.
        var decodeJpeg = Measure.Time(() => ImageDecoder.Prepare(photo.Jpeg));
        report.Add("Decode+prepare 12 MP JPEG", Ms(decodeJpeg.Median), "ImageDecoder.Prepare");
        try
        {
            var decodePng = Measure.Time(() => ImageDecoder.Prepare(photo.Png), reps: 10, warmup: 1);
            report.Add("Decode+prepare 12 MP PNG", Ms(decodePng.Median), "for information: PNG has no reduced decode");
        }
        catch (ImageInputException e)
        {
            // A valid PNG (Skia wrote it) that the engine refuses is an engine problem: report it, go on.
            report.Add("Decode+prepare 12 MP PNG", "refused", "see note");
            report.Note($"ImageDecoder.Prepare refused the 12 MP PNG written by Skia ({e.Problem}): {e.Message}");
        }

        var bundle = LoadBundle(report, backbone);
        IdentificationEngine? oneView = null;
        if (bundle is not null)
        {
            // 4. Whole identify with the bundle as configured, and what it spends outside the network.
            var whole = WholeIdentify(report, new IdentificationEngine(bundle, embedder), photo, prepared, net, decodeJpeg);
            // 5. Views vs latency.
            ViewsVsLatency(report, bundle, embedder, photo, net, whole);
            oneView = WithViews(bundle, embedder, [0]);
        }

        // 6. The ML.NET baseline against our whole identify with one network pass.
        Baseline(report, root, photo, oneView, prepared, backbone);

        // 7. Training throughput: decode + one view, no cache.
        Throughput(report, root, embedder);

        // 8. Peak memory of the command line.
        if (bundle is not null) CliMemory(report, root, photo.JpegPath, ModelBundle.DefaultDirectory);

        var loadEnd = LoadAverage();
        report.PrintTable();
        var doc = Path.Combine(root, "docs", "benchmarks.md");
        report.WriteSection(doc, report.Markdown(command,
        [
            $"Median of {Measure.Reps} runs after {Measure.Warmup} warm-ups unless said; figures timed together are interleaved run by run.",
            "The ML.NET baseline runs in a process of its own (bench/Florascope.Bench.MlNet): ML.NET 5.0.1 needs SkiaSharp 2.88, Florascope uses SkiaSharp 3, and one process loads one.",
            $"ONNX Runtime intra-op threads: {(Threads == 0 ? "default (one per core)" : Threads.ToString(CultureInfo.InvariantCulture))}; load average at start {loadStart}, at end {loadEnd}.",
        ]));
        Console.WriteLine($"Written to {doc}");
        return 0;
    }

    /// <summary>Same knob as the command line (FLORASCOPE_THREADS), so both run the network alike.</summary>
    public static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable("FLORASCOPE_THREADS"), out var t) && t > 0 ? t : 0;

    private sealed record IdentifyTiming(double Total, double Network, double OnePass, int Passes);

    /// <summary>
    /// Times identify interleaved with bare network runs of the very batches it ran, so that
    /// "outside the network" is a difference of figures taken under the same load.
    /// </summary>
    private static IdentifyTiming MeasureIdentify(IdentificationEngine engine, byte[] jpeg, NetworkPasses net, Action? extra = null, int reps = Measure.Reps)
    {
        var request = Request(jpeg);
        var passes = engine.Identify(request).NetworkPasses;
        var views = engine.Bundle.Manifest.Inference.Views.Length;
        // One photo: the first batch holds its views, a second one the extra views if they ran.
        List<Action> actions = [() => engine.Identify(request), net.Pass(views)];
        if (passes > views) actions.Add(net.Pass(passes - views));
        if (extra is not null) actions.Add(extra);
        var t = Measure.Interleaved(reps, Measure.Warmup, [.. actions]);
        var network = t[1].Median + (passes > views ? t[2].Median : 0);
        return new IdentifyTiming(t[0].Median, network, extra is null ? double.NaN : t[^1].Median, passes);
    }

    private static IdentifyTiming WholeIdentify(Report report, IdentificationEngine engine, TestPhoto photo, PreparedImage prepared,
        NetworkPasses net, Timing decodeJpeg)
    {
        var whole = MeasureIdentify(engine, photo.Jpeg, net, extra: net.Pass(1));
        var outside = whole.Total - whole.Network;
        report.Add($"Identify 12 MP JPEG (bundle settings, {Passes(whole.Passes)})", Ms(whole.Total), $"network {Ms(whole.Network)} of it");
        report.Add("  outside the network (total - network)", Ms(outside),
            $"{outside / whole.OnePass:F2} x one bare pass of {Ms(whole.OnePass)} (target <= 0.8)");
        foreach (var (what, t) in OutsidePieces(engine, photo.Jpeg, prepared, whole.Passes, decodeJpeg))
            report.Add($"    {what}", Ms(t.Median), "timed directly");
        // Identify decodes right after the previous request's network run: time that case too,
        // since threads the network runtime leaves spinning can slow what follows on few cores.
        var afterPass = Measure.Interleaved(Measure.Reps, Measure.Warmup, net.Pass(whole.Passes), () => ImageDecoder.Prepare(photo.Jpeg))[1];
        report.Add("    decode + prepare right after a network run", Ms(afterPass.Median), $"vs {Ms(decodeJpeg.Median)} alone");
        return whole;
    }

    /// <summary>10 runs each rather than 15: eight views take over a second per run with their bare passes.</summary>
    private static void ViewsVsLatency(Report report, ModelBundle bundle, Embedder embedder, TestPhoto photo, NetworkPasses net, IdentifyTiming asConfigured)
    {
        foreach (var views in new[] { new[] { 0 }, [0, 1], [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 6, 7] })
        {
            var r = MeasureIdentify(WithViews(bundle, embedder, views), photo.Jpeg, net, reps: 10);
            report.Add($"Identify, views [{string.Join(",", views)}]", Ms(r.Total),
                $"{Passes(r.Passes)}, network {Ms(r.Network)}, outside {Ms(r.Total - r.Network)}");
        }
        var s = bundle.Manifest.Inference;
        report.Add($"Identify, adaptive [{string.Join(",", s.Views)}] + [{string.Join(",", s.ExtraViews)}] below {s.ExtraViewsBelow:F2}",
            Ms(asConfigured.Total), $"{Passes(asConfigured.Passes)} on this photo (measured above)");
        if (s.ExtraViews.Length == 0) return;
        // The policy's slow path: a photo unsure enough to get the extra views.
        var unsure = new ModelBundle(bundle.Manifest with { Inference = s with { ExtraViewsBelow = float.PositiveInfinity } },
            bundle.Checklist, bundle.Heads, bundle.References);
        var slow = MeasureIdentify(new IdentificationEngine(unsure, embedder), photo.Jpeg, net, reps: 10);
        report.Add("Identify, adaptive when the extra views run", Ms(slow.Total),
            $"{Passes(slow.Passes)} in 2 batches, network {Ms(slow.Network)}, outside {Ms(slow.Total - slow.Network)}");
    }

    private static IdentifyRequest Request(byte[] jpeg) => new()
    {
        Images = [new IdentifyImage(jpeg, FileName: "photo-12mp.jpg")],
        MaxResults = 5, // As the command line shows.
    };

    /// <summary>The non-network work of identify, each piece timed alone (read from IdentificationEngine).</summary>
    private static List<(string, Timing)> OutsidePieces(IdentificationEngine engine, byte[] jpeg, PreparedImage prepared, int passes, Timing decode)
    {
        var s = engine.Bundle.Manifest.Inference;
        var views = s.Views.Concat(s.ExtraViews).Take(passes).ToArray();
        var backbone = engine.Embedder.Backbone;
        var input = new float[views.Length * Backbone.ImageFloats];
        var raw = engine.Embedder.Embed(prepared, views);
        var first = raw.AsSpan(0, s.Views.Length * Backbone.Dim).ToArray();
        var project = Enumerable.Range(0, engine.Bundle.Checklist.Taxa.Count).ToHashSet();
        var pieces = new List<(string, Timing)>
        {
            ("SHA-256 of the file", Measure.Time(() => SHA256.HashData(jpeg))),
            ("decode + prepare", decode),
            ($"FillInput x {views.Length}", Measure.Time(() =>
            {
                for (var i = 0; i < views.Length; i++)
                    backbone.FillInput(prepared.Rgba, views[i], input.AsSpan(i * Backbone.ImageFloats, Backbone.ImageFloats));
            })),
            ("heads + plant kNN + fusion + ranking + references", Measure.Time(() =>
            {
                var scores = ImageScorer.Score(engine.Bundle, first);
                if (passes > s.Views.Length) scores = ImageScorer.Score(engine.Bundle, raw);
                var fused = Fusion.Restrict(Fusion.Combine([scores.TaxonLogProbs], s.Fusion), project);
                foreach (var c in project.OrderByDescending(c => fused[c]).ThenBy(c => c).Take(5))
                    engine.Bundle.References.Nearest(scores.Embedding, c, 3);
            })),
        };
        pieces.Add(("sum of the pieces", new Timing(pieces.Sum(p => p.Item2.Median), 0, 0, 0)));
        return pieces;
    }

    private static IdentificationEngine WithViews(ModelBundle bundle, Embedder embedder, int[] views)
    {
        var m = bundle.Manifest;
        var forced = new ModelBundle(m with { Inference = m.Inference with { Views = views, ExtraViews = [] } },
            bundle.Checklist, bundle.Heads, bundle.References);
        return new IdentificationEngine(forced, embedder);
    }

    /// <summary>
    /// Runs the ML.NET pipeline in its own process (ML.NET needs SkiaSharp 2.88, Florascope
    /// SkiaSharp 3) and times our one-pass identify just before and just after it.
    /// </summary>
    private static void Baseline(Report report, string root, TestPhoto photo, IdentificationEngine? oneView, PreparedImage prepared, Backbone backbone)
    {
        const int reps = 10, warmup = 2;
        var request = Request(photo.Jpeg);
        var before = oneView is null ? null : Measure.Time(() => oneView.Identify(request), reps, warmup);
        var featuresFile = Path.Combine(Path.GetDirectoryName(photo.JpegPath)!, "mlnet-features.txt");
        var child = ChildProcess.Run(root, ["dotnet", "run", "-c", "Release", "--project", "bench/Florascope.Bench.MlNet", "--",
            photo.JpegPath, reps.ToString(CultureInfo.InvariantCulture), warmup.ToString(CultureInfo.InvariantCulture), featuresFile]);
        var after = oneView is null ? null : Measure.Time(() => oneView.Identify(request), reps, warmup);
        if (child.ExitCode != 0 || child.Value("median_ms") is not { } medianText)
        {
            report.Add("ML.NET baseline (ResNet18 featurizer)", "did not run", "see note");
            report.Note($"The ML.NET baseline could not run here (exit {child.ExitCode}): {child.Why()}");
            return;
        }
        var baseline = double.Parse(medianText, CultureInfo.InvariantCulture);

        // Both sides compute the ResNet18 embedding of the same photo: check they agree, so the race is fair.
        var theirs = File.ReadAllLines(featuresFile).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var ours = new float[Backbone.Dim];
        var input = new float[Backbone.ImageFloats];
        backbone.FillInput(prepared.Rgba, 0, input);
        backbone.Run(input, 1, ours);
        var cosine = VectorMath.Dot(theirs, ours) / MathF.Sqrt(VectorMath.Dot(theirs, theirs) * VectorMath.Dot(ours, ours));
        report.Add("ML.NET baseline, one prediction of the 12 MP JPEG", Ms(baseline),
            $"PredictionEngine, median of {reps} (min {child.Value("min_ms")} ms), own process; fit {child.Value("fit_ms")} ms; embedding cosine to ours {cosine:F3}");

        if (before is null || after is null)
        {
            report.Note("No model bundle: the baseline was not compared with our identify path.");
            return;
        }
        var oursMs = (before.Median + after.Median) / 2;
        report.Add("Ours, whole identify with one pass (views [0])", Ms(oursMs), $"mean of {Ms(before.Median)} before and {Ms(after.Median)} after the baseline");
        report.Add("  baseline / ours", $"{baseline / oursMs:F1}x", "target >= 3x");
    }

    private static void Throughput(Report report, string root, Embedder embedder)
    {
        var train = Path.Combine(root, "data", "demo-flora", "train");
        var all = Directory.EnumerateFiles(train, "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        // Every k-th photo, so the sample spans every taxon and source, not the first folder only.
        var stride = Math.Max(1, all.Count / 100);
        var paths = all.Where((_, i) => i % stride == 0).Take(100).ToList();
        var t = Measure.Time(() => EmbeddingExtractor.Extract(embedder, null, paths, [0]), reps: 3, warmup: 1);
        report.Add($"Embedding throughput, {paths.Count} train photos, 1 view, no cache", $"{paths.Count / (t.Median / 1000):F1} img/s",
            $"{Ms(t.Median)} per sweep, median of 3; default threads");
    }

    private static void CliMemory(Report report, string root, string jpegPath, string bundleDir)
    {
        // Built every time (quick when up to date) so the figure is that of the current code.
        var build = ChildProcess.Run(root, ["dotnet", "build", "src/Florascope.Cli", "-c", "Release", "-nologo", "-v", "q"]);
        // The app's name is that of its runtimeconfig.json, whatever AssemblyName the project sets.
        var outDir = Path.Combine(root, "src", "Florascope.Cli", "bin", "Release", "net10.0");
        var config = Directory.Exists(outDir) ? Directory.GetFiles(outDir, "*.runtimeconfig.json").FirstOrDefault() : null;
        if (config is null)
        {
            report.Note($"The command line could not be built (exit {build.ExitCode}: {build.Why()}); its peak memory was not measured.");
            return;
        }
        var dll = config[..^".runtimeconfig.json".Length] + ".dll";
        var what = "CLI `florascope identify` 12 MP JPEG, peak RSS";
        List<string> command = ["dotnet", dll, "identify", jpegPath, "--model", bundleDir];
        var first = CliPeakMemory.Run(root, command);
        if (first.ExitCode is not (0 or 3)) // 3: "not a plant", a normal answer.
        {
            // Measure the same steps in a process of ours, so the figure exists until the CLI runs.
            report.Note($"`florascope identify` fails here (exit {first.ExitCode}): {first.Why()} " +
                $"The peak memory is that of a stand-in instead: `Florascope.Bench {IdentifyOnce.Argument}`, which does what IdentifyCommand does.");
            what = "Stand-in for `florascope identify` 12 MP JPEG, peak RSS";
            command = ["dotnet", typeof(IdentifyOnce).Assembly.Location, IdentifyOnce.Argument, jpegPath, bundleDir];
            first = CliPeakMemory.Run(root, command);
            if (first.ExitCode != 0)
            {
                report.Note($"The stand-in failed too (exit {first.ExitCode}): {first.Why()}");
                return;
            }
        }
        List<PeakMemory> runs = [first, CliPeakMemory.Run(root, command), CliPeakMemory.Run(root, command)];
        var peak = runs.Max(r => r.PeakMb);
        var wall = runs.Select(r => r.WallMs).Order().ElementAt(1);
        report.Add(what, $"{peak:F0} MB", $"max of 3 runs, {runs[0].Method}; target < 500 MB; {wall / 1000:F2} s wall per run (median)");
    }

    private static ModelBundle? LoadBundle(Report report, Backbone backbone)
    {
        var dir = ModelBundle.DefaultDirectory;
        if (!File.Exists(Path.Combine(dir, ModelBundle.ManifestFile)))
        {
            report.Note($"No model bundle at {dir} (manifest.json missing): identify, views vs latency, the comparison with the baseline and the CLI memory were skipped.");
            return null;
        }
        var bundle = ModelBundle.Load(dir);
        if (bundle.Manifest.Backbone.Sha256 != backbone.Sha256)
        {
            report.Note($"The bundle {bundle.Manifest.Version} was trained on another backbone: the measurements that need it were skipped.");
            return null;
        }
        Console.WriteLine($"  model bundle {bundle.Manifest.Version}: {bundle.Checklist.Taxa.Count} taxa, views [{string.Join(",", bundle.Manifest.Inference.Views)}]");
        return bundle;
    }

    private static string PickSource(string root)
    {
        var val = Path.Combine(root, "data", "demo-flora", "val");
        var preferred = Path.Combine(val, PhotoTaxon);
        var folder = Directory.Exists(preferred) ? preferred : Directory.GetDirectories(val).Order(StringComparer.Ordinal).First();
        return Directory.GetFiles(folder).Order(StringComparer.Ordinal).First();
    }

    internal static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Florascope.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Run from inside the repository (Florascope.slnx not found).");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Passes(int n) => n == 1 ? "1 pass" : $"{n} passes";

    private static string Ms(double ms) => ms < 10 ? $"{ms:F2} ms" : $"{ms:F1} ms";
}

/// <summary>Bare network runs on one prepared photo, the eight views filled once.</summary>
internal sealed class NetworkPasses
{
    private readonly Backbone _backbone;
    private readonly float[] _input = new float[Backbone.Views * Backbone.ImageFloats];
    private readonly float[] _output = new float[Backbone.Views * Backbone.Dim];

    public NetworkPasses(Backbone backbone, PreparedImage image)
    {
        _backbone = backbone;
        for (var v = 0; v < Backbone.Views; v++)
            backbone.FillInput(image.Rgba, v, _input.AsSpan(v * Backbone.ImageFloats, Backbone.ImageFloats));
    }

    public Action Pass(int batch) => () => _backbone.Run(_input, batch, _output);
}
