using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Florascope.Tests.TestSupport;
using Florascope.Web.OpenData;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.OpenData;

/// <summary>
/// The serving and caching of GET /open-data/dwca.zip, with a test builder writing a small known zip
/// (the archive's content is the Darwin Core writer's tests' business).
/// </summary>
[Trait("Category", "Slow")]
public sealed class OpenDataArchiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A zip whose "version.txt" says which build wrote it, with <paramref name="payloadBytes"/> of incompressible bytes stored.</summary>
    private static byte[] KnownZip(int version, int payloadBytes)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Fixed entry times: the same version is the same bytes whenever it is made.
            var made = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var text = zip.CreateEntry("version.txt");
            text.LastWriteTime = made;
            using (var w = new StreamWriter(text.Open())) w.Write(version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var payload = new byte[payloadBytes];
            new Random(version).NextBytes(payload);
            var bin = zip.CreateEntry("payload.bin", CompressionLevel.NoCompression);
            bin.LastWriteTime = made;
            using var p = bin.Open();
            p.Write(payload);
        }
        return memory.ToArray();
    }

    private static string VersionOf(byte[] zipBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        using var r = new StreamReader(zip.GetEntry("version.txt")!.Open());
        return r.ReadToEnd();
    }

    private static Task<FlorascopeHost> StartAsync(TempDirectory dir, string rebuildMinutes, Func<CancellationToken, Task<byte[]>> build) =>
        FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:OpenData:RebuildMinutes"] = rebuildMinutes },
            services => services.AddSingleton(new OpenDataArchive(async (_, output, ct) => await output.WriteAsync(await build(ct), ct))));

    [Fact]
    public async Task BeforeTheFirstBuildIs503ThenTheArchiveIsServedWithValidators()
    {
        using var dir = new TempDirectory();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var expected = KnownZip(1, 10_000);
        // The start-up build (no file yet) waits for the test, so the first request surely comes before it.
        await using var host = await StartAsync(dir, "60", async ct => { await gate.Task.WaitAsync(ct); return expected; });

        using (var early = await host.Client.GetAsync("open-data/dwca.zip", Ct))
        {
            Assert.Contains("first time", await early.ErrorAsync(503, "Service Unavailable"), StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(OpenDataApi.RetryAfterSeconds), early.Headers.RetryAfter?.Delta);
        }

        gate.SetResult();
        HttpResponseMessage? ok = null;
        for (var i = 0; i < 300 && ok is null; i++)
        {
            var r = await host.Client.GetAsync("open-data/dwca.zip", Ct);
            if (r.StatusCode == HttpStatusCode.OK) ok = r;
            else { r.Dispose(); await Task.Delay(100, Ct); }
        }
        Assert.NotNull(ok);
        // The start-up build and the export job's first run may both be waiting on the gate: the second rewrites the
        // same bytes a few milliseconds later (new Last-Modified, new ETag). The validators are checked once it is still.
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(50, Ct);
            var again = await host.Client.GetAsync("open-data/dwca.zip", Ct);
            if (Equals(again.Headers.ETag, ok.Headers.ETag)) { again.Dispose(); break; }
            ok.Dispose();
            ok = again;
        }
        using (ok)
        {
            Assert.Equal("application/zip", ok.Content.Headers.ContentType?.MediaType);
            Assert.Equal(expected, await ok.Content.ReadAsByteArrayAsync(Ct));
            var tag = ok.Headers.ETag;
            var modified = ok.Content.Headers.LastModified;
            Assert.NotNull(tag);
            Assert.False(tag.IsWeak);
            Assert.NotNull(modified);
            Assert.Equal("bytes", Assert.Single(ok.Headers.AcceptRanges));
            Assert.True(ok.Headers.CacheControl?.NoCache);
            Assert.Equal("dwca.zip", ok.Content.Headers.ContentDisposition?.FileNameStar ?? ok.Content.Headers.ContentDisposition?.FileName);

            using var head = new HttpRequestMessage(HttpMethod.Head, "open-data/dwca.zip");
            using (var r = await host.Client.SendAsync(head, Ct))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal(tag, r.Headers.ETag);
                Assert.Equal(expected.Length, r.Content.Headers.ContentLength);
                Assert.Empty(await r.Content.ReadAsByteArrayAsync(Ct));
            }

            using var byTag = new HttpRequestMessage(HttpMethod.Get, "open-data/dwca.zip");
            byTag.Headers.IfNoneMatch.Add(tag);
            using (var r = await host.Client.SendAsync(byTag, Ct)) Assert.Equal(HttpStatusCode.NotModified, r.StatusCode);

            using var byDate = new HttpRequestMessage(HttpMethod.Get, "open-data/dwca.zip");
            byDate.Headers.IfModifiedSince = modified;
            using (var r = await host.Client.SendAsync(byDate, Ct)) Assert.Equal(HttpStatusCode.NotModified, r.StatusCode);

            using var range = new HttpRequestMessage(HttpMethod.Get, "open-data/dwca.zip");
            range.Headers.Range = new RangeHeaderValue(100, 199);
            using (var r = await host.Client.SendAsync(range, Ct))
            {
                Assert.Equal(HttpStatusCode.PartialContent, r.StatusCode);
                Assert.Equal(expected.AsSpan(100, 100).ToArray(), await r.Content.ReadAsByteArrayAsync(Ct));
            }
        }
    }

    [Fact]
    public async Task ARebuildReplacesTheFileWhileADownloadInProgressKeepsTheOldBytes()
    {
        using var dir = new TempDirectory();
        // Large enough that the server is still sending when the rebuild lands (socket buffers hold a few MB).
        const int size = 24 * 1024 * 1024;
        var version = 0;
        await using var host = await StartAsync(dir, "0", _ => Task.FromResult(KnownZip(Interlocked.Increment(ref version), size)));
        var archive = host.App.Services.GetRequiredService<OpenDataArchiveFile>();

        // RebuildMinutes 0: the job is off, nothing is built by itself and nothing is promised.
        using (var none = await host.Client.GetAsync("open-data/dwca.zip", Ct)) await none.ErrorAsync(404);

        Assert.True(await archive.RebuildAsync(Ct));
        var first = KnownZip(1, size);
        using var download = await host.Client.GetAsync("open-data/dwca.zip", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var oldTag = download.Headers.ETag!;
        await using var body = await download.Content.ReadAsStreamAsync(Ct);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var n = await body.ReadAsync(buffer, Ct);
        received.Write(buffer, 0, n);

        Assert.True(await archive.RebuildAsync(Ct));
        Assert.Equal("2", VersionOf(await File.ReadAllBytesAsync(archive.ArchivePath, Ct)));

        await body.CopyToAsync(received, Ct);
        Assert.Equal(first.Length, received.Length);
        Assert.True(first.AsSpan().SequenceEqual(received.ToArray()), "the download in progress completes with the old bytes");

        using var fresh = await host.Client.GetAsync("open-data/dwca.zip", Ct);
        var second = await fresh.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("2", VersionOf(second));
        Assert.NotEqual(oldTag, fresh.Headers.ETag);
        using var stale = new HttpRequestMessage(HttpMethod.Get, "open-data/dwca.zip");
        stale.Headers.IfNoneMatch.Add(oldTag);
        using (var r = await host.Client.SendAsync(stale, HttpCompletionOption.ResponseHeadersRead, Ct)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Nothing but the archive is left in its folder (no temporary files).
        Assert.Equal([OpenDataArchiveFile.FileName], Directory.GetFiles(archive.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AFailedBuildKeepsTheServedArchiveAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        var fail = false;
        await using var host = await StartAsync(dir, "0", _ => fail ? throw new IOException("disk full") : Task.FromResult(KnownZip(7, 1000)));
        var archive = host.App.Services.GetRequiredService<OpenDataArchiveFile>();
        Assert.True(await archive.RebuildAsync(Ct));
        fail = true;
        await Assert.ThrowsAsync<IOException>(() => archive.RebuildAsync(Ct));
        using var r = await host.Client.GetAsync("open-data/dwca.zip", Ct);
        Assert.Equal("7", VersionOf(await r.Content.ReadAsByteArrayAsync(Ct)));
        Assert.Equal([OpenDataArchiveFile.FileName], Directory.GetFiles(archive.Folder).Select(Path.GetFileName));
    }
    [Fact]
    public async Task WithTheRebuildOffAndNoArchiveInPlaceNothingIsPublished()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:OpenData:RebuildMinutes"] = "0" });
        using var r = await host.Client.GetAsync("open-data/dwca.zip", Ct);
        Assert.Contains("does not publish", await r.ErrorAsync(404), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedSettingStopsTheServerWithAClearMessage()
    {
        using var dir = new TempDirectory();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:OpenData:RebuildMinutes"] = "-5" }));
        Assert.Contains("Florascope:OpenData:RebuildMinutes", e.Message, StringComparison.Ordinal);
    }
}
