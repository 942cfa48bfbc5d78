using System.Net;
using System.Runtime.ExceptionServices;
using Florascope.Imaging;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Florascope.Floras;

public sealed record DownloadSettings
{
    /// <summary>Requests in flight at once, all hosts together.</summary>
    public int Concurrency { get; init; } = 8;
    /// <summary>Requests in flight at once to one host (politeness).</summary>
    public int PerHostConcurrency { get; init; } = 2;
    /// <summary>Least time between two requests started to one host.</summary>
    public TimeSpan PerHostInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Time allowed to one attempt, body included.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Retries after a 5xx, a 408/429 or a timeout (never after another 4xx).</summary>
    public int Retries { get; init; } = 3;
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(500);
    public long MaxBytes { get; init; } = 25L * 1024 * 1024;
    public long MaxPixels { get; init; } = 100_000_000;
}

public enum DownloadOutcome
{
    /// <summary>
    /// Fetched now and stored. Bytes already in the store (the same photo under another URL) are not written
    /// twice: the result points at the stored file.
    /// </summary>
    Downloaded,
    /// <summary>Stored by an earlier run (the record says so and the file is there): no request made for it.</summary>
    AlreadyStored,
    /// <summary>
    /// A 4xx answer (not retried); also a URL that is not absolute http/https (no request is made),
    /// and a redirect to another scheme or past the fifth one.
    /// </summary>
    NotFound,
    /// <summary>5xx, timeouts or network errors after the retries.</summary>
    Failed,
    /// <summary>The body is not a JPEG or PNG (content sniffed, whatever the Content-Type).</summary>
    NotAnImage,
    /// <summary>Over <see cref="DownloadSettings.MaxBytes"/> or <see cref="DownloadSettings.MaxPixels"/>.</summary>
    TooLarge,
}

/// <summary>The outcome for one URL; <see cref="Path"/> is the stored file when there is one.</summary>
public sealed record DownloadResult(string Url, DownloadOutcome Outcome, string? Sha256, string? Path, string? Error)
{
    public bool Stored => Path is not null;
}

/// <summary>
/// Where a run stands, reported after each URL. <see cref="Total"/> counts distinct URLs; <see cref="Failed"/>
/// counts every URL left without a stored photo (refused or failed); <see cref="Bytes"/> counts the bodies
/// received in this run.
/// </summary>
public sealed record DownloadProgress(int Done, int Total, int Downloaded, int AlreadyStored, int Failed, long Bytes, TimeSpan Elapsed);

/// <summary>
/// Downloads photos into a content-addressed store (photos/ab/&lt;sha256&gt;.jpg|png) with a record of
/// each URL's outcome, so that a rerun resumes and the same bytes are stored once.
/// </summary>
/// <remarks>
/// Each attempt goes through a resilience pipeline (retries with exponential backoff and jitter for 5xx,
/// 408, 429, network errors and timeouts; never for another 4xx; an attempt timeout that covers the body).
/// A rerun makes no request for a URL whose photo is stored or that was refused for good (4xx, not an
/// image, too large); it asks again only for the ones that <see cref="DownloadOutcome.Failed"/>.
/// A cancelled run throws <see cref="OperationCanceledException"/>; what it stored is kept and recorded.
/// </remarks>
public sealed class PhotoDownloader : IDisposable
{
    /// <summary>The store's record of each URL's outcome, appended as results arrive.</summary>
    public const string RecordFileName = "urls.tsv";

    private const int MaxRedirects = 5;
    // Caps a server's Retry-After and the exponential backoff, so that one host cannot stall a run for hours.
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private readonly string _store;
    private readonly DownloadSettings _settings;
    private readonly TimeProvider _time;
    private readonly HostGates _gates;
    private readonly DownloadBodyHandler _body;
    private readonly HttpClient _client;
    private readonly Lock _storeLock = new();

    /// <param name="handler">The transport (a test's, a proxy's); by default a <see cref="SocketsHttpHandler"/>
    /// that follows no redirect itself. A given handler is not disposed here.</param>
    public PhotoDownloader(string storeDirectory, DownloadSettings? settings = null, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeDirectory);
        _settings = Validate(settings ?? new DownloadSettings());
        _time = time ?? TimeProvider.System;
        _store = Path.GetFullPath(storeDirectory);
        var temp = Path.Combine(_store, "tmp");
        Directory.CreateDirectory(Path.Combine(_store, "photos"));
        Directory.CreateDirectory(temp);
        // Bodies of a killed run, never moved into the store.
        foreach (var part in Directory.EnumerateFiles(temp, "*.part")) StoredBody.TryDelete(part);

        _gates = new HostGates(_settings);
        var transport = handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // followed here, each hop checked and polite to its host
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = _settings.AttemptTimeout,
            MaxConnectionsPerServer = _settings.PerHostConcurrency,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _body = new DownloadBodyHandler(_settings, _gates, _time, temp, transport, ownsInner: handler is null);
        _client = new HttpClient(new ResilienceHandler(BuildPipeline(_settings, _time)) { InnerHandler = _body })
        {
            // The pipeline bounds each attempt; the client itself must not cut a run of retries short.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Florascope-flora-build/1.0");
    }

