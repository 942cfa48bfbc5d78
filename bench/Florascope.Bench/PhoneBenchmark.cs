using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;

namespace Florascope.Bench;

/// <summary>
/// The home page and an identification as a phone on a slow network sees them: the real server on
/// 127.0.0.1, Debian's Chromium driven by Playwright at 390 x 844 (touch), Chromium's own network
/// emulation set through a CDP session on the page (the issue's "slow 4G": 1.44 Mbps down, 675 kbps
/// up, 562 ms latency), a fresh browser context (cold cache, no service worker) per run.
/// Usage: phone [--runs N]
/// </summary>
public static class PhoneBenchmark
{
    private const string Suite = "phone";
    private const double DownBitsPerSecond = 1.44e6;
    private const double UpBitsPerSecond = 675e3;
    private const double LatencyMs = 562;

    // What the page must show to count as usable, and where the identification starts and ends.
    // The first file input stands for the photo button: the app may offer camera and gallery as two.
    private const string PhotoInput = "input[type=file]";
    private const string IdentifyButton = "#go";
    private const string Results = "#results li";

    // Runs in the page before its own scripts: stamps (performance.now(), from the navigation's start)
    // the moment the page is usable, the tap on Identify, and the first result drawn.
    private const string Stamps = """
        (() => {
          const b = window.__bench = { usable: null, tap: null, results: null };
          const check = () => {
            if (b.usable === null) {
              const input = document.querySelector('input[type=file]');
              if (document.body && document.body.dataset.i18n && input && !input.disabled) b.usable = performance.now();
            }
            if (b.tap !== null && b.results === null && document.querySelector('#results li')) b.results = performance.now();
          };
          new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
          document.addEventListener('DOMContentLoaded', check);
          document.addEventListener('click', e => { if (e.target.closest && e.target.closest('#go')) { b.tap = performance.now(); b.results = null; } }, true);
        })();
        """;

