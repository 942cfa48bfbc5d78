using System.Diagnostics;
using Florascope.Engine;
using Florascope.Floras;
using Florascope.Tests.TestSupport;
using Florascope.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Florascope.Bench;

/// <summary>
/// `florascope flora build` on the whole demo flora (46 taxa, the 3,918 training photos) published as a
/// GBIF-layout download whose photos a loopback server serves: photos/s end to end (download + decode +
/// embed, one view, nothing cached), then the build with the trainer's default settings (8 views) once
/// the photos are stored, then a rebuild with everything cached.
/// Usage: flora [--dir DIR]
/// </summary>
public static class FloraBenchmark
{
    private const string Suite = "flora";

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var dir = Arg("--dir") ?? Path.Combine(Path.GetTempPath(), "florascope-flora-bench");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var report = new Report(Suite);
        Console.WriteLine($"Florascope flora benchmark on {Report.Machine()}");

        using var server = PhotoHost.Start(Path.Combine(root, "data", "demo-flora"));
        var zip = Path.Combine(dir, "download.zip");
        var archive = GbifArchive.FromDemoFlora(zip, Path.Combine(root, "data"), server.BaseUrl, new GbifArchiveOptions { AddFilterCases = false });
        var nonPlants = Path.Combine(root, "data", "non-plants");
        using var backbone = new Backbone(new BackboneOptions { IntraOpThreads = EngineBenchmark.Threads });
        var embedder = new Embedder(backbone);

        FloraBuildResult Build(string store, string cache, int[] views, string label, out double downloadSeconds, out double embedSeconds, out double totalSeconds)
        {
            var clock = Stopwatch.StartNew();
            double downloaded = 0, embedded = 0;
            var downloads = new Learning.SyncProgress<DownloadProgress>(p => { if (p.Done == p.Total) downloaded = clock.Elapsed.TotalSeconds; });
            var training = new Learning.SyncProgress<(string Stage, int Done, int Total)>(p =>
            {
                if (embedded == 0 && p.Stage.EndsWith("head", StringComparison.Ordinal)) embedded = clock.Elapsed.TotalSeconds;
            });
            var options = new FloraBuildOptions
            {
                Archive = zip,
                NonPlantsDir = nonPlants,
                StoreDirectory = store,
                Version = label,
                MinImages = 10,
                // One loopback host: the per-host politeness (100 ms between starts, 2 at once) would be all that is measured.
                Download = new DownloadSettings { PerHostInterval = TimeSpan.Zero, PerHostConcurrency = 8 },
                Training = views.Length == 1 ? t => t with { TrainViews = views, Inference = t.Inference with { Views = views, ExtraViews = [] } } : null,
            };
            var builder = new FloraBuilder(() => new Trainer(embedder, new EmbeddingCache(cache, backbone.Sha256), TextWriter.Null), TextWriter.Null);
            var result = builder.BuildAsync(options, downloads, training, null, CancellationToken.None).GetAwaiter().GetResult();
            totalSeconds = clock.Elapsed.TotalSeconds;
            downloadSeconds = downloaded;
            embedSeconds = embedded - downloaded;
            return result;
        }

        var store = Path.Combine(dir, "store");
        var first = Build(store, Path.Combine(dir, "cache-1"), [0], "bench-one-view", out var d1, out var e1, out var t1);
        var photos = first.Report.TrainPhotos + first.Report.ValidationPhotos;
        var nonPlantCount = Directory.GetFiles(nonPlants, "*", SearchOption.AllDirectories).Length;
        report.Add($"Photos served and kept ({first.Report.Taxa} taxa)", $"{photos:N0}", $"{first.Report.TrainPhotos:N0} train, {first.Report.ValidationPhotos:N0} validation, split by occurrence");
        report.Add("Download from loopback (cold store), each photo decoded once to check it", $"{photos / d1:F0} photos/s", $"{d1:F1} s; 8 at once, no per-host interval (one loopback host; the default 100 ms interval caps one host at 10 photos/s)");
        report.Add("Decode + embed, one view (cold cache)", $"{(photos + nonPlantCount) / e1:F1} photos/s", $"{e1:F1} s for {photos + nonPlantCount:N0} photos (non-plants included)");
        report.Add("End to end: download + decode + embed", $"{photos / (d1 + e1 * photos / (photos + nonPlantCount)):F1} photos/s", "the plant photos' share of the embedding time");
        report.Add("Build from nothing, one view", $"{t1:F1} s", $"validation top-1 {first.Bundle.Manifest.Validation?.Identification.Top1:P1}");

        var full = Build(store, Path.Combine(dir, "cache-1"), [], "bench-default", out _, out var e2, out var t2);
        report.Add("Build with default settings (8 views), photos stored", $"{t2:F1} s", $"embedding {e2:F1} s (views 1-7 new); validation top-1 {full.Bundle.Manifest.Validation?.Identification.Top1:P1}, top-5 {full.Bundle.Manifest.Validation?.Identification.Top5:P1}");
        Build(store, Path.Combine(dir, "cache-1"), [], "bench-warm", out _, out _, out var t3);
        report.Add("Rebuild, everything cached", $"{t3:F1} s", $"no request made: {server.Requests} requests in all, for {archive.Photos.Count:N0} photos");

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            [$"Data: data/demo-flora/train (46 taxa) written as a GBIF occurrence download (tests' `GbifArchive`: occurrences of 1-3 photos, made-up licences), its photos served by a Kestrel server on 127.0.0.1; non-plants: data/non-plants ({nonPlantCount} photos).",
             $"`FloraBuilder` as `florascope flora build` runs it: --min-images 10, the default split (about 20 % of each species' photos, by occurrence); ONNX Runtime intra-op threads: {(EngineBenchmark.Threads == 0 ? "default (one per core)" : EngineBenchmark.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture))}; photos whose bytes another kept photo has are used once ({first.Report.DuplicatePhotos} here)."]));
        return 0;
    }

    /// <summary>A loopback server of the demo photos, counting requests.</summary>
    private sealed class PhotoHost : IDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private PhotoHost(WebApplication app) => _app = app;

        public string BaseUrl => _app.Urls.Single().TrimEnd('/');
        public int Requests => Volatile.Read(ref _requests);

        public static PhotoHost Start(string root)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var host = new PhotoHost(app);
            var full = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
            app.MapGet("/photos/{**path}", (string path) =>
            {
                Interlocked.Increment(ref host._requests);
                var file = Path.GetFullPath(Path.Combine(full, path));
                return file.StartsWith(full, StringComparison.Ordinal) && File.Exists(file) ? Results.File(file, "image/jpeg") : Results.NotFound();
            });
            app.StartAsync().GetAwaiter().GetResult();
            return host;
        }

        public void Dispose() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
