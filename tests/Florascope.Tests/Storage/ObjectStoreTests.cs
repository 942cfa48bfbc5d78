using System.Security.Cryptography;
using Florascope.Data.Observations;
using Florascope.Data.Storage;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Storage;

/// <summary>
/// The photo store's rules on every backend (the same tests run on a folder and on an S3 bucket):
/// content hash, three sizes, write-once, whole objects only, garbage collection by age.
/// </summary>
public abstract class ObjectStoreContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An empty store of the backend under test.</summary>
    protected abstract IObjectStore NewStore();

    [Fact]
    public async Task APhotoIsStoredInThreeSizesByTheHashOfItsBytesAndReadBack()
    {
        var photos = new PhotoStore(NewStore());
        var data = Photos.Plant("Taraxacum_officinale").Data;
        var saved = await photos.SaveAsync(data, ct: Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), saved.Sha256);

        Assert.Equal(data, await ReadAsync(photos, saved.Sha256, PhotoSize.Original));
        foreach (var (size, side) in new[] { (PhotoSize.Medium, PhotoStore.MediumSide), (PhotoSize.Small, PhotoStore.SmallSide) })
        {
            using var bitmap = SKBitmap.Decode(await ReadAsync(photos, saved.Sha256, size));
            Assert.True(Math.Max(bitmap.Width, bitmap.Height) <= side);
        }
        Assert.Null(await photos.OpenAsync(new string('0', 64), PhotoSize.Original, Ct));

        // Sent again: the same three objects, nothing else.
        Assert.Equal(saved, await photos.SaveAsync(data, ct: Ct));
        var keys = await KeysAsync(photos.Objects);
        Assert.Equal([PhotoStore.KeyOf(saved.Sha256, PhotoSize.Original), PhotoStore.KeyOf(saved.Sha256, PhotoSize.Medium), PhotoStore.KeyOf(saved.Sha256, PhotoSize.Small)],
            keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ObjectsAreReplacedWholeListedByPrefixAndDeleted()
    {
        var store = NewStore();
        using (var first = new MemoryStream([1, 2, 3])) await store.PutAsync("a/one", first, ct: Ct);
        using (var second = new MemoryStream([4, 5])) await store.PutAsync("a/one", second, ct: Ct);
        using (var other = new MemoryStream([6])) await store.PutAsync("b/two", other, ct: Ct);
        var content = await store.OpenReadAsync("a/one", Ct);
        Assert.NotNull(content);
        await using (content.Content)
        {
            using var read = new MemoryStream();
            await content.Content.CopyToAsync(read, Ct);
            Assert.Equal([4, 5], read.ToArray());
            Assert.Equal(2, content.Length);
        }
        var listed = new List<ObjectInfo>();
        await foreach (var o in store.ListAsync("a/", Ct)) listed.Add(o);
        Assert.Equal("a/one", Assert.Single(listed).Key);
        Assert.Equal(2, listed[0].Length);
        Assert.Equal(2, (await store.InfoAsync("a/one", Ct))?.Length);
        await store.DeleteAsync("a/one", Ct);
        Assert.Null(await store.OpenReadAsync("a/one", Ct));
        Assert.Null(await store.InfoAsync("a/one", Ct));
        Assert.Equal(["b/two"], await KeysAsync(store));
        Assert.True(await store.IsAvailableAsync(Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync("../escape", Ct));
    }

    [Fact]
    public async Task GarbageCollectionRemovesOnlyUnreferencedPhotosOlderThanTheAge()
    {
        var photos = new PhotoStore(NewStore());
        var kept = await photos.SaveAsync(Photos.Plant("Taraxacum_officinale").Data, ct: Ct);
        var orphan = await photos.SaveAsync(Photos.Plant("Acer_campestre").Data, ct: Ct);
        var referenced = new HashSet<string> { kept.Sha256 };

        // Young objects may belong to an upload in progress.
        Assert.Equal(0, await photos.CollectGarbageAsync(referenced, TimeSpan.FromHours(1), Ct));
        Assert.Equal(6, (await KeysAsync(photos.Objects)).Count);

        Assert.Equal(3, await photos.CollectGarbageAsync(referenced, TimeSpan.Zero, Ct));
        Assert.All(await KeysAsync(photos.Objects), k => Assert.Contains(kept.Sha256, k, StringComparison.Ordinal));
        Assert.Null(await photos.OpenAsync(orphan.Sha256, PhotoSize.Small, Ct));
        Assert.NotNull(await photos.OpenAsync(kept.Sha256, PhotoSize.Small, Ct));
    }

    [Fact]
    public async Task TrainingReadsTheOriginalAsALocalFile()
    {
        using var cache = new TempDirectory();
        var photos = new PhotoStore(NewStore());
        var data = Photos.Plant("Taraxacum_officinale").Data;
        var saved = await photos.SaveAsync(data, ct: Ct);
        var path = await photos.LocalOriginalAsync(saved.Sha256, cache.Path, Ct);
        Assert.NotNull(path);
        Assert.Equal(data, await File.ReadAllBytesAsync(path, Ct));
        Assert.Null(await photos.LocalOriginalAsync(new string('1', 64), cache.Path, Ct));
    }

    private static async Task<byte[]> ReadAsync(PhotoStore photos, string sha256, PhotoSize size)
    {
        var content = await photos.OpenAsync(sha256, size, Ct);
        Assert.NotNull(content);
        await using (content.Content)
        {
            using var buffer = new MemoryStream();
            await content.Content.CopyToAsync(buffer, Ct);
            Assert.Equal(buffer.Length, content.Length);
            return buffer.ToArray();
        }
    }

    private static async Task<List<string>> KeysAsync(IObjectStore store)
    {
        var keys = new List<string>();
        await foreach (var o in store.ListAsync("", Ct)) keys.Add(o.Key);
        return keys;
    }
}

/// <summary>The photo store on a folder of this machine (the default).</summary>
public sealed class FileObjectStoreTests : ObjectStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override IObjectStore NewStore() => new FileObjectStore(Path.Combine(_dir.Path, Guid.NewGuid().ToString("N")));

    public void Dispose() => _dir.Dispose();
}

/// <summary>The photo store on an S3 bucket (s3rver from .ci/s3.sh), each test under a key prefix of its own.</summary>
public sealed class S3ObjectStoreTests : ObjectStoreContract
{
    protected override IObjectStore NewStore() => S3.Require().CreatePhotoStore("unused");

    [Fact]
    public async Task AMissingBucketIsCreatedOnFirstUse()
    {
        var settings = S3.Require();
        settings.Bucket = "florascope-new-" + Guid.NewGuid().ToString("N")[..8];
        var store = settings.CreatePhotoStore("unused");
        using (var data = new MemoryStream([7])) await store.PutAsync("x/y", data, ct: Ct);
        Assert.NotNull(await store.OpenReadAsync("x/y", Ct));
    }

    [Fact]
    public async Task AStoreThatCannotBeReachedIsUnavailableNotAnError()
    {
        var settings = S3.Parse($"ServiceUrl=http://127.0.0.1:{ClosedPort.Get()};Bucket=b;AccessKey=k;SecretKey=s", "p/");
        var store = settings.CreatePhotoStore("unused");
        Assert.False(await store.IsAvailableAsync(Ct));
        using var data = new MemoryStream([1]);
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.PutAsync("a/b", data, ct: Ct));
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => store.OpenReadAsync("a/b", Ct));
    }
}