    public static int Run(string[] args)
    {
        var runs = Array.IndexOf(args, "--runs") is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 5;
        return RunAsync(args, runs).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string[] args, int runs)
    {
        var root = EngineBenchmark.RepoRoot();
        var report = new Report(Suite);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        Console.WriteLine($"Florascope phone-network benchmark on {Report.Machine()}; load average {load}");
        var chromium = Environment.GetEnvironmentVariable("FLORASCOPE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"Chromium not found at {chromium} (apt-get install chromium, or set FLORASCOPE_CHROMIUM).");
            return 1;
        }

        var outDir = Path.Combine(Path.GetTempPath(), "florascope-bench");
        var source = Path.Combine(root, "data", "demo-flora", "val", "Leucanthemum_vulgare", "ox17_image_0801.jpg");
        var photo = TestPhoto.Create(source, outDir);
        var dataDir = Path.Combine(outDir, "phone-" + Guid.NewGuid().ToString("N")[..8]);
        var app = FlorascopeServer.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Florascope:DataDirectory"] = dataDir,
            ["Florascope:ModelDirectory"] = Path.Combine(root, "models", "demo"),
            ["Florascope:ImageDirectory"] = Path.Combine(root, "data"),
            // Every run identifies once from 127.0.0.1 without an account.
            ["Florascope:AnonymousDailyIdentifications"] = "100000",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await app.StartAsync();
        // Older drivers report the service worker's own requests only when asked; newer ones always do.
        Environment.SetEnvironmentVariable("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        try
        {
            var baseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
            // One run first, not counted: the server's first requests (JIT, the network's first pass) are not the phone's.
            await OneRunAsync(browser, baseUrl, photo);
            var results = new List<RunResult>();
            for (var r = 0; r < runs; r++)
            {
                var one = await OneRunAsync(browser, baseUrl, photo);
                results.Add(one);
                Console.WriteLine($"  run {r + 1}: usable {one.Cold.UsableMs:F0} ms, {one.Cold.BytesBeforeUsable / 1024.0:F1} KB in {one.Cold.RequestsBeforeUsable} requests before; "
                    + $"precache {one.PrecacheBytes / 1024.0:F1} KB in {one.PrecacheRequests}; photo ready {one.PrepareMs:F0} ms, tap -> results {one.TapToResultsMs:F0} ms, "
                    + $"sent {one.SentBytes / 1024.0:F1} KB; warm usable {one.Warm.UsableMs:F0} ms, {one.Warm.BytesBeforeUsable / 1024.0:F1} KB");
            }

            var cold = results.Select(x => x.Cold).ToList();
            var warm = results.Select(x => x.Warm).ToList();
            var first = results[0];
            report.Add("Home page (/) usable, cold", $"{Median(cold.Select(c => c.UsableMs)):F0} ms",
                $"target <= 1500 ms; runs {string.Join(", ", cold.Select(c => c.UsableMs.ToString("F0", CultureInfo.InvariantCulture)))}");
            report.Add("  bytes on the wire before usable", $"{Median(cold.Select(c => (double)c.BytesBeforeUsable)) / 1024:F1} KB",
                $"target <= 80 KB; {Median(cold.Select(c => (double)c.RequestsBeforeUsable)):F0} requests");
            report.Add("  of which", $"{first.Cold.Before.Count} responses", "first run, each in KB and when it was asked-ended (ms after the page's request): " + string.Join(", ", first.Cold.Before.OrderBy(b => b.EndMs).Select(b => $"{b.Path} {b.Bytes / 1024.0:F1} @{b.StartMs:F0}-{b.EndMs:F0}")));
            report.Add("  whole page load (all page requests)", $"{Median(cold.Select(c => (double)c.AllBytes)) / 1024:F1} KB",
                $"{Median(cold.Select(c => (double)c.AllRequests)):F0} requests; after usable (first run): {(first.Cold.After.Count == 0 ? "none" : string.Join(", ", first.Cold.After.Select(b => b.Path)))}");
            report.Add("  service worker precache, later", results.Any(x => x.PrecacheRequests > 0) ? $"{Median(results.Select(x => (double)x.PrecacheBytes)) / 1024:F1} KB" : "not seen",
                $"{Median(results.Select(x => (double)x.PrecacheRequests)):F0} files fetched by the worker (headers and encoded bodies, as Playwright reports them)");
            report.Add("12 MP photo (4000x3000 JPEG q90) chosen -> Identify enabled", $"{Median(results.Select(x => x.PrepareMs)):F0} ms",
                "downscaled in the page (js/app.js) before anything is sent");
            report.Add("Tap Identify -> results on screen", $"{Median(results.Select(x => x.TapToResultsMs)):F0} ms",
                $"target <= 4000 ms; runs {string.Join(", ", results.Select(x => x.TapToResultsMs.ToString("F0", CultureInfo.InvariantCulture)))}");
            report.Add("  choose photo -> results", $"{Median(results.Select(x => x.PrepareMs + x.TapToResultsMs)):F0} ms", "both steps above, added run by run");
            report.Add("  request body sent", $"{Median(results.Select(x => (double)x.SentBytes)) / 1024:F1} KB",
                $"multipart of the downscaled JPEG; the camera file is {photo.Jpeg.Length / 1e6:F2} MB");
            report.Add("  that body's upload alone at 675 kbps, plus one latency", $"{Median(results.Select(x => x.SentBytes * 8 / UpBitsPerSecond * 1000 + LatencyMs)):F0} ms",
                "the rest of tap -> results is the server and the page");
            report.Add("  answer received", $"{Median(results.Select(x => (double)x.AnswerBytes)) / 1024:F1} KB", "JSON, on the wire");
            report.Add("Home page (/) usable, warm second visit", $"{Median(warm.Select(c => c.UsableMs)):F0} ms",
                $"service worker and HTTP cache: {Median(warm.Select(c => (double)c.RequestsBeforeUsable)):F0} responses before usable ({Median(warm.Select(c => (double)c.BytesBeforeUsable)) / 1024:F1} KB from the network on the page's side), {Median(warm.Select(c => (double)c.FromServiceWorker)):F0} through the worker, which fetched {Median(warm.Select(c => (double)c.WorkerBytes)) / 1024:F1} KB itself; worker throttled in {warm.Count(c => c.WorkerThrottled)} of {warm.Count} runs");

            report.PrintTable();
            var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
            var markdown = report.Markdown(command,
            [
                $"Server in this process on 127.0.0.1 (SQLite in a temp folder, models/demo); Chromium {browser.Version} ({chromium}) headless, driven by Microsoft.Playwright, 390 x 844, touch, mobile viewport.",
                $"Network: Chromium's emulation through a CDP session on the page (`Network.emulateNetworkConditions`: {DownBitsPerSecond / 1e6:F2} Mbps down, {UpBitsPerSecond / 1e3:F0} kbps up, {LatencyMs:F0} ms latency added to each request). No CPU slow-down: this machine's cores are faster than a phone's. Plain HTTP/1.1 on loopback (no TLS, so no HTTP/2): Chromium opens at most 6 connections to one host, so a 7th request asked at the same time waits for a free one (a whole extra latency); the emulation adds its latency per request, not per connection (no TCP or TLS handshake is counted).",
                $"Cold: a fresh browser context per run (empty cache, no cookie, no service worker), signed out; median of {runs} runs after one run not counted (the server's first requests).",
                "Usable: from the navigation's start (performance.now()) to the first moment the page's texts are translated (`document.body.dataset.i18n` set by js/shared.js) and the photo input (the first `input[type=file]`) is present and enabled; stamped in the page by a MutationObserver added before the page's scripts.",
                "Bytes: sum of `encodedDataLength` of CDP `Network.loadingFinished` (headers and compressed body) of the page's requests finished by then; the service worker's precache (its install, fetched by the worker, which the page's emulation does not slow down) is summed apart (Playwright reports the worker's own requests on the context, without a frame).",
                "Identification: the test photo (a validation photo of the demo flora upscaled to 4000 x 3000 with sensor-like noise, JPEG q90, no EXIF) set on the photo input, then a tap on Identify after the service worker's install ended; from the tap (click) to the first result in `#results`.",
                "Warm: the same context opening / again after the identification (service worker active, HTTP cache filled). The requests the worker forwards are its own, outside the page's emulation: the same conditions are set on the worker's target before this visit (a CDP session attached to it); if that failed the figure is optimistic, as the table says.",
                $"Load average at start: {load}. The machine was shared with other builds while this ran; rerun on a quiet machine for the figures of record.",
            ]).Replace("## `phone` suite", "## Phone network (`phone` suite)", StringComparison.Ordinal);
            report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), markdown);
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private sealed record Transfer(string Path, long Bytes, double StartMs, double EndMs);

    private sealed record Visit(double UsableMs, long BytesBeforeUsable, int RequestsBeforeUsable, long AllBytes, int AllRequests, int FromServiceWorker,
        IReadOnlyList<Transfer> Before, IReadOnlyList<Transfer> After, long WorkerBytes = 0, bool WorkerThrottled = false);

    private sealed record RunResult(Visit Cold, long PrecacheBytes, int PrecacheRequests, double PrepareMs, double TapToResultsMs, long SentBytes, long AnswerBytes, Visit Warm);

    /// <summary>The page's network as CDP reports it: each request's URL, start and end (CDP monotonic seconds) and bytes.</summary>
    private sealed class NetworkLog
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, (string Url, double Start)> _sent = [];
        private readonly List<(string Url, double Start, double End, long Bytes)> _finished = [];
        private readonly HashSet<string> _fromWorker = [];
        private double? _document;

        public void Clear()
        {
            lock (_gate) { _sent.Clear(); _finished.Clear(); _fromWorker.Clear(); _document = null; }
        }

        public void Sent(JsonElement e)
        {
            var id = e.GetProperty("requestId").GetString()!;
            var url = e.GetProperty("request").GetProperty("url").GetString()!;
            var at = e.GetProperty("timestamp").GetDouble();
            lock (_gate)
            {
                _sent[id] = (url, at);
                if (_document is null && e.TryGetProperty("type", out var type) && type.GetString() == "Document") _document = at;
            }
        }

        public void Received(JsonElement e)
        {
            if (e.GetProperty("response").TryGetProperty("fromServiceWorker", out var sw) && sw.GetBoolean())
                lock (_gate) _fromWorker.Add(e.GetProperty("requestId").GetString()!);
        }

        public void Finished(JsonElement e)
        {
            var id = e.GetProperty("requestId").GetString()!;
            lock (_gate)
                if (_sent.TryGetValue(id, out var s))
                    _finished.Add((s.Url, s.Start, e.GetProperty("timestamp").GetDouble(), (long)e.GetProperty("encodedDataLength").GetDouble()));
        }

        /// <summary>Requests finished within <paramref name="usableMs"/> of the document's request, and the rest.</summary>
        public Visit Split(double usableMs)
        {
            lock (_gate)
            {
                var start = _document ?? _finished.Select(f => f.End).DefaultIfEmpty(0).Min();
                Transfer T((string Url, double Start, double End, long Bytes) f) =>
                    new(new Uri(f.Url).PathAndQuery.Split('?')[0], f.Bytes, (f.Start - start) * 1000, (f.End - start) * 1000);
                var before = _finished.Where(f => (f.End - start) * 1000 <= usableMs).Select(T).ToList();
                var after = _finished.Where(f => (f.End - start) * 1000 > usableMs).Select(T).ToList();
                return new Visit(usableMs, before.Sum(b => b.Bytes), before.Count, _finished.Sum(f => f.Bytes), _finished.Count,
                    _fromWorker.Count, before, after);
            }
        }
    }

