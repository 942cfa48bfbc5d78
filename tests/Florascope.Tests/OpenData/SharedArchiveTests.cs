using System.Net;
using System.Net.Http.Headers;
using Florascope.Tests.TestSupport;
using Florascope.Web.OpenData;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.OpenData;

/// <summary>
/// With Florascope:Storage:Kind=s3 (s3rver from .ci/s3.sh), two nodes on one PostgreSQL database and one
/// bucket: the open-data job, run once across them, publishes the archive in the bucket and both serve it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SharedArchiveTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheArchiveBuiltByTheJobOnOneNodeIsServedByteForByteByTheOther()
    {
        var s3 = S3.Require();
        await using var database = await PostgresDatabase.CreateAsync(Postgres.Require(), Ct);
        using var dataA = new TempDirectory();
        using var dataB = new TempDirectory();
        var settings = S3.Configuration(s3);
        settings["Florascope:Database"] = "postgres";
        settings["ConnectionStrings:Florascope"] = database.ConnectionString;
        settings["Florascope:OpenData:RebuildMinutes"] = "60";
        // Each build writes different bytes, so an archive built by each node would not compare equal.
        var builds = 0;
        void Builder(IServiceCollection services) => services.AddSingleton(new OpenDataArchive(async (_, output, ct) =>
        {
            var bytes = new byte[300_000];
            Random.Shared.NextBytes(bytes);
            bytes[0] = (byte)Interlocked.Increment(ref builds);
            await output.WriteAsync(bytes, ct);
        }));
        await using var a = await FlorascopeHost.StartAsync(dataA.Path, new FakeClock(Now), settings, Builder);
        await using var b = await FlorascopeHost.StartAsync(dataB.Path, new FakeClock(Now), settings, Builder);

        // The job is due at once (it never ran); bounded, so a job that never publishes fails the test.
        var fromB = await WaitForArchiveAsync(b);
        using var fromA = await a.Client.GetAsync("open-data/dwca.zip", Ct);
        Assert.Equal(HttpStatusCode.OK, fromA.StatusCode);
        var bytesB = await fromB.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(await fromA.Content.ReadAsByteArrayAsync(Ct), bytesB);
        Assert.Equal(300_000, bytesB.Length);
        Assert.Equal(bytesB.Length, fromB.Content.Headers.ContentLength);
        Assert.Equal("application/zip", fromB.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fromA.Headers.ETag, fromB.Headers.ETag);
        Assert.Equal(fromA.Content.Headers.LastModified, fromB.Content.Headers.LastModified);
        // Built once, by the job on one node: neither built its own at start.
        Assert.Equal(1, Volatile.Read(ref builds));
        Assert.False(File.Exists(Path.Combine(dataA.Path, "open-data", OpenDataArchiveFile.FileName)));
        Assert.False(File.Exists(Path.Combine(dataB.Path, "open-data", OpenDataArchiveFile.FileName)));

        // In the bucket, as served.
        var stored = await s3.CreateOpenDataStore()!.OpenReadAsync(OpenDataArchiveFile.FileName, Ct);
        Assert.NotNull(stored);
        await using (stored.Content)
        {
            using var copy = new MemoryStream();
            await stored.Content.CopyToAsync(copy, Ct);
            Assert.Equal(bytesB, copy.ToArray());
        }

        // Validators from one node hold on the other; ranges are served from the stored object.
        using (var byTag = new HttpRequestMessage(HttpMethod.Get, "open-data/dwca.zip"))
        {
            byTag.Headers.IfNoneMatch.Add(fromB.Headers.ETag!);
            using var notModified = await a.Client.SendAsync(byTag, Ct);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
        using (var head = new HttpRequestMessage(HttpMethod.Head, "open-data/dwca.zip"))
        {
            using var r = await a.Client.SendAsync(head, Ct);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(bytesB.Length, r.Content.Headers.ContentLength);
            Assert.Equal(fromB.Headers.ETag, r.Headers.ETag);
        }
        using (var range = new HttpRequestMessage(HttpMethod.Get, "open-data/dwca.zip"))
        {
            range.Headers.Range = new RangeHeaderValue(200_000, 200_099);
            using var part = await a.Client.SendAsync(range, Ct);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(bytesB[200_000..200_100], await part.Content.ReadAsByteArrayAsync(Ct));
        }
    }

    [Fact]
    public async Task WithTheObjectStoreDownTheArchiveAnswers503()
    {
        using var data = new TempDirectory();
        var down = S3.Parse($"ServiceUrl=http://127.0.0.1:{ClosedPort.Get()};Bucket=florascope-down;AccessKey=S3RVER;SecretKey=S3RVER", "");
        var settings = S3.Configuration(down);
        settings["Florascope:OpenData:RebuildMinutes"] = "60";
        await using var host = await FlorascopeHost.StartAsync(data.Path, new FakeClock(Now), settings,
            services => services.AddSingleton(new OpenDataArchive((_, output, ct) => output.WriteAsync(new byte[] { 1, 2, 3 }, ct).AsTask())));

        using var r = await host.Client.GetAsync("open-data/dwca.zip", Ct);
        await r.ErrorAsync(503, "Service Unavailable");
        Assert.NotNull(r.Headers.RetryAfter);
        // Nothing built on this node's disk in its place.
        Assert.False(File.Exists(Path.Combine(data.Path, "open-data", OpenDataArchiveFile.FileName)));
    }

    private static async Task<HttpResponseMessage> WaitForArchiveAsync(FlorascopeHost node)
    {
        for (var i = 0; ; i++)
        {
            var r = await node.Client.GetAsync("open-data/dwca.zip", Ct);
            if (r.StatusCode != HttpStatusCode.ServiceUnavailable || i >= 300) return r.EnsureSuccessStatusCode();
            r.Dispose();
            await Task.Delay(200, Ct);
        }
    }
}