    /// <summary>HTTP requests sent so far (attempts included).</summary>
    public int RequestsSent => _body.Sent;

    /// <summary>One result per URL, in the order given; a URL given twice is fetched once.</summary>
    public async Task<IReadOnlyList<DownloadResult>> DownloadAsync(IReadOnlyList<string> urls, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var known = ReadRecords();
        var distinct = urls.Distinct(StringComparer.Ordinal).ToArray();
        var results = new Dictionary<string, DownloadResult>(distinct.Length, StringComparer.Ordinal);
        var tally = new Tally(distinct.Length, progress, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var log = OpenRecordFile();
        var next = -1;

        async Task WorkAsync()
        {
            try
            {
                while (true)
                {
                    // Checked before each URL, so a cancelled run starts nothing new.
                    stop.Token.ThrowIfCancellationRequested();
                    var i = Interlocked.Increment(ref next);
                    if (i >= distinct.Length) return;
                    var (result, bytes, record) = await FetchAsync(distinct[i], known, stop.Token);
                    lock (_storeLock)
                    {
                        results[result.Url] = result;
                        if (record is not null) Append(log, record);
                    }
                    tally.Add(result.Outcome, bytes);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A broken store (disk full...) stops the other workers too.
                await stop.CancelAsync();
                throw;
            }
        }

        var workers = Enumerable.Range(0, Math.Min(_settings.Concurrency, distinct.Length)).Select(_ => Task.Run(WorkAsync, CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(workers);
        }
        catch when (workers.Select(w => w.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
        return [.. urls.Select(u => results[u])];
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Retries for what may pass on a second try: 5xx, 408, 429, network errors, attempt timeouts.</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { } r && IsTransient(r.StatusCode),
        _ => false,
    };

    internal static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The wait a server asks for (Retry-After), capped; null when it asks for none.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        if (wait is not { } w) return null;
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > MaxBackoff ? MaxBackoff : w;
    }

    internal static ResiliencePipeline<HttpResponseMessage> BuildPipeline(DownloadSettings settings, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (settings.Retries > 0)
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BackoffBase,
                MaxDelay = MaxBackoff,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                ShouldRetryAfterHeader = false, // replaced by the capped reading below
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time.GetUtcNow())),
            });
        return builder.AddTimeout(settings.AttemptTimeout).Build();
    }

    private async Task<(DownloadResult Result, long Bytes, DownloadRecord? Record)> FetchAsync(string url, Dictionary<string, DownloadRecord> known, CancellationToken ct)
    {
        if (known.TryGetValue(url, out var earlier))
        {
            if (earlier.RelativePath is { } stored && File.Exists(Full(stored)))
                return (new DownloadResult(url, DownloadOutcome.AlreadyStored, earlier.Sha256, Full(stored), null), 0, null);
            if (earlier.IsFinal && earlier.RelativePath is null)
                return (new DownloadResult(url, earlier.Outcome, null, null, earlier.Error), 0, null);
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsHttp(uri))
            return Refused(url, DownloadOutcome.NotFound, "Only absolute http and https URLs are fetched.", DownloadRecord.IsWritable(url));

        for (var hop = 0; ; hop++)
        {
            var gate = _gates.For(uri);
            await gate.Slots.WaitAsync(ct);
            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (DownloadRefusedException e)
            {
                return Refused(url, e.Outcome, e.Message);
            }
            catch (TimeoutRejectedException)
            {
                return Refused(url, DownloadOutcome.Failed, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The last attempt got no whole answer within {_settings.AttemptTimeout.TotalSeconds:0.###} s ({_settings.Retries} retries)."));
            }
            catch (HttpRequestException e)
            {
                return Refused(url, DownloadOutcome.Failed, e.Message);
            }
            finally
            {
                gate.Slots.Release();
            }

            using (response)
            {
                if (response.Content is StoredBody body) return Store(url, body);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop == MaxRedirects) return Refused(url, DownloadOutcome.NotFound, $"More than {MaxRedirects} redirects.");
                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (!IsHttp(uri)) return Refused(url, DownloadOutcome.NotFound, "Redirected to a URL that is not http or https.");
                    continue;
                }
                return IsTransient(response.StatusCode)
                    ? Refused(url, DownloadOutcome.Failed, $"HTTP {status} after {_settings.Retries} retries.")
                    : Refused(url, DownloadOutcome.NotFound, $"HTTP {status}.");
            }
        }
    }

