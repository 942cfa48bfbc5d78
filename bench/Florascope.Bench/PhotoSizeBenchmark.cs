using System.Diagnostics;
using System.Globalization;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Imaging;
using SkiaSharp;

namespace Florascope.Bench;

/// <summary>
/// What the size of the photo the app sends costs in accuracy: each validation photo of the demo
/// flora made into a camera photo (long side 4000 px, sensor-like noise, JPEG q90), then reduced as the
/// page does (long side 1280, 1024 or 800 px, JPEG 0.9) with the project's own <see cref="ImageDecoder.Resize"/>,
/// and identified by the real engine (the bundle's settings). Top-1/top-5 and bytes per photo for each size.
/// Usage: photo-size [--per-taxon N (default 2) | --all]; about 2 s of CPU a photo on this machine, mostly making the camera photo.
/// </summary>
public static class PhotoSizeBenchmark
{
    private const string Suite = "photo-size";
    private const int CameraSide = 4000;
    private static readonly int[] Sides = [1280, 1024, 800];

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var all = args.Contains("--all");
        var perTaxon = Array.IndexOf(args, "--per-taxon") is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 2;
        var report = new Report(Suite);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"Florascope photo-size benchmark on {Report.Machine()}; load average {load}");

        var bundle = ModelBundle.Load(ModelBundle.DefaultDirectory);
        using var backbone = new Backbone(new BackboneOptions { IntraOpThreads = EngineBenchmark.Threads });
        IdentificationEngine.EnsureSameBackbone(bundle, backbone);
        var engine = new IdentificationEngine(bundle, new Embedder(backbone));
        var labels = bundle.Checklist.Taxa.ToDictionary(t => t.ScientificNameWithoutAuthor, t => t, StringComparer.Ordinal);

        var val = Path.Combine(root, "data", "demo-flora", "val");
        var photos = Directory.GetDirectories(val).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal).Take(all ? int.MaxValue : perTaxon)
                .Select(f => (File: f, Taxon: Path.GetFileName(d).Replace('_', ' '))))
            .Where(p => labels.ContainsKey(p.Taxon)).ToList();

        // Variants: the file as stored, the camera photo sent whole, then the sizes the page may send.
        var names = new List<string> { "validation file as stored", $"camera photo, long side {CameraSide} px, q90" };
        names.AddRange(Sides.Select(s => $"reduced to {s} px, q90"));
        var top1 = new int[names.Count];
        var top5 = new int[names.Count];
        var bytes = new long[names.Count];
        var sameAsFirstSize = new int[names.Count];
        var clock = Stopwatch.StartNew();
        var random = new Random(12);
        foreach (var (file, taxon) in photos)
        {
            var original = File.ReadAllBytes(file);
            var camera = Camera(original, random);
            var reduced = ImageDecoder.Resize(camera, Sides, quality: 90).Jpegs;
            byte[][] variants = [original, camera, .. reduced];
            string? reference = null;
            for (var v = 0; v < variants.Length; v++)
            {
                var result = engine.Identify(new IdentifyRequest
                {
                    Images = [new IdentifyImage(variants[v], FileName: "photo.jpg")], NoReject = true, MaxResults = 5, ReferencesPerResult = 0,
                });
                var ranked = result.Results.Select(r => r.Taxon.ScientificNameWithoutAuthor).ToList();
                var rank = ranked.IndexOf(taxon);
                if (rank == 0) top1[v]++;
                if (rank is >= 0 and < 5) top5[v]++;
                bytes[v] += variants[v].Length;
                var first = ranked.FirstOrDefault();
                if (v == 2) reference = first;
                if (v >= 2 && first == reference) sameAsFirstSize[v]++;
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;

        var n = photos.Count;
        report.Add("Validation photos identified", $"{n}",
            $"{(all ? "all" : $"the first {perTaxon} (by file name)")} of each of {photos.Select(p => p.Taxon).Distinct().Count()} taxa; {seconds:F0} s in all");
        for (var v = 0; v < names.Count; v++)
        {
            var note = v < 2 ? "" : v == 2 ? "what js/app.js sends today (MAX_SIDE 1280, JPEG 0.9)" : $"same top-1 as at {Sides[0]} px: {100.0 * sameAsFirstSize[v] / n:F1} %";
            report.Add(names[v], $"top-1 {100.0 * top1[v] / n:F1} %, top-5 {100.0 * top5[v] / n:F1} %, {bytes[v] / (double)n / 1024:F0} KB", note);
        }
        report.Add("  upload of one photo at slow-4G 675 kbps", string.Join(" / ", Enumerable.Range(2, Sides.Length).Select(v => $"{bytes[v] / (double)n * 8 / 675e3:F2} s")),
            $"{string.Join(" / ", Sides)} px, body only (no latency, no multipart overhead)");

        // The phone suite's 12 MP test photo reduced the same way: its bytes against what Chromium's encoder sent there.
        var test = TestPhoto.Create(Path.Combine(root, "data", "demo-flora", "val", "Leucanthemum_vulgare", "ox17_image_0801.jpg"), Path.Combine(Path.GetTempPath(), "florascope-bench"));
        var testSizes = ImageDecoder.Resize(test.Jpeg, Sides, quality: 90).Jpegs;
        report.Add("  the phone suite's 12 MP test photo reduced alike", string.Join(" / ", testSizes.Select(j => $"{j.Length / 1024.0:F0} KB")),
            $"{string.Join(" / ", Sides)} px (Skia q90; Chromium's toBlob at 0.9 writes other bytes, see the phone suite)");

        report.PrintTable();
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var markdown = report.Markdown(command,
        [
            $"Load average at start: {load}; the machine was shared with other builds while this ran (the time in the first row depends on it).",
            $"Model: {bundle.Manifest.Version} (models/demo) with its own inference settings (views [{string.Join(",", bundle.Manifest.Inference.Views)}], extra views [{string.Join(",", bundle.Manifest.Inference.ExtraViews)}] below a confidence of {bundle.Manifest.Inference.ExtraViewsBelow:F2}), one photo per identification, organ auto, no rejection.",
            $"Each validation photo (data/demo-flora/val; most are 100-500 px on the long side) is enlarged to a camera photo of long side {CameraSide} px (Skia, linear filtering), given the same sensor-like noise as the 12 MP test photo of the other suites, and encoded JPEG q90; `ImageDecoder.Resize` (the server's own reduction: DCT-scaled decode, linear filtering with mipmaps, upright) then makes the {string.Join(", ", Sides)} px copies at q90, as the page's canvas reduction and `toBlob('image/jpeg', 0.9)` would.",
            "Caveat: an enlarged small photo has no detail beyond its source, so this measures what the reduction and the re-encoding cost, not the loss of fine detail a real 12 MP photo has; bytes per photo are those of these copies (real phone photos carry more detail and weigh more).",
        ]).Replace($"## `{Suite}` suite", $"## Photo size sent by the app (`{Suite}` suite)", StringComparison.Ordinal);
        report.WriteSection(Path.Combine(root, "docs", "model.md"), markdown);
        return 0;
    }

    /// <summary>The photo as a phone camera would give it: enlarged to a long side of 4000 px, with sensor-like noise, JPEG q90.</summary>
    private static byte[] Camera(byte[] jpeg, Random random)
    {
        using var source = SKBitmap.Decode(jpeg) ?? throw new InvalidDataException("A validation photo cannot be decoded.");
        var scale = (float)CameraSide / Math.Max(source.Width, source.Height);
        var info = new SKImageInfo((int)Math.Round(source.Width * scale), (int)Math.Round(source.Height * scale), SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var big = new SKBitmap(info);
        using (var canvas = new SKCanvas(big))
        using (var image = SKImage.FromBitmap(source))
            canvas.DrawImage(image, new SKRect(0, 0, info.Width, info.Height), new SKSamplingOptions(SKFilterMode.Linear));
        TestPhoto.AddNoise(big.GetPixelSpan(), random);
        using var pixels = SKImage.FromBitmap(big);
        using var data = pixels.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
