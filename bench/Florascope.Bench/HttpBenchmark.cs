using System.Diagnostics;
using System.Net.Http.Headers;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Bench;

/// <summary>
/// The HTTP service against the same engine called in-process, in one run: idle latency of one
/// 12 MP photo, then saturation throughput with concurrent clients over loopback, with latency
/// percentiles, errors and peak memory. The server runs in this process (Kestrel on 127.0.0.1),
/// so both sides use the very same IdentificationEngine and ONNX session.
/// </summary>
public static class HttpBenchmark
{
    private const int Clients = 8;
    private const int LoadRequests = 96;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var report = new Report("http");
        Console.WriteLine($"Florascope HTTP benchmark on {Report.Machine()}");

        var outDir = Path.Combine(Path.GetTempPath(), "florascope-bench");
        var source = Path.Combine(root, "data", "demo-flora", "val", "Leucanthemum_vulgare", "ox17_image_0801.jpg");
        var photo = TestPhoto.Create(source, outDir);
        var dataDir = Path.Combine(outDir, "server-" + Guid.NewGuid().ToString("N")[..8]);

        var app = FlorascopeServer.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Florascope:DataDirectory"] = dataDir,
                // One client process sends for all the clients: the per-address body share must not be what limits them.
                ["Florascope:Clients:BodiesPerAddress"] = Clients.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Urls"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            var baseUrl = app.Urls.First();
            string secret;
            using (var scope = app.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
                secret = ApiKeyStore.CreateAsync(db, "bench", int.MaxValue, TimeProvider.System).GetAwaiter().GetResult().Secret;
            }
            var engine = app.Services.GetRequiredService<Florascope.Web.Models.ModelHost>().Current;
            var pool = app.Services.GetRequiredService<Florascope.Web.Identify.InferencePool>();
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
            var url = $"/v2/identify/all?api-key={Uri.EscapeDataString(secret)}&no-reject=true";
            var request = new IdentifyRequest { Images = [new IdentifyImage(photo.Jpeg)], NoReject = true, MaxResults = 20, ReferencesPerResult = 0 };
            report.Add("Test photo 4000x3000 JPEG q90", $"{photo.Jpeg.Length / 1e6:F2} MB", "same photo as the engine suite");
            report.Add("Server", $"{pool.Workers} workers", "Florascope:Inference defaults; the in-process calls use the same engine");

            // 1. Idle: one request at a time, HTTP and in-process interleaved.
            var idle = Measure.Interleaved(Measure.Reps, Measure.Warmup,
                () => engine.Identify(request),
                () => Post(http, url, photo.Jpeg).GetAwaiter().GetResult());
            report.Add("In-process identify, 12 MP JPEG, idle", $"{idle[0].Median:F1} ms", "IdentificationEngine.Identify");
            report.Add("HTTP POST /v2/identify, 12 MP JPEG, idle", $"{idle[1].Median:F1} ms", "multipart upload over loopback, JSON back");
            report.Add("  HTTP / in-process", $"{idle[1].Median / idle[0].Median:F2}x", "target <= 1.25x");

            // 2. Saturation: in-process with one caller per worker, then HTTP with 8 clients.
            var inProcess = Throughput(pool.Workers, LoadRequests, () => { engine.Identify(request); return true; }, out _);
            var peak = new PeakMemory();
            var errors = 0;
            var overHttp = Throughput(Clients, LoadRequests, () =>
            {
                var ok = Post(http, url, photo.Jpeg).GetAwaiter().GetResult();
                if (!ok) Interlocked.Increment(ref errors);
                return ok;
            }, out var latencies);
            peak.Stop();
            report.Add("In-process throughput", $"{inProcess:F2} req/s", $"{pool.Workers} concurrent callers, {LoadRequests} requests");
            report.Add("HTTP saturation throughput", $"{overHttp:F2} req/s", $"{Clients} concurrent clients, {LoadRequests} requests of 1 photo");
            report.Add("  HTTP / in-process", $"{overHttp / inProcess:F2}x", "target >= 0.8x");
            latencies.Sort();
            report.Add("  latency p50 / p95 / p99", $"{Pct(latencies, 50):F0} / {Pct(latencies, 95):F0} / {Pct(latencies, 99):F0} ms", "at saturation");
            report.Add("  errors", $"{errors}", "non-200 answers; target 0");
            report.Add("  peak working set", $"{peak.PeakMb:F0} MB", "server and clients in this process, sampled every 20 ms");
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)app).Dispose();
        }

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(command,
        [
            "Server in this process on 127.0.0.1 (Kestrel), SQLite in a temp folder, a key with an unlimited quota.",
            "Idle figures: median of 15 interleaved runs after 3 warm-ups; load figures: wall time for all requests.",
        ]));
        return 0;
    }

    private static async Task<bool> Post(HttpClient http, string url, byte[] jpeg)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "images", "photo.jpg");
        form.Add(new StringContent("auto"), "organs");
        using var response = await http.PostAsync(url, form);
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>Runs <paramref name="total"/> calls on <paramref name="concurrency"/> threads; returns calls per second.</summary>
    private static double Throughput(int concurrency, int total, Func<bool> call, out List<double> latencies)
    {
        call();
        var next = 0;
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, concurrency).Select(_ => new Thread(() =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var start = Stopwatch.GetTimestamp();
                call();
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                lock (times) times.Add(ms);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        latencies = times;
        return total / clock.Elapsed.TotalSeconds;
    }

    private static double Pct(List<double> sorted, int p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    /// <summary>Samples the process's working set until stopped.</summary>
    private sealed class PeakMemory
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakMemory() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public double PeakMb => Interlocked.Read(ref _peak) / 1e6;

        public void Stop()
        {
            _timer.Dispose();
            Sample();
        }

        private void Sample()
        {
            var ws = Environment.WorkingSet;
            long current;
            while (ws > (current = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, ws, current) != current) { }
        }
    }
}
