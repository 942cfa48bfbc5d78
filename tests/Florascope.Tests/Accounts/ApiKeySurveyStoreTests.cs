using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.ApiKeys;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Accounts;

/// <summary>ApiKeyStore's survey rule and the keys' listing, on SQLite and on PostgreSQL.</summary>
public sealed class ApiKeySurveyStoreTests
{
    private static readonly DateOnly Today = new(2026, 5, 20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task SurveysAreAllowedByIdOrPrefixNeverOnUnknownOrRevokedKeysAndListed(string provider)
    {
        using var dir = new TempDirectory();
        await using var database = provider == "postgres" ? await PostgresDatabase.CreateAsync(Postgres.Require(), Ct) : null;
        var settings = database is null
            ? new DatabaseSettings { DataDirectory = dir.Path }
            : new DatabaseSettings { DataDirectory = dir.Path, Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString };
        settings.Migrate();
        await using var db = settings.CreateContext();

        var user = new User { UserName = "ecologist", Email = "ecologist@example.org", PasswordHash = "x", CreatedUtc = DateTime.UtcNow };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        var (owned, _) = await ApiKeyStore.CreateAsync(db, "owned", 100, TimeProvider.System, user.Id, Ct);
        var (surveyor, _) = await ApiKeyStore.CreateAsync(db, "surveyor", 200, TimeProvider.System, null, allowSurvey: true, Ct);
        var (revoked, _) = await ApiKeyStore.CreateAsync(db, "revoked", 300, TimeProvider.System, Ct);
        Assert.False(owned.AllowSurvey);
        Assert.True(surveyor.AllowSurvey);
        Assert.True(await ApiKeyStore.RevokeAsync(db, revoked.Prefix, TimeProvider.System, Ct));
        db.QuotaUsage.AddRange(new QuotaUsage { ApiKeyId = owned.Id, Day = Today, Count = 7 }, new QuotaUsage { ApiKeyId = owned.Id, Day = Today.AddDays(-1), Count = 50 });
        await db.SaveChangesAsync(Ct);

        Assert.True((await ApiKeyStore.SetSurveyAsync(db, owned.Id, true, Ct)).AllowSurvey);
        Assert.False((await ApiKeyStore.SetSurveyAsync(db, surveyor.Prefix, false, Ct)).AllowSurvey);
        Assert.Equal(ApiKeyError.NotFound, (await Assert.ThrowsAsync<ApiKeyException>(() => ApiKeyStore.SetSurveyAsync(db, 424242, true, Ct))).Error);
        Assert.Equal(ApiKeyError.NotFound, (await Assert.ThrowsAsync<ApiKeyException>(() => ApiKeyStore.SetSurveyAsync(db, "fsk_unknown", true, Ct))).Error);
        var refused = await Assert.ThrowsAsync<ApiKeyException>(() => ApiKeyStore.SetSurveyAsync(db, revoked.Id, true, Ct));
        Assert.Equal(ApiKeyError.Revoked, refused.Error);
        Assert.Equal("server.apikeys.revoked", refused.Text.Key);

        await using var fresh = settings.CreateContext();
        var listed = await ApiKeyStore.ListAsync(fresh, Today, 0, 10, Ct);
        Assert.Equal([revoked.Id, surveyor.Id, owned.Id], listed.Select(l => l.Key.Id));
        Assert.Equal([false, false, true], listed.Select(l => l.Key.AllowSurvey));
        Assert.Equal([null, null, "ecologist"], listed.Select(l => l.OwnerUserName));
        Assert.Equal([0, 0, 7], listed.Select(l => l.UsedToday));
        Assert.NotNull(listed[0].Key.RevokedUtc);
        Assert.Equal([surveyor.Id], (await ApiKeyStore.ListAsync(fresh, Today, 1, 1, Ct)).Select(l => l.Key.Id));
        Assert.Equal(7, (await ApiKeyStore.ListingAsync(fresh, owned.Id, Today, Ct))!.UsedToday);
        Assert.Null(await ApiKeyStore.ListingAsync(fresh, 424242, Today, Ct));
        Assert.False(await fresh.ApiKeys.Where(k => k.Id == revoked.Id).Select(k => k.AllowSurvey).SingleAsync(Ct));
    }
}
