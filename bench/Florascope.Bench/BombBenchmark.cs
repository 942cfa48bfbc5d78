using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Data.Observations;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Florascope.Bench;

/// <summary>
/// Issue 9's decompression bomb: an all-zero 10950 x 10950 PNG (~350 KB, just under the pixel
/// limit). Peak RSS of the server (in this process, Kestrel on 127.0.0.1) with 8 of them in flight
/// at once: 8 concurrent POST /v2/identify, then 8 concurrent photo saves (PhotoStore.SaveAsync, the
/// 1280/320 px copies of POST /api/observations). Eight workers, so all eight decode together.
/// </summary>
public static class BombBenchmark
{
    private const int Side = 10950;
    private const int InFlight = 8;
    private const double TargetMb = 1500;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var report = new Report("bomb");
        Console.WriteLine($"Florascope bomb benchmark on {Report.Machine()}");

        var bomb = BlackPng(Side, Side);
        var outDir = Path.Combine(Path.GetTempPath(), "florascope-bench");
        var dataDir = Path.Combine(outDir, "bomb-" + Guid.NewGuid().ToString("N")[..8]);
        report.Add("Bomb: all-zero PNG", $"{Side}x{Side}, {bomb.Length / 1024} KB", $"{(long)Side * Side * 4 / 1e6:F0} MB as a full RGBA bitmap");

        var app = FlorascopeServer.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Florascope:DataDirectory"] = dataDir,
            ["Florascope:Inference:Workers"] = InFlight.ToString(CultureInfo.InvariantCulture),
            // One client process sends all eight: the per-address cap must not be what limits them.
            ["Florascope:Clients:ConcurrentRequestsPerAddress"] = (2 * InFlight).ToString(CultureInfo.InvariantCulture),
            ["Florascope:Clients:BodiesPerAddress"] = (2 * InFlight).ToString(CultureInfo.InvariantCulture),
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        app.StartAsync().GetAwaiter().GetResult();
        var resetWorked = false;
        try
        {
            string secret;
            using (var scope = app.Services.CreateScope())
                secret = ApiKeyStore.CreateAsync(scope.ServiceProvider.GetRequiredService<FlorascopeDb>(), "bench", int.MaxValue, TimeProvider.System)
                    .GetAwaiter().GetResult().Secret;
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };
            var url = $"/v2/identify/all?api-key={Uri.EscapeDataString(secret)}&no-reject=true";
            var photos = app.Services.GetRequiredService<PhotoStore>();

            // Warm-up: the network, the decoder and the JIT, one bomb through each path.
            var warm = Post(http, url, bomb).GetAwaiter().GetResult();
            photos.SaveAsync(bomb).GetAwaiter().GetResult();
            report.Add("Warm-up identification of one bomb", $"{warm.Status}, {warm.Ms / 1000:F1} s", "sequential, before the measurement");

            var decode = Measure.Time(() => Florascope.Imaging.ImageDecoder.Prepare(bomb), reps: 5, warmup: 1);
            report.Add("One bomb decoded to 224x224 in-process (ImageDecoder.Prepare)", $"{decode.Median / 1000:F2} s", "median of 5; inflating 360 MB of rows and reducing them");

            // 1. Eight identifications at once.
            Settle();
            var before = ProcessMemory.Rss();
            resetWorked = ProcessMemory.ResetPeakRss();
            var clock = Stopwatch.StartNew();
            var answers = Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(() => Post(http, url, bomb)))).GetAwaiter().GetResult();
            var identifyWall = clock.Elapsed.TotalSeconds;
            var identifyPeak = ProcessMemory.PeakRss();
            Settle();
            var after = ProcessMemory.Rss();
            report.Add($"{InFlight} concurrent POST /v2/identify, one bomb each", $"{identifyWall:F1} s",
                $"answers: {string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key} x{g.Count()}"))}; slowest {answers.Max(a => a.Ms) / 1000:F1} s");
            report.Add("  RSS before", $"{before / 1e6:F0} MB", "server idle, model loaded, after the warm-up");
            report.Add("  peak RSS during", $"{identifyPeak / 1e6:F0} MB", $"VmHWM{(resetWorked ? " reset before the burst" : " of the whole run")}; {Verdict(identifyPeak)}");
            report.Add("  RSS after", $"{after / 1e6:F0} MB", "after a full GC");

            // 2. Eight photo saves at once (original + 1280 px + 320 px), the image work of POST /api/observations.
            Settle();
            before = ProcessMemory.Rss();
            ProcessMemory.ResetPeakRss();
            clock.Restart();
            Task.WhenAll(Enumerable.Range(0, InFlight).Select(i => Task.Run(() => photos.SaveAsync([.. bomb, .. BitConverter.GetBytes(i)])))).GetAwaiter().GetResult();
            var saveWall = clock.Elapsed.TotalSeconds;
            var savePeak = ProcessMemory.PeakRss();
            report.Add($"{InFlight} concurrent photo saves (PhotoStore.SaveAsync), one bomb each", $"{saveWall:F1} s", "distinct bytes, so each is decoded and stored");
            report.Add("  RSS before", $"{before / 1e6:F0} MB", "");
            report.Add("  peak RSS during", $"{savePeak / 1e6:F0} MB", $"VmHWM; {Verdict(savePeak)}");

            // 3. For comparison, what the decoder did before: one full-size decode of one bomb.
            Settle();
            before = ProcessMemory.Rss();
            ProcessMemory.ResetPeakRss();
            using (var full = SKBitmap.Decode(bomb))
                report.Add("Reference: one bomb decoded at full size (the former PNG path)", $"{full.Width}x{full.Height}", "SKBitmap.Decode, as before this change");
            report.Add("  peak RSS above the idle figure", $"{(ProcessMemory.PeakRss() - before) / 1e6:F0} MB", $"x{InFlight} in flight would be {InFlight * (ProcessMemory.PeakRss() - before) / 1e9:F1} GB");
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)app).Dispose();
        }

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(command,
        [
            $"Server in this process on 127.0.0.1 (Kestrel), SQLite in a temp folder, `Inference:Workers` = {InFlight} so that all {InFlight} bombs decode at the same time (the default, one per core, would queue them).",
            "Peak RSS: VmHWM of /proc/self/status, reset (`5` > /proc/self/clear_refs) just before each burst; the clients run in the same process (8 x 350 KB).",
            "Large PNGs are read row by row (`Imaging/PngRows`) and reduced by an integer box filter as the rows arrive (`Imaging/BoxReduction`); JPEGs keep libjpeg-turbo's DCT scaling.",
        ]));
        return 0;
    }

    private static string Verdict(long peakBytes) => peakBytes / 1e6 <= TargetMb ? $"target <= {TargetMb / 1000:F1} GB" : $"OVER the {TargetMb / 1000:F1} GB target";

    private static async Task<(int Status, double Ms)> Post(HttpClient http, string url, byte[] png)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "images", "bomb.png");
        var start = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(url, form);
        await response.Content.ReadAsByteArrayAsync();
        return ((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    /// <summary>An 8-bit RGB PNG of zeros, compressed as tightly as zlib can (~350 KB for 10950 x 10950).</summary>
    public static byte[] BlackPng(int width, int height)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + width * 3];
            for (var y = 0; y < height; y++) zlib.Write(row);
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(file, "IHDR", ihdr);
        Chunk(file, "IDAT", idat.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)data.Length);
        s.Write(four);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typeAndData));
        s.Write(four);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
