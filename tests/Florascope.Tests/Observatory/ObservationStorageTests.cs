using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Observations;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;
using Florascope.Tests.Web;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

/// <summary>A migrated database and a photo store of its own, for ObservationWriter used directly.</summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private DatabaseSettings? _settings;
    private int _users;

    public FakeClock Clock { get; } = new(new DateTimeOffset(2026, 4, 2, 8, 15, 0, TimeSpan.Zero));

    public PhotoStore Photos => new(Path.Combine(_data.Path, "photos"));

    public static Checklist Checklist => SharedServerFixture.Checklist.Value;

    /// <summary>The database, or the test ends here when it cannot have one (see <see cref="Postgres"/>).</summary>
    public virtual DatabaseSettings Settings => _settings ?? throw new InvalidOperationException("Not started.");

    public FlorascopeDb NewContext() => Settings.CreateContext();

    public async Task<int> NewUserAsync()
    {
        await using var db = NewContext();
        var n = Interlocked.Increment(ref _users);
        var user = new User { UserName = $"storage{n}", Email = $"storage{n}@example.org", PasswordHash = "x", CreatedUtc = Clock.GetUtcNow().UtcDateTime };
        db.Users.Add(user);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return user.Id;
    }

    public async ValueTask InitializeAsync()
    {
        _settings = await CreateSettingsAsync(_data.Path);
        _settings?.Migrate();
    }

    public virtual ValueTask DisposeAsync()
    {
        _data.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Null when this database is not available here.</summary>
    protected abstract Task<DatabaseSettings?> CreateSettingsAsync(string dataDirectory);
}

public sealed class SqliteStorageFixture : StorageFixture
{
    protected override Task<DatabaseSettings?> CreateSettingsAsync(string dataDirectory) =>
        Task.FromResult<DatabaseSettings?>(new DatabaseSettings { DataDirectory = dataDirectory });
}

public sealed class PostgresStorageFixture : StorageFixture
{
    private PostgresDatabase? _database;

    public override DatabaseSettings Settings
    {
        get
        {
            Postgres.Require();
            return base.Settings;
        }
    }

    protected override async Task<DatabaseSettings?> CreateSettingsAsync(string dataDirectory)
    {
        if (Postgres.ConnectionString is not { } admin) return null;
        _database = await PostgresDatabase.CreateAsync(admin, TestContext.Current.CancellationToken);
        return new DatabaseSettings { DataDirectory = dataDirectory, Provider = DatabaseProvider.Postgres, ConnectionString = _database.ConnectionString };
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class SqliteObservationStorageTests(SqliteStorageFixture fixture)
    : ObservationStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresObservationStorageTests(PostgresStorageFixture fixture)
    : ObservationStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The same storage tests on every database provider.</summary>
public abstract class ObservationStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NewPhoto Dandelion(int i = 0, string organ = "auto") => new(TestSupport.Photos.Plant("Taraxacum_officinale", i).Data, organ);

    [Fact]
    public async Task CreateReadIdentifyAndDeleteRoundTrip()
    {
        var author = await fixture.NewUserAsync();
        var other = await fixture.NewUserAsync();
        var observed = new DateTime(2026, 4, 1, 16, 45, 30, DateTimeKind.Utc);
        int id;
        await using (var db = fixture.NewContext())
        {
            var created = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation
            {
                Photos = [Dandelion(0, "flower"), Dandelion(1, "leaf")],
                ObservedUtc = observed,
                Latitude = 50.5,
                Longitude = -1.25,
                UncertaintyMeters = 12.5,
                Notes = "  Under the oak.  ",
                License = "cc-by-sa",
                Project = "weurope",
                TaxonName = "TARAXACUM_officinale",
            }, fixture.Clock, Ct);
            id = created.Id;
        }

        await using (var db = fixture.NewContext())
        {
            var o = await db.Observations.AsNoTracking().Include(x => x.Photos).Include(x => x.Identifications).SingleAsync(x => x.Id == id, Ct);
            Assert.Equal("Taraxacum officinale", o.TaxonName);
            Assert.Equal((50.5, -1.25, 12.5), (o.Latitude!.Value, o.Longitude!.Value, o.UncertaintyMeters!.Value));
            Assert.Equal("Under the oak.", o.Notes);
            Assert.Equal(("cc-by-sa", "weurope", author), (o.License, o.Project, o.AuthorId));
            Assert.Equal(observed, o.ObservedUtc);
            Assert.Equal(DateTimeKind.Utc, o.ObservedUtc.Kind);
            Assert.Equal(DateTimeKind.Utc, o.CreatedUtc.Kind);
            Assert.Equal(DateTimeKind.Utc, o.UpdatedUtc.Kind);
            Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime, o.CreatedUtc);
            Assert.Equal(["flower", "leaf"], o.Photos.OrderBy(p => p.Position).Select(p => p.Organ));
            Assert.All(o.Photos, p => Assert.True(File.Exists(fixture.Photos.PathOf(p.Sha256, PhotoSize.Small))));
            var first = Assert.Single(o.Identifications);
            Assert.Equal((author, "Taraxacum officinale", true), (first.UserId, first.TaxonName, first.IsCurrent));
            Assert.Equal(DateTimeKind.Utc, first.CreatedUtc.Kind);
        }

