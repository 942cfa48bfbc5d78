using Florascope.Web.OpenData;

namespace Florascope.Tests.OpenData;

/// <summary>The stream that lets range requests be served from a forward-only object-store download.</summary>
public sealed class ForwardSeekStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A forward-only stream, as a download is.</summary>
    private sealed class ForwardOnly(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }

    private static byte[] Bytes(int n) => [.. Enumerable.Range(0, n).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task ReadsFromWhereItWasSoughtBeyondABufferOfSkippedBytes()
    {
        var bytes = Bytes(200_000);
        await using var s = new ForwardSeekStream(new ForwardOnly(bytes), bytes.Length);
        Assert.True(s.CanSeek);
        Assert.Equal(bytes.Length, s.Length);
        Assert.Equal(150_000, s.Seek(150_000, SeekOrigin.Begin));
        var part = new byte[100];
        await s.ReadExactlyAsync(part, Ct);
        Assert.Equal(bytes[150_000..150_100], part);
        Assert.Equal(150_100, s.Position);
        s.Seek(-100, SeekOrigin.End);
        await s.ReadExactlyAsync(part, Ct);
        Assert.Equal(bytes[^100..], part);
        Assert.Equal(0, await s.ReadAsync(part, Ct));
    }

    [Fact]
    public async Task ReadsEverythingWithoutASeekAndRefusesToGoBack()
    {
        var bytes = Bytes(1000);
        await using var s = new ForwardSeekStream(new ForwardOnly(bytes), bytes.Length);
        using var copy = new MemoryStream();
        await s.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Throws<NotSupportedException>(() => s.Seek(10, SeekOrigin.Begin));
    }

    [Fact]
    public async Task ASeekBeyondTheEndReadsNothing()
    {
        await using var s = new ForwardSeekStream(new ForwardOnly(Bytes(10)), 10);
        s.Position = 50;
        Assert.Equal(0, await s.ReadAsync(new byte[4], Ct));
    }
}