    /// <summary>Applies the pixel limit from the header, then moves the body into the store unless the same bytes are there.</summary>
    private (DownloadResult, long, DownloadRecord?) Store(string url, StoredBody body)
    {
        if (ImageDecoder.ReadSize(body.TempPath) is not { } size)
            return Refused(url, DownloadOutcome.NotAnImage, $"The {body.Kind.ToString().ToUpperInvariant()} is corrupt or truncated: its header cannot be read.", bytes: body.Length);
        if ((long)size.Width * size.Height > _settings.MaxPixels)
            return Refused(url, DownloadOutcome.TooLarge, $"The image is {size.Width}x{size.Height} pixels; the limit is {_settings.MaxPixels}.", bytes: body.Length);
        // Decoded as training will decode it (scaled, within the engine's limits): a photo kept here
        // never fails the build later, when a rerun could not get past it.
        try
        {
            ImageDecoder.Prepare(File.ReadAllBytes(body.TempPath));
        }
        catch (ImageInputException e)
        {
            return Refused(url, e.Problem == ImageProblem.TooLarge ? DownloadOutcome.TooLarge : DownloadOutcome.NotAnImage, e.Message, bytes: body.Length);
        }
        var relative = DownloadRecord.StorePath(body.Sha256, body.Kind == ImageKind.Png ? ".png" : ".jpg");
        var full = Full(relative);
        lock (_storeLock)
        {
            // Written under a temporary name and renamed: the store never holds half a photo.
            if (!File.Exists(full))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.Move(body.TempPath, full);
                body.Claimed = true;
            }
        }
        var record = new DownloadRecord(url, DownloadOutcome.Downloaded, body.Sha256, relative, null);
        return (new DownloadResult(url, DownloadOutcome.Downloaded, body.Sha256, full, null), body.Length, record);
    }

    private static (DownloadResult, long, DownloadRecord?) Refused(string url, DownloadOutcome outcome, string error, bool recorded = true, long bytes = 0) =>
        (new DownloadResult(url, outcome, null, null, error), bytes, recorded ? new DownloadRecord(url, outcome, null, null, error) : null);

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    private string Full(string relative) => Path.Combine(_store, relative);

    private Dictionary<string, DownloadRecord> ReadRecords()
    {
        var path = Full(RecordFileName);
        return File.Exists(path) ? DownloadRecord.ReadAll(File.ReadLines(path)) : new(StringComparer.Ordinal);
    }

    private FileStream OpenRecordFile()
    {
        var log = new FileStream(Full(RecordFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (log.Length > 0)
        {
            // A torn last line (a killed run) is ended, so that the next record starts on its own line.
            log.Seek(-1, SeekOrigin.End);
            if (log.ReadByte() != '\n') log.WriteByte((byte)'\n');
        }
        log.Seek(0, SeekOrigin.End);
        return log;
    }

    private static void Append(FileStream log, DownloadRecord record)
    {
        log.Write(System.Text.Encoding.UTF8.GetBytes(record.Format() + "\n"));
        log.Flush();
    }

    private static DownloadSettings Validate(DownloadSettings s)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(s.Concurrency, 1, nameof(s.Concurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.PerHostConcurrency, 1, nameof(s.PerHostConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.PerHostInterval, TimeSpan.Zero, nameof(s.PerHostInterval));
        // Polly's own bounds for an attempt timeout and a backoff base.
        ArgumentOutOfRangeException.ThrowIfLessThan(s.AttemptTimeout, TimeSpan.FromMilliseconds(10), nameof(s.AttemptTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(s.AttemptTimeout, TimeSpan.FromDays(1), nameof(s.AttemptTimeout));
        // An attempt's timeout also covers its wait for a turn at the host (at most one interval per request in flight there).
        if (s.PerHostInterval * s.PerHostConcurrency >= s.AttemptTimeout)
            throw new ArgumentOutOfRangeException(nameof(s.PerHostInterval), "PerHostInterval x PerHostConcurrency must be shorter than AttemptTimeout.");
        ArgumentOutOfRangeException.ThrowIfLessThan(s.Retries, 0, nameof(s.Retries));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(s.Retries, 100, nameof(s.Retries));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.BackoffBase, TimeSpan.Zero, nameof(s.BackoffBase));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(s.BackoffBase, MaxBackoff, nameof(s.BackoffBase));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.MaxBytes, 1, nameof(s.MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(s.MaxPixels, 1, nameof(s.MaxPixels));
        return s;
    }

    /// <summary>The counts of a run, reported after each URL.</summary>
    private sealed class Tally(int total, IProgress<DownloadProgress>? progress, TimeProvider time)
    {
        private readonly Lock _lock = new();
        private readonly long _start = time.GetTimestamp();
        private int _done, _downloaded, _alreadyStored, _failed;
        private long _bytes;

        public void Add(DownloadOutcome outcome, long bytes)
        {
            lock (_lock)
            {
                _done++;
                _bytes += bytes;
                switch (outcome)
                {
                    case DownloadOutcome.Downloaded: _downloaded++; break;
                    case DownloadOutcome.AlreadyStored: _alreadyStored++; break;
                    default: _failed++; break;
                }
                // Reported under the lock: counts never go backwards for the listener.
                progress?.Report(new DownloadProgress(_done, total, _downloaded, _alreadyStored, _failed, _bytes, time.GetElapsedTime(_start)));
            }
        }
    }
}
