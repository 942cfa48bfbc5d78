using System.Net;
using Florascope.Floras;

namespace Florascope.Tests.Floras;

public sealed class DownloadRecordTests
{
    private const string Sha = "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";

    [Fact]
    public void A_record_reads_back_as_written()
    {
        var stored = new DownloadRecord("https://example.org/a.jpg", DownloadOutcome.Downloaded, Sha, DownloadRecord.StorePath(Sha, ".jpg"), null);
        var refused = new DownloadRecord("https://example.org/b.jpg", DownloadOutcome.NotFound, null, null, "HTTP 404.\tline\nbreak");
        Assert.Equal(stored, DownloadRecord.Parse(stored.Format()));
        Assert.Equal(refused with { Error = "HTTP 404. line break" }, DownloadRecord.Parse(refused.Format()));
        Assert.Equal($"photos/ab/{Sha}.jpg", stored.RelativePath);
    }

    [Theory]
    [InlineData("https://example.org/a.jpg\tDownl")]
    [InlineData("https://example.org/a.jpg\tDownloaded\t" + Sha + "\tphotos/ab/" + Sha)]
    [InlineData("https://example.org/a.jpg\tDownloaded\t\t\t")]
    [InlineData("https://example.org/a.jpg\t3\t\t\t")]
    [InlineData("https://example.org/a.jpg\tNotFound\t" + Sha + "\t../../etc/passwd\t")]
    [InlineData("https://example.org/a.jpg\tDownloaded\t" + Sha + "\t../" + Sha + ".jpg\t")]
    [InlineData("")]
    public void A_torn_or_foreign_line_is_skipped(string line) => Assert.Null(DownloadRecord.Parse(line));

    [Fact]
    public void The_last_line_for_a_url_wins_and_torn_lines_are_skipped()
    {
        var records = DownloadRecord.ReadAll(
        [
            "http://h/a.jpg\tFailed\t\t\tHTTP 503.",
            "http://h/b.jpg\tNotAnImage\t\t\tnot an image",
            $"http://h/a.jpg\tDownloaded\t{Sha}\tphotos/ab/{Sha}.png\t",
            "http://h/c.jpg\tDownlo",
        ]);
        Assert.Equal(2, records.Count);
        Assert.Equal(DownloadOutcome.Downloaded, records["http://h/a.jpg"].Outcome);
        Assert.True(records["http://h/b.jpg"].IsFinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.Gone, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void Only_5xx_408_and_429_are_retried(HttpStatusCode status, bool retried) =>
        Assert.Equal(retried, PhotoDownloader.IsTransient(status));

    [Fact]
    public void A_servers_retry_after_is_capped()
    {
        var now = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        using var soon = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(3)) } };
        using var late = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(now.AddHours(2)) } };
        using var past = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(now.AddHours(-2)) } };
        Assert.Null(PhotoDownloader.RetryAfter(none, now));
        Assert.Equal(TimeSpan.FromSeconds(3), PhotoDownloader.RetryAfter(soon, now));
        Assert.Equal(TimeSpan.FromMinutes(1), PhotoDownloader.RetryAfter(late, now));
        Assert.Equal(TimeSpan.Zero, PhotoDownloader.RetryAfter(past, now));
    }
}

public sealed class DownloadProgressBarTests
{
    [Fact]
    public void The_line_gives_counts_rate_megabytes_and_time_left()
    {
        var p = new DownloadProgress(Done: 60, Total: 100, Downloaded: 30, AlreadyStored: 20, Failed: 10, Bytes: 3 * 1048576, Elapsed: TimeSpan.FromSeconds(20));
        Assert.Equal("photos [##############----------]  60% 60/100: 30 downloaded, 20 stored before, 10 failed; 2.0 photos/s, 3.0 MB, ETA 0:20",
            global::Florascope.Cli.DownloadProgressBar.Line(p));
    }

    [Fact]
    public void Redirected_output_gets_one_line_at_the_start_and_per_tenth()
    {
        using var output = new StringWriter();
        var bar = new global::Florascope.Cli.DownloadProgressBar(output, interactive: false);
        for (var done = 1; done <= 100; done++)
            bar.Report(new DownloadProgress(done, 100, done, 0, 0, done * 1000L, TimeSpan.FromSeconds(done)));
        bar.Finish();
        Assert.Equal(11, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}

public sealed class HostGateTests
{
    [Fact]
    public async Task Each_start_books_the_next_one_an_interval_later()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var gate = new HostGate(2);
        var interval = TimeSpan.FromMilliseconds(100);
        var first = gate.WaitTurnAsync(interval, time, ct);
        var second = gate.WaitTurnAsync(interval, time, ct);
        var third = gate.WaitTurnAsync(interval, time, ct);
        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
        time.Advance(interval);
        await second;
        Assert.False(third.IsCompleted);
        time.Advance(interval);
        await third;
        // A host left alone for longer than the interval is asked at once.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(gate.WaitTurnAsync(interval, time, ct).IsCompleted);
    }
}