    private static async Task<RunResult> OneRunAsync(IBrowser browser, Uri baseUrl, TestPhoto photo)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true, Locale = "en-GB",
        });
        await context.AddInitScriptAsync(Stamps);
        var worker = new WorkerLog(context);
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        var log = new NetworkLog();
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) => { if (e is { } v) log.Sent(v); };
        cdp.Event("Network.responseReceived").OnEvent += (_, e) => { if (e is { } v) log.Received(v); };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) => { if (e is { } v) log.Finished(v); };
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = LatencyMs,
            ["downloadThroughput"] = DownBitsPerSecond / 8,
            ["uploadThroughput"] = UpBitsPerSecond / 8,
        });

        var cold = await VisitAsync(page, baseUrl, log);

        // The service worker installs (precaches the shell) after the page is usable: wait for its install to end.
        await page.EvaluateAsync("() => navigator.serviceWorker.ready.then(() => true)");
        var (precacheBytes, precacheRequests) = worker.Take();

        // A 12 MP camera photo: chosen (downscaled in the page), then Identify tapped.
        var identify = new TaskCompletionSource<IRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Request += (_, r) => { if (r.Url.Contains("/api/identify", StringComparison.Ordinal)) identify.TrySetResult(r); };
        var clock = Stopwatch.StartNew();
        await page.SetInputFilesAsync(PhotoInput, photo.JpegPath);
        await page.WaitForSelectorAsync($"{IdentifyButton}:not([disabled])", new() { Timeout = 120_000 });
        var prepareMs = clock.Elapsed.TotalMilliseconds;
        await page.TapAsync(IdentifyButton);
        await page.WaitForFunctionAsync("() => window.__bench.results !== null", null, new() { Timeout = 120_000, PollingInterval = 20 });
        var tapToResults = await page.EvaluateAsync<double>("() => window.__bench.results - window.__bench.tap");
        var request = await identify.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var sizes2 = await request.SizesAsync();
        // Playwright does not see a multipart body built from blobs: the length the browser sent says it.
        var sent = (await request.AllHeadersAsync()).TryGetValue("content-length", out var length) ? long.Parse(length, CultureInfo.InvariantCulture) : sizes2.RequestBodySize;
        var response = await request.ResponseAsync();
        if (response is null || !response.Ok) throw new InvalidOperationException($"Identify answered {response?.Status}.");

        // The worker forwards the next visit's requests itself: it gets the same emulated network.
        var throttled = await ThrottleServiceWorkerAsync(browser, baseUrl);
        log.Clear();
        worker.Take();
        var warm = await VisitAsync(page, baseUrl, log) with { WorkerBytes = worker.Take().Bytes, WorkerThrottled = throttled };
        return new RunResult(cold, precacheBytes, precacheRequests, prepareMs, tapToResults, sent,
            sizes2.ResponseBodySize + sizes2.ResponseHeadersSize, warm);
    }

    /// <summary>
    /// Requests the service worker makes itself (its precache, and on later visits what it forwards): Playwright
    /// reports them on the context, without a frame. Their size is what Playwright reads (headers and encoded body).
    /// </summary>
    private sealed class WorkerLog
    {
        private readonly Lock _gate = new();
        private readonly List<Task<long>> _sizes = [];

        public WorkerLog(IBrowserContext context) => context.RequestFinished += (_, r) =>
        {
            if (HasFrame(r)) return;
            lock (_gate) _sizes.Add(r.SizesAsync().ContinueWith(s => s.IsCompletedSuccessfully ? s.Result.ResponseBodySize + s.Result.ResponseHeadersSize : 0L, TaskScheduler.Default));
        };

        /// <summary>Bytes and requests so far; the log starts again empty.</summary>
        public (long Bytes, int Requests) Take()
        {
            Task<long>[] sizes;
            lock (_gate) { sizes = [.. _sizes]; _sizes.Clear(); }
            // Playwright may never answer the sizes of a worker's request (seen once the app loaded modules
            // on demand): wait a bounded time and count what came; the rest counts 0 bytes.
            Task.WaitAll(sizes, TimeSpan.FromSeconds(15));
            return (sizes.Where(s => s.IsCompletedSuccessfully).Sum(s => s.Result), sizes.Length);
        }

        private static bool HasFrame(IRequest request)
        {
            try
            {
                _ = request.Frame;
                return true;
            }
            catch (PlaywrightException)
            {
                return false; // "Service Worker requests do not have an associated frame."
            }
        }
    }

    /// <summary>
    /// Sets the emulated network on the running service worker of <paramref name="baseUrl"/>: a target of its own,
    /// which the page's CDP session does not reach. Playwright's sessions route no child session, so the message
    /// goes through Target.sendMessageToTarget. False when no worker was found or Chromium refused.
    /// </summary>
    private static async Task<bool> ThrottleServiceWorkerAsync(IBrowser browser, Uri baseUrl)
    {
        var session = await browser.NewBrowserCDPSessionAsync();
        var targets = await session.SendAsync("Target.getTargets");
        var worker = targets?.GetProperty("targetInfos").EnumerateArray()
            .FirstOrDefault(t => t.GetProperty("type").GetString() == "service_worker"
                && t.GetProperty("url").GetString()!.StartsWith(baseUrl.ToString(), StringComparison.Ordinal));
        if (worker is not { ValueKind: JsonValueKind.Object } w) return false;
        try
        {
            var attached = await session.SendAsync("Target.attachToTarget", new() { ["targetId"] = w.GetProperty("targetId").GetString()!, ["flatten"] = false });
            var id = attached!.Value.GetProperty("sessionId").GetString()!;
            var conditions = JsonSerializer.Serialize(new
            {
                offline = false, latency = LatencyMs, downloadThroughput = DownBitsPerSecond / 8, uploadThroughput = UpBitsPerSecond / 8,
            });
            foreach (var message in new[]
            {
                """{"id":1,"method":"Network.enable"}""",
                $$"""{"id":2,"method":"Network.emulateNetworkConditions","params":{{conditions}}}""",
            })
                await session.SendAsync("Target.sendMessageToTarget", new() { ["sessionId"] = id, ["message"] = message });
            return true;
        }
        catch (PlaywrightException e)
        {
            Console.WriteLine($"  (service worker not throttled: {e.Message})");
            return false;
        }
    }

    private static async Task<Visit> VisitAsync(IPage page, Uri baseUrl, NetworkLog log)
    {
        await page.GotoAsync(baseUrl.ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => window.__bench && window.__bench.usable !== null", null, new() { Timeout = 60_000, PollingInterval = 20 });
        var usable = await page.EvaluateAsync<double>("() => window.__bench.usable");
        // Let what the page still loads finish (deferred modules, images), so the rest is counted apart.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 60_000 });
        return log.Split(usable);
    }
}
