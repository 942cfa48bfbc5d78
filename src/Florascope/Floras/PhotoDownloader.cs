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
    /// <summary>Fetched now and stored.</summary>
    Downloaded,
    /// <summary>Stored by an earlier run (or an earlier URL with the same bytes): no request made for it.</summary>
    AlreadyStored,
    /// <summary>A 4xx answer (not retried).</summary>
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

public sealed record DownloadProgress(int Done, int Total, int Downloaded, int AlreadyStored, int Failed, long Bytes, TimeSpan Elapsed);

/// <summary>
/// Downloads photos into a content-addressed store (photos/ab/&lt;sha256&gt;.jpg|png) with a record of
/// each URL's outcome, so that a rerun resumes and the same bytes are stored once.
/// </summary>
public sealed class PhotoDownloader : IDisposable
{
    public PhotoDownloader(string storeDirectory, DownloadSettings? settings = null, HttpMessageHandler? handler = null, TimeProvider? time = null) =>
        throw new NotImplementedException();

    /// <summary>HTTP requests sent so far (attempts included).</summary>
    public int RequestsSent => throw new NotImplementedException();

    /// <summary>One result per URL, in the order given; a URL given twice is fetched once.</summary>
    public Task<IReadOnlyList<DownloadResult>> DownloadAsync(IReadOnlyList<string> urls, IProgress<DownloadProgress>? progress, CancellationToken ct) =>
        throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
