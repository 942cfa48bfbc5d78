using System.Security.Cryptography;
using Florascope.Floras;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>The downloader against a real loopback server that also answers 404s, 500s, slowly, with HTML and without end.</summary>
[Trait("Category", "Slow")]
public sealed class PhotoDownloaderTests : IAsyncLifetime
{
    // Small delays so that retries run in milliseconds; nothing here asserts on time.
    private static readonly DownloadSettings Fast = new()
    {
        Concurrency = 4,
        PerHostConcurrency = 4,
        PerHostInterval = TimeSpan.Zero,
        AttemptTimeout = TimeSpan.FromSeconds(20),
        Retries = 3,
        BackoffBase = TimeSpan.FromMilliseconds(5),
    };

    private readonly TempDirectory _store = new();
    private PhotoServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await PhotoServer.StartAsync(RepoPaths.DemoFlora);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _store.Dispose();
    }

    /// <summary>The first <paramref name="count"/> training photos, as paths under data/demo-flora.</summary>
    private static string[] Photos(int count) =>
    [
        .. Directory.GetFiles(Path.Combine(RepoPaths.DemoFlora, "train"), "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(count)
            .Select(p => Path.GetRelativePath(RepoPaths.DemoFlora, p).Replace('\\', '/')),
    ];

    private string Url(string route, string photo) => $"{_server.BaseUrl}/{route}/{photo}";

    private PhotoDownloader Downloader(DownloadSettings? settings = null) => new(_store.Path, settings ?? Fast);

    private string[] StoredFiles() => Directory.GetFiles(Path.Combine(_store.Path, "photos"), "*", SearchOption.AllDirectories);

    [Fact(Timeout = 60_000)]
    public async Task A_404_is_not_retried()
    {
        var photo = Photos(1)[0];
        using var d = Downloader();
        var r = Assert.Single(await d.DownloadAsync([Url("404", photo)], null, Ct));
        Assert.Equal(DownloadOutcome.NotFound, r.Outcome);
        Assert.False(r.Stored);
        Assert.Equal(1, _server.Requests($"/404/{photo}"));
        Assert.Equal(1, d.RequestsSent);
        Assert.Empty(StoredFiles());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_500_then_200_is_retried_and_stored()
    {
        var photo = Photos(1)[0];
        using var d = Downloader();
        var r = Assert.Single(await d.DownloadAsync([Url("500-then-200/2", photo)], null, Ct));
        Assert.Equal(DownloadOutcome.Downloaded, r.Outcome);
        Assert.Equal(3, _server.Requests($"/500-then-200/2/{photo}"));
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.DemoFlora, photo), Ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal(sha, r.Sha256);
        Assert.Equal(Path.Combine(_store.Path, "photos", sha[..2], sha + ".jpg"), r.Path);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(r.Path!, Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Errors_past_the_retries_fail_and_a_slow_answer_times_out_then_fails()
    {
        var photo = Photos(1)[0];
        using var d = Downloader(Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(200), Retries = 2 });
        var results = await d.DownloadAsync([Url("slow/30000", photo), Url("500-then-200/100", photo)], null, Ct);
        Assert.All(results, r => Assert.Equal(DownloadOutcome.Failed, r.Outcome));
        Assert.Equal(3, _server.Requests($"/slow/30000/{photo}"));
        Assert.Equal(3, _server.Requests($"/500-then-200/100/{photo}"));
        Assert.Empty(StoredFiles());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_body_that_is_not_an_image_is_refused_whatever_its_content_type()
    {
        var photo = Photos(1)[0];
        using var d = Downloader();
        var r = Assert.Single(await d.DownloadAsync([Url("html", photo)], null, Ct));
        Assert.Equal(DownloadOutcome.NotAnImage, r.Outcome);
        Assert.Equal(1, _server.Requests($"/html/{photo}"));
        Assert.Empty(StoredFiles());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_huge_body_is_cut_off_past_the_size_limit()
    {
        var photo = Photos(1)[0];
        const long limit = 1024 * 1024;
        using var transport = new CountingReads(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var d = new PhotoDownloader(_store.Path, Fast with { MaxBytes = limit }, transport);
        var r = Assert.Single(await d.DownloadAsync([Url("huge", photo)], null, Ct));
        Assert.Equal(DownloadOutcome.TooLarge, r.Outcome);
        Assert.Equal(1, _server.Requests($"/huge/{photo}"));
        // Read off the socket: the limit, one buffer more at most, of a body of gigabytes.
        Assert.InRange(transport.BytesRead, limit, limit + 128 * 1024);
        Assert.Empty(StoredFiles());
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Path, "tmp")));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_pixel_limit_is_read_from_the_header()
    {
        var photo = Photos(1)[0];
        using var d = Downloader(Fast with { MaxPixels = 100 });
        var r = Assert.Single(await d.DownloadAsync([Url("photos", photo)], null, Ct));
        Assert.Equal(DownloadOutcome.TooLarge, r.Outcome);
        Assert.Empty(StoredFiles());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_photo_training_could_not_decode_is_refused_before_it_is_kept()
    {
        // Within the pixel limit, but longer than the engine's longest side: training would fail on it.
        using var other = new TempDirectory();
        File.WriteAllBytes(Path.Combine(other.Path, "long.png"), PngFiles.Black(40_000, 2));
        var bytes = PngFiles.Black(300, 300);
        bytes.AsSpan(bytes.Length - 40, 28).Fill(0x5A); // pixel data and its checksum broken, header intact
        File.WriteAllBytes(Path.Combine(other.Path, "broken.png"), bytes);
        await using var server = await PhotoServer.StartAsync(other.Path);
        using var d = Downloader();
        var results = await d.DownloadAsync([$"{server.BaseUrl}/photos/long.png", $"{server.BaseUrl}/photos/broken.png"], null, Ct);
        Assert.Equal(DownloadOutcome.TooLarge, results[0].Outcome);
        Assert.Equal(DownloadOutcome.NotAnImage, results[1].Outcome);
        Assert.False(Directory.Exists(Path.Combine(_store.Path, "photos")) && StoredFiles().Length > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Redirects_are_followed_up_to_five()
    {
        var photo = Photos(1)[0];
        using var d = Downloader();
        var results = await d.DownloadAsync([Url("redirect/5", photo), Url("redirect/6", photo)], null, Ct);
        Assert.Equal(DownloadOutcome.Downloaded, results[0].Outcome);
        Assert.Equal(DownloadOutcome.NotFound, results[1].Outcome);
        Assert.Equal(1, _server.Requests($"/redirect/6/{photo}"));
        Assert.Equal(1, _server.Requests($"/photos/{photo}")); // only the chain of five reached the photo
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_bytes_under_two_urls_are_stored_once()
    {
        var photo = Photos(1)[0];
        using var d = Downloader();
        var results = await d.DownloadAsync([Url("photos", photo), Url("slow/10", photo)], null, Ct);
        Assert.All(results, r => Assert.True(r.Stored));
        Assert.Equal(results[0].Sha256, results[1].Sha256);
        Assert.Equal(results[0].Path, results[1].Path);
        Assert.Single(StoredFiles());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_rerun_asks_only_for_what_failed()
    {
        var photos = Photos(3);
        var settings = Fast with { Retries = 0 };
        string[] urls =
        [
            Url("photos", photos[0]), Url("photos", photos[1]), Url("404", photos[2]), Url("html", photos[2]),
            Url("500-then-200/1", photos[2]),
        ];
        using (var first = Downloader(settings))
        {
            var r = await first.DownloadAsync(urls, null, Ct);
            Assert.Equal(
                [DownloadOutcome.Downloaded, DownloadOutcome.Downloaded, DownloadOutcome.NotFound, DownloadOutcome.NotAnImage, DownloadOutcome.Failed],
                r.Select(x => x.Outcome));
        }
        // A run killed mid-write leaves a torn last line: skipped, and the next record starts on its own line.
        await File.AppendAllTextAsync(Path.Combine(_store.Path, PhotoDownloader.RecordFileName), urls[0] + "\tDownl", Ct);

        using var second = Downloader(settings);
        var again = await second.DownloadAsync(urls, null, Ct);
        Assert.Equal(
            [DownloadOutcome.AlreadyStored, DownloadOutcome.AlreadyStored, DownloadOutcome.NotFound, DownloadOutcome.NotAnImage, DownloadOutcome.Downloaded],
            again.Select(x => x.Outcome));
        Assert.Equal(1, second.RequestsSent);
        Assert.Equal(1, _server.Requests($"/photos/{photos[0]}"));
        Assert.Equal(1, _server.Requests($"/404/{photos[2]}"));
        Assert.Equal(1, _server.Requests($"/html/{photos[2]}"));
        Assert.Equal(2, _server.Requests($"/500-then-200/1/{photos[2]}"));

        using var third = Downloader(settings);
        var last = await third.DownloadAsync(urls, null, Ct);
        Assert.Equal(0, third.RequestsSent);
        Assert.Equal(3, last.Count(x => x.Outcome == DownloadOutcome.AlreadyStored));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_cancelled_run_resumes_without_fetching_any_url_twice()
    {
        var photos = Photos(12);
        var urls = photos.Select(p => Url("photos", p)).ToArray();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var seen = new List<DownloadProgress>();
        var progress = new Inline<DownloadProgress>(p =>
        {
            seen.Add(p);
            if (p.Done == 5) cts.Cancel();
        });
        using (var first = Downloader(Fast with { Concurrency = 1 }))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.DownloadAsync(urls, progress, cts.Token));
        Assert.Equal(5, StoredFiles().Length);
        Assert.Equal([1, 2, 3, 4, 5], seen.Select(p => p.Done));
        Assert.All(seen, p => Assert.Equal(12, p.Total));

        using var second = Downloader();
        var results = await second.DownloadAsync(urls, null, Ct);
        Assert.Equal(5, results.Count(r => r.Outcome == DownloadOutcome.AlreadyStored));
        Assert.Equal(7, results.Count(r => r.Outcome == DownloadOutcome.Downloaded));
        Assert.All(photos, p => Assert.Equal(1, _server.Requests($"/photos/{p}")));
        Assert.Equal(12, _server.TotalRequests);
        Assert.Equal(12, StoredFiles().Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_run_cancelled_mid_request_keeps_what_it_stored()
    {
        var photos = Photos(12);
        var urls = photos.Select(p => Url("slow/100", p)).ToArray();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new Inline<DownloadProgress>(p =>
        {
            if (p.Done == 5) cts.Cancel();
        });
        using (var first = Downloader(Fast with { Concurrency = 4 }))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.DownloadAsync(urls, progress, cts.Token));
        var storedBefore = StoredFiles().Length;
        Assert.InRange(storedBefore, 5, 12);
        // Bodies cut by the cancellation are dropped, never left half-written in the store.
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Path, "tmp")));

        using var second = Downloader();
        var results = await second.DownloadAsync(urls, null, Ct);
        Assert.All(results, r => Assert.True(r.Stored));
        Assert.Equal(storedBefore, results.Count(r => r.Outcome == DownloadOutcome.AlreadyStored));
        // What the first run stored is not asked for again; only requests cut mid-way are repeated.
        foreach (var (photo, r) in photos.Zip(results))
            Assert.Equal(r.Outcome == DownloadOutcome.AlreadyStored ? 1 : Math.Min(2, _server.Requests($"/slow/100/{photo}")), _server.Requests($"/slow/100/{photo}"));
        Assert.Equal(12, StoredFiles().Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_per_host_limit_is_never_exceeded()
    {
        var urls = Photos(16).Select(p => Url("slow/40", p)).ToArray();
        using var d = Downloader(Fast with { Concurrency = 8, PerHostConcurrency = 2, PerHostInterval = TimeSpan.FromMilliseconds(5) });
        var results = await d.DownloadAsync(urls, null, Ct);
        Assert.All(results, r => Assert.Equal(DownloadOutcome.Downloaded, r.Outcome));
        Assert.InRange(_server.MaxInFlight, 1, 2);
        Assert.Equal(16, _server.TotalRequests);
    }

    [Fact(Timeout = 60_000)]
    public async Task Results_come_in_input_order_and_only_http_is_fetched()
    {
        var photos = Photos(4);
        string[] urls =
        [
            Url("slow/200", photos[0]), Url("404", photos[1]), "ftp://127.0.0.1/a.jpg", Url("photos", photos[2]),
            "not a url", Url("slow/200", photos[0]), Url("html", photos[3]),
        ];
        var progress = new List<DownloadProgress>();
        using var d = Downloader();
        var results = await d.DownloadAsync(urls, new Inline<DownloadProgress>(progress.Add), Ct);
        Assert.Equal(urls, results.Select(r => r.Url));
        Assert.Equal(
            [DownloadOutcome.Downloaded, DownloadOutcome.NotFound, DownloadOutcome.NotFound, DownloadOutcome.Downloaded,
             DownloadOutcome.NotFound, DownloadOutcome.Downloaded, DownloadOutcome.NotAnImage],
            results.Select(r => r.Outcome));
        Assert.Equal(1, _server.Requests($"/slow/200/{photos[0]}"));
        Assert.Equal(4, d.RequestsSent);
        var end = progress[^1];
        Assert.Equal((6, 6, 2, 0, 4), (end.Done, end.Total, end.Downloaded, end.AlreadyStored, end.Failed));
        Assert.Equal(new FileInfo(Path.Combine(RepoPaths.DemoFlora, photos[0])).Length + new FileInfo(Path.Combine(RepoPaths.DemoFlora, photos[2])).Length, end.Bytes);
    }

    /// <summary>Counts the body bytes the downloader reads from the transport.</summary>
    private sealed class CountingReads(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private long _bytesRead;

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var original = response.Content;
            var counted = new StreamContent(new CountingStream(await original.ReadAsStreamAsync(ct), n => Interlocked.Add(ref _bytesRead, n)));
            foreach (var (name, values) in original.Headers) counted.Headers.TryAddWithoutValidation(name, values);
            response.Content = counted;
            return response;
        }
    }

    private sealed class CountingStream(Stream inner, Action<int> read) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private int Counted(int n)
        {
            read(n);
            return n;
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts, too late to cancel between two URLs).</summary>
    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