        fixture.Clock.Set(fixture.Clock.GetUtcNow().AddMinutes(5));
        await using (var db = fixture.NewContext())
        {
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, other, "Ranunculus acris", fixture.Clock, Ct);
        }
        await using (var db = fixture.NewContext())
        {
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, other, "ranunculus acris", fixture.Clock, Ct);
        }
        await using (var db = fixture.NewContext())
        {
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, author, null, fixture.Clock, Ct);
        }
        await using (var db = fixture.NewContext())
        {
            var o = await db.Observations.AsNoTracking().Include(x => x.Identifications).SingleAsync(x => x.Id == id, Ct);
            // The author no longer knows: the other user's is the only vote left, so the weighted vote names it.
            Assert.Equal("Ranunculus acris", o.TaxonName);
            Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime, o.UpdatedUtc);
            Assert.Equal(4, o.Identifications.Count);
            Assert.Equal([(author, (string?)null), (other, "Ranunculus acris")],
                o.Identifications.Where(i => i.IsCurrent).OrderBy(i => i.UserId).Select(i => (i.UserId, i.TaxonName)));
            Assert.All(o.Identifications, i => Assert.Equal(DateTimeKind.Utc, i.CreatedUtc.Kind));
        }

        await using (var db = fixture.NewContext())
        {
            var e = await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.DeleteAsync(db, id, other, isAdmin: false, Ct));
            Assert.Equal(ObservationError.Forbidden, e.Kind);
            var unknown = await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, other, "Quercus imaginaria", fixture.Clock, Ct));
            Assert.Equal(ObservationError.Invalid, unknown.Kind);
        }
        await using (var db = fixture.NewContext())
        {
            Assert.Equal(4, await db.Identifications.CountAsync(i => i.ObservationId == id, Ct));
            await ObservationWriter.DeleteAsync(db, id, author, isAdmin: false, Ct);
        }
        await using (var db = fixture.NewContext())
        {
            Assert.False(await db.Observations.AnyAsync(o => o.Id == id, Ct));
            Assert.False(await db.ObservationPhotos.AnyAsync(p => p.ObservationId == id, Ct));
            Assert.False(await db.Identifications.AnyAsync(i => i.ObservationId == id, Ct));
            var missing = await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.DeleteAsync(db, id, author, isAdmin: true, Ct));
            Assert.Equal(ObservationError.NotFound, missing.Kind);
        }
    }

    [Fact]
    public async Task AnAdminDeletesAnyonesObservation()
    {
        var author = await fixture.NewUserAsync();
        var admin = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        var o = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation { Photos = [Dandelion()] }, fixture.Clock, Ct);
        await ObservationWriter.DeleteAsync(db, o.Id, admin, isAdmin: true, Ct);
        await using var check = fixture.NewContext();
        Assert.False(await check.Observations.AnyAsync(x => x.Id == o.Id, Ct));
    }

    [Fact]
    public async Task TheViewportQueryReturnsTheRowsInsideIt()
    {
        var author = await fixture.NewUserAsync();
        // Around (lat -60, lon -120): a region no other test of this class uses.
        (double Lat, double Lon)?[] places = [(-60.0, -120.0), (-60.5, -119.5), (-59.0, -120.0), (-61.2, -121.0), (-60.0, -118.0), null];
        var ids = new List<int>();
        foreach (var place in places)
        {
            await using var db = fixture.NewContext();
            var o = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
                new NewObservation { Photos = [Dandelion()], Latitude = place?.Lat, Longitude = place?.Lon }, fixture.Clock, Ct);
            ids.Add(o.Id);
        }

        await using var read = fixture.NewContext();
        Assert.Equal([ids[0], ids[1]], await ViewportAsync(read, minLon: -120.5, minLat: -60.5, maxLon: -119.5, maxLat: -59.5));
        // Edges are inside.
        Assert.Equal([ids[0], ids[1], ids[2], ids[4]], await ViewportAsync(read, -120, -60.5, -118, -59));
        Assert.Equal([ids[0], ids[1], ids[2], ids[3], ids[4]], await ViewportAsync(read, -122, -62, -117, -58));
        Assert.Empty(await ViewportAsync(read, 119, 59, 121, 61));
    }

    [Fact]
    public async Task AFailedPhotoLeavesNoRowsAndItsPredecessorIsGarbage()
    {
        var author = await fixture.NewUserAsync();
        var good = TestSupport.Photos.Plant("Leucanthemum_vulgare", 0).Data;
        var truncated = TestSupport.Photos.Plant("Leucanthemum_vulgare", 1).Data[..2000];
        var before = await CountsAsync();

        await using (var db = fixture.NewContext())
        {
            var e = await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
                new NewObservation { Photos = [new(good), new(truncated)], TaxonName = "Leucanthemum vulgare" }, fixture.Clock, Ct));
            Assert.StartsWith("Photo 2:", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(before, await CountsAsync());

        var hash = Sha256(good);
        Assert.True(File.Exists(fixture.Photos.PathOf(hash, PhotoSize.Original)));
        // Young files belong to an upload in progress; once old enough, unreferenced ones go.
        await fixture.Photos.CollectGarbageAsync(await ReferencedAsync(), TimeSpan.FromHours(1), Ct);
        Assert.True(File.Exists(fixture.Photos.PathOf(hash, PhotoSize.Original)));
        // Other tests of the class may have left garbage too (deleted observations): at least these three files go.
        Assert.True(await fixture.Photos.CollectGarbageAsync(await ReferencedAsync(), TimeSpan.Zero, Ct) >= 3);
        foreach (var size in Enum.GetValues<PhotoSize>()) Assert.False(File.Exists(fixture.Photos.PathOf(hash, size)));
    }

    [Fact]
    public async Task APhotoSentTwiceIsStoredOnceAndGarbageCollectionKeepsReferencedPhotos()
    {
        var author = await fixture.NewUserAsync();
        var photo = TestSupport.Photos.Plant("Acer_campestre", 0).Data;
        var hash = Sha256(photo);
        await using (var db = fixture.NewContext())
        {
            await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation { Photos = [new(photo)] }, fixture.Clock, Ct);
        }
        int second;
        await using (var db = fixture.NewContext())
        {
            second = (await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation { Photos = [new(photo, "leaf")] }, fixture.Clock, Ct)).Id;
        }
        var files = Directory.GetFiles(Path.GetDirectoryName(fixture.Photos.PathOf(hash, PhotoSize.Original))!, hash + "*");
        Assert.Equal([hash, hash + "-m.jpg", hash + "-s.jpg"], files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        await using (var db = fixture.NewContext())
            Assert.Equal(2, await db.ObservationPhotos.CountAsync(p => p.Sha256 == hash, Ct));

        // Other tests of the class may leave garbage of their own: only this photo's files are checked.
        await fixture.Photos.CollectGarbageAsync(await ReferencedAsync(), TimeSpan.Zero, Ct);
        foreach (var size in Enum.GetValues<PhotoSize>()) Assert.True(File.Exists(fixture.Photos.PathOf(hash, size)));

        // Deleting one observation leaves the photo referenced by the other.
        await using (var db = fixture.NewContext()) await ObservationWriter.DeleteAsync(db, second, author, isAdmin: false, Ct);
        await fixture.Photos.CollectGarbageAsync(await ReferencedAsync(), TimeSpan.Zero, Ct);
        foreach (var size in Enum.GetValues<PhotoSize>()) Assert.True(File.Exists(fixture.Photos.PathOf(hash, size)));
    }

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));

    private async Task<HashSet<string>> ReferencedAsync()
    {
        await using var db = fixture.NewContext();
        return [.. await db.ObservationPhotos.Select(p => p.Sha256).Distinct().ToListAsync(Ct)];
    }

    private async Task<(int, int, int)> CountsAsync()
    {
        await using var db = fixture.NewContext();
        return (await db.Observations.CountAsync(Ct), await db.ObservationPhotos.CountAsync(Ct), await db.Identifications.CountAsync(Ct));
    }

    /// <summary>The map's query (ObservationsApi.Geo) on a viewport, ids in ascending order.</summary>
    private static Task<List<int>> ViewportAsync(FlorascopeDb db, double minLon, double minLat, double maxLon, double maxLat) =>
        db.Observations.AsNoTracking()
            .Where(o => o.Latitude != null && o.Longitude != null)
            .Where(o => o.Longitude >= minLon && o.Longitude <= maxLon && o.Latitude >= minLat && o.Latitude <= maxLat)
            .OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(Ct);
}
