using System.Net;
using System.Security.Cryptography;
using Florascope.Imaging;

namespace Florascope.Floras;

/// <summary>A body refused for good (not an image, too large): never retried.</summary>
internal sealed class DownloadRefusedException(DownloadOutcome outcome, string message) : Exception(message)
{
    public DownloadOutcome Outcome { get; } = outcome;
}

/// <summary>Politeness towards one host: requests in flight and the least time between two starts.</summary>
internal sealed class HostGate(int concurrency)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _nextStart = DateTimeOffset.MinValue;

    public SemaphoreSlim Slots { get; } = new(concurrency, concurrency);

    /// <summary>Waits for this request's turn: each start books the next one <paramref name="interval"/> later.</summary>
    public Task WaitTurnAsync(TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        if (interval <= TimeSpan.Zero) return Task.CompletedTask;
        TimeSpan wait;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var start = _nextStart > now ? _nextStart : now;
            _nextStart = start + interval;
            wait = start - now;
        }
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, ct) : Task.CompletedTask;
    }
}

internal sealed class HostGates(DownloadSettings settings)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HostGate> _gates = new(StringComparer.OrdinalIgnoreCase);

    public HostGate For(Uri uri) => _gates.GetOrAdd(uri.IdnHost, _ => new HostGate(settings.PerHostConcurrency));
}

/// <summary>A 2xx body already streamed to a temporary file of the store, with its hash; the file goes with the content.</summary>
internal sealed class StoredBody(string tempPath, string sha256, ImageKind kind, long length) : HttpContent
{
    public string TempPath { get; } = tempPath;
    public string Sha256 { get; } = sha256;
    public ImageKind Kind { get; } = kind;
    public long Length { get; } = length;

    /// <summary>Set once the file has been moved into the store (or deliberately dropped).</summary>
    public bool Claimed { get; set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        throw new NotSupportedException("The body is in the store's temporary file.");

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !Claimed) TryDelete(TempPath);
        base.Dispose(disposing);
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover .part file is removed at the next start.
        }
    }
}

/// <summary>
/// Sits under the resilience handler, so that each attempt (retries included) is counted, waits its turn
/// at the host, and reads the whole body within the attempt's timeout: the body is streamed to a temporary
/// file while hashed, refused as soon as its first bytes are not a JPEG/PNG, and cut off past the size limit.
/// </summary>
internal sealed class DownloadBodyHandler(DownloadSettings settings, HostGates gates, TimeProvider time, string tempDirectory, HttpMessageHandler inner, bool ownsInner)
    : DelegatingHandler(inner)
{
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        await gates.For(request.RequestUri!).WaitTurnAsync(settings.PerHostInterval, time, ct);
        Interlocked.Increment(ref _sent);
        var response = await base.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) return response;
        try
        {
            var body = await StreamToFileAsync(response, ct);
            var ok = new HttpResponseMessage(response.StatusCode) { RequestMessage = request, Version = response.Version, Content = body };
            return ok;
        }
        finally
        {
            response.Dispose();
        }
    }

    private async Task<StoredBody> StreamToFileAsync(HttpResponseMessage response, CancellationToken ct)
    {
        // Cheap check first: a declared length over the limit is refused without reading a byte.
        if (response.Content.Headers.ContentLength is { } declared && declared > settings.MaxBytes)
            throw new DownloadRefusedException(DownloadOutcome.TooLarge, $"The body is {declared} bytes; the limit is {settings.MaxBytes}.");
        var tempPath = Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".part");
        var keep = false;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var kind = ImageKind.Unknown;
            long total = 0;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                Stream source;
                try
                {
                    source = await response.Content.ReadAsStreamAsync(ct);
                }
                catch (IOException e)
                {
                    throw new HttpRequestException(HttpRequestError.ResponseEnded, e.Message, e);
                }
                await using (source)
                {
                    var buffer = new byte[81920];
                    var head = new byte[16];
                    var headLength = 0;
                    while (true)
                    {
                        int n;
                        try
                        {
                            n = await source.ReadAsync(buffer, ct);
                        }
                        catch (IOException e)
                        {
                            // A body cut mid-way is a network failure: retried like one.
                            throw new HttpRequestException(HttpRequestError.ResponseEnded, e.Message, e);
                        }
                        if (n == 0) break;
                        total += n;
                        if (total > settings.MaxBytes)
                            throw new DownloadRefusedException(DownloadOutcome.TooLarge, $"The body is over the limit of {settings.MaxBytes} bytes.");
                        if (kind == ImageKind.Unknown)
                        {
                            var take = Math.Min(n, head.Length - headLength);
                            buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                            headLength += take;
                            if (headLength == head.Length)
                                kind = Accept(ImageFormat.Sniff(head));
                        }
                        hash.AppendData(buffer, 0, n);
                        await file.WriteAsync(buffer.AsMemory(0, n), ct);
                    }
                    if (kind == ImageKind.Unknown)
                        kind = Accept(ImageFormat.Sniff(head.AsSpan(0, headLength)));
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            keep = true;
            return new StoredBody(tempPath, sha, kind, total);
        }
        finally
        {
            if (!keep) StoredBody.TryDelete(tempPath);
        }
    }

    private static ImageKind Accept(ImageKind kind) => kind is ImageKind.Jpeg or ImageKind.Png
        ? kind
        : throw new DownloadRefusedException(DownloadOutcome.NotAnImage,
            kind == ImageKind.Unknown ? "The body is not an image (neither JPEG nor PNG bytes)." : $"The body is a {kind.ToString().ToUpperInvariant()}, not a JPEG or PNG.");

    protected override void Dispose(bool disposing)
    {
        // A handler given by the caller stays the caller's to dispose.
        if (ownsInner) base.Dispose(disposing);
    }
}
