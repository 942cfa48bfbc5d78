using System.Net;
using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Data.Observations;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Storage;

/// <summary>
/// Servers with Florascope:Storage:Kind=s3 (s3rver from .ci/s3.sh): two nodes on one PostgreSQL
/// database and one bucket, each with a data directory of its own, share photos and promoted models.
/// </summary>
[Trait("Category", "Slow")]
public sealed class S3ServerTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APhotoSavedThroughOneNodeIsServedByTheOther()
    {
        var s3 = S3.Require();
        await using var database = await PostgresDatabase.CreateAsync(Postgres.Require(), Ct);
        using var dataA = new TempDirectory();
        using var dataB = new TempDirectory();
        var settings = NodeSettings(s3, database);
        await using var a = await FlorascopeHost.StartAsync(dataA.Path, new FakeClock(Now), settings);
        await using var b = await FlorascopeHost.StartAsync(dataB.Path, new FakeClock(Now), settings);
        using var author = new ObservatoryClient(a.BaseAddress);
        await author.SignedUpAsync("author");

        var photo = Photos.Plant("Taraxacum_officinale");
        var detail = await author.CreatedAsync(photo);
        var sha256 = detail["photos"]![0]!["sha256"]!.GetValue<string>();

        using var fromA = await a.Client.GetAsync($"api/photos/{sha256}?size=m", Ct);
        using var fromB = await b.Client.GetAsync($"api/photos/{sha256}?size=m", Ct);
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        Assert.Equal("image/jpeg", fromB.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(fromB.Content.Headers.LastModified);
        var medium = await fromB.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(medium.Length, fromB.Content.Headers.ContentLength);
        Assert.Equal(await fromA.Content.ReadAsByteArrayAsync(Ct), medium);
        using (var small = await b.Client.GetAsync($"api/photos/{sha256}?size=s", Ct)) Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        // The original stays private on every node.
        using (var original = await b.Client.GetAsync($"api/photos/{sha256}?size=o", Ct)) await original.ErrorAsync(403, "Forbidden");
        using (var missing = await b.Client.GetAsync($"api/photos/{new string('0', 64)}?size=m", Ct)) await missing.ErrorAsync(404);

        // In the bucket, as sent; on neither node's disk.
        var stored = await new PhotoStore(s3.CreatePhotoStore("unused")).OpenAsync(sha256, PhotoSize.Original, Ct);
        Assert.NotNull(stored);
        await using (stored.Content)
        {
            using var bytes = new MemoryStream();
            await stored.Content.CopyToAsync(bytes, Ct);
            Assert.Equal(photo.Data, bytes.ToArray());
        }
        Assert.False(Directory.Exists(Path.Combine(dataA.Path, "photos")));
        Assert.False(Directory.Exists(Path.Combine(dataB.Path, "photos")));
        foreach (var node in new[] { a, b })
        {
            using var ready = await node.Client.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    [Fact]
    public async Task AModelPromotedThroughOneNodeIsServedByBoth()
    {
        var s3 = S3.Require();
        await using var database = await PostgresDatabase.CreateAsync(Postgres.Require(), Ct);
        using var dataA = new TempDirectory();
        using var dataB = new TempDirectory();
        using var trained = new TempDirectory();
        var settings = NodeSettings(s3, database);
        settings["Florascope:Models:PollSeconds"] = "0.2";
        await using var a = await FlorascopeHost.StartAsync(dataA.Path, new FakeClock(Now), settings);
        await using var b = await FlorascopeHost.StartAsync(dataB.Path, new FakeClock(Now), settings);
        using var admin = new ObservatoryClient(a.BaseAddress);
        await admin.SignedUpAsync("admin");
        using var user = new ObservatoryClient(a.BaseAddress);
        await user.SignedUpAsync("someone");

        // A bundle registered (not promoted) on node A's machine, as `florascope train --register` leaves one.
        const string version = "store-test-2";
        var bundle = Path.Combine(trained.Path, "bundle");
        Directory.CreateDirectory(bundle);
        foreach (var file in Directory.GetFiles(RepoPaths.ModelBundle)) File.Copy(file, Path.Combine(bundle, Path.GetFileName(file)));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "manifest.json"), Ct))!;
        manifest["version"] = version;
        await File.WriteAllTextAsync(Path.Combine(bundle, "manifest.json"), manifest.ToJsonString(), Ct);
        await using (var scope = a.App.Services.CreateAsyncScope())
            await ModelRegistry.RecordAsync(scope.ServiceProvider.GetRequiredService<FlorascopeDb>(),
                new ModelVersion { Version = version, Path = bundle, Promoted = false, Decision = "Registered by the test.", CreatedUtc = Now.UtcDateTime }, Ct);

        using (var anonymous = await a.Client.PostAsync($"api/models/{version}/promote", new FormUrlEncodedContent([]), Ct)) await anonymous.ErrorAsync(401);
        using (var refused = await user.PostFormAsync($"api/models/{version}/promote", [])) await refused.ErrorAsync(403, "Forbidden");
        using (var noToken = await admin.PostFormAsync($"api/models/{version}/promote", [], withToken: false)) await noToken.ErrorAsync(400);
        using (var unknown = await admin.PostFormAsync("api/models/no-such-model/promote", []))
            Assert.Equal("No registered model no-such-model.", await unknown.ErrorAsync(404));

        using (var promoted = await admin.PostFormAsync($"api/models/{version}/promote", []))
        {
            var history = await promoted.JsonAsync();
            var row = history["versions"]!.AsArray().Single(v => v!["version"]!.GetValue<string>() == version)!;
            Assert.True(row["isCurrent"]!.GetValue<bool>());
        }
        // Uploaded by the promotion: no node needs the trainer's folder any more.
        Directory.Delete(bundle, recursive: true);

        foreach (var node in new[] { a, b }) await WaitForModelAsync(node, version);
        Assert.True(File.Exists(Path.Combine(dataB.Path, BundleStore.CacheFolder, version, "manifest.json")));
        using var identify = await b.Client.IdentifyAsync(await b.CreateKeyAsync(), Photos.Form(Photos.Plant("Taraxacum_officinale")));
        Assert.Equal(HttpStatusCode.OK, identify.StatusCode);
    }

    [Fact]
    public async Task WithTheObjectStoreDownSavingAnswers503AndStoresNothingWhileIdentificationGoesOn()
    {
        using var data = new TempDirectory();
        var down = S3.Parse($"ServiceUrl=http://127.0.0.1:{ClosedPort.Get()};Bucket=florascope-down;AccessKey=S3RVER;SecretKey=S3RVER", "");
        await using var host = await FlorascopeHost.StartAsync(data.Path, new FakeClock(Now), S3.Configuration(down));
        using var author = new ObservatoryClient(host.BaseAddress);
        await author.SignedUpAsync("author");

        using (var save = await author.CreateAsync([Photos.Plant("Taraxacum_officinale")], fields: [new("taxon", "Taraxacum officinale")]))
        {
            var message = await save.ErrorAsync(503, "Service Unavailable");
            Assert.Contains("nothing was saved", message, StringComparison.Ordinal);
        }
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            Assert.Equal(0, await db.Observations.CountAsync(Ct));
            Assert.Equal(0, await db.ObservationPhotos.CountAsync(Ct));
        }
        using (var photo = await host.Client.GetAsync($"api/photos/{new string('a', 64)}?size=m", Ct)) await photo.ErrorAsync(503, "Service Unavailable");

        using (var identify = await host.Client.IdentifyAsync(await host.CreateKeyAsync(), Photos.Form(Photos.Plant("Taraxacum_officinale"))))
            Assert.Equal(HttpStatusCode.OK, identify.StatusCode);
        using (var web = await author.Http.PostAsync("api/identify/all", Photos.Form(Photos.Plant("Taraxacum_officinale")), Ct))
            Assert.Equal(HttpStatusCode.OK, web.StatusCode);

        using var ready = await host.Client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = JsonNode.Parse(await ready.Content.ReadAsStringAsync(Ct))!["checks"]!.AsArray();
        Assert.Equal("Unhealthy", checks.Single(c => c!["name"]!.GetValue<string>() == "photos")!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", checks.Single(c => c!["name"]!.GetValue<string>() == "database")!["status"]!.GetValue<string>());
    }

    private static Dictionary<string, string?> NodeSettings(Florascope.Data.Storage.StorageSettings s3, PostgresDatabase database)
    {
        var settings = S3.Configuration(s3);
        settings["Florascope:Database"] = "postgres";
        settings["ConnectionStrings:Florascope"] = database.ConnectionString;
        return settings;
    }

    /// <summary>Polls /v2/_status until the node runs <paramref name="version"/>; bounded, so a node that never switches fails the test.</summary>
    private static async Task WaitForModelAsync(FlorascopeHost node, string version)
    {
        string? running = null;
        for (var i = 0; i < 300 && running != version; i++)
        {
            if (i > 0) await Task.Delay(200, Ct);
            running = (await node.Client.GetJsonAsync("v2/_status"))["model"]!.GetValue<string>();
        }
        Assert.Equal(version, running);
    }
}
