using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Florascope.Data.Accounts;
using Florascope.Data.Security;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Accounts;

/// <summary>
/// Scripted sign-ups (a few, from loopback addresses only): limited per address and day in the shared
/// counters, answered 429 + Retry-After with the API body, before the hash, nothing stored.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SignUpThrottleTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 3, 9, 2, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAddressSignsUpAFewAccountsADayThenGets429AndNothingIsStored()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Florascope:SignIn:SignUpsPerAddressPerDay"] = "3" };
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(Now), settings);
        using var script = new ObservatoryClient(host.BaseAddress);

        // Bad input is refused before counting; a taken name counts (sign-ups cannot enumerate names freely).
        using (var bad = await script.SignUpAsync("x", "x@example.org")) await bad.ErrorAsync(400);
        using (var first = await script.SignUpAsync("script0", "script0@example.org")) await first.JsonAsync();
        using (var taken = await script.SignUpAsync("script0", "other@example.org")) await taken.ErrorAsync(409, "Conflict");
        using (var second = await script.SignUpAsync("script1", "script1@example.org")) await second.JsonAsync();
        using (var refused = await script.SignUpAsync("script2", "script2@example.org"))
        {
            await refused.ErrorAsync(429);
            // 09:02 UTC: the day's count ends at midnight, 14 h 58 min later.
            Assert.Equal((14 * 60 + 58) * 60, int.Parse(refused.Header("Retry-After"), CultureInfo.InvariantCulture));
        }
        Assert.Equal(["script0", "script1"], await UserNamesAsync(host));
        Assert.Equal(3, await CountAsync(host, SignUpThrottle.AddressScope));

        // Another address is another count (loopback only).
        using (var other = OtherAddressClient(host, 2))
        {
            var token = await other.GetJsonAsync("api/account/antiforgery");
            using var form = new FormUrlEncodedContent([new("userName", "elsewhere"), new("email", "elsewhere@example.org"),
                new("password", ObservatoryClient.Password), new(token["formFieldName"]!.GetValue<string>(), token["token"]!.GetValue<string>())]);
            using var response = await other.PostAsync("api/account/signup", form, Ct);
            await response.JsonAsync();
        }
        // The next UTC day, the first address signs up again.
        host.Clock.Set(Now.AddDays(1));
        using (var tomorrow = await script.SignUpAsync("script2", "script2@example.org")) await tomorrow.JsonAsync();
        Assert.Equal(["elsewhere", "script0", "script1", "script2"], await UserNamesAsync(host));
    }

    [Theory]
    [InlineData(0, 180)]
    [InlineData(-1, 180)]
    [InlineData(20, -1)]
    [InlineData(20, 4000)]
    [InlineData(20, double.NaN)]
    public void BadSignUpAndKnownDeviceSettingsStopTheStart(int signUps, double deviceDays)
    {
        var limits = new SignInLimits { SignUpsPerAddressPerDay = signUps, KnownDeviceDays = deviceDays };
        Assert.Throws<ArgumentException>(limits.Validate);
    }

    [Fact]
    public void TheDefaultsAreValid()
    {
        var limits = new SignInLimits();
        limits.Validate();
        Assert.Equal(20, limits.SignUpsPerAddressPerDay);
        Assert.Equal(TimeSpan.FromDays(1) - TimeSpan.FromHours(9.5), SignUpThrottle.RetryAfter(new DateTime(2026, 6, 3, 9, 30, 0, DateTimeKind.Utc)));
    }

    /// <summary>A unique index refusing the insert three times (a simulated race lost thrice): 409, never a 500, nothing stored.</summary>
    [Fact]
    public async Task AThirdRefusedInsertIsAConflict()
    {
        using var dir = new TempDirectory();
        var settings = new Florascope.Data.DatabaseSettings { DataDirectory = dir.Path };
        settings.Migrate();
        var raced = new AlwaysRaced();
        var options = new DbContextOptionsBuilder<Florascope.Data.SqliteFlorascopeDb>();
        settings.Configure(options);
        options.AddInterceptors(raced);
        await using var db = new Florascope.Data.SqliteFlorascopeDb(options.Options);
        var user = new User { UserName = "unlucky", Email = "unlucky@example.org", PasswordHash = "x", CreatedUtc = Now.UtcDateTime };
        var e = await Assert.ThrowsAsync<AccountException>(() => AccountStore.SignUpAsync(db, user, Ct));
        Assert.Equal(AccountError.Taken, e.Error);
        Assert.Equal(AccountStore.MaxSignUpAttempts, raced.Calls);
        Assert.False(await db.Users.AnyAsync(Ct));
    }

    private sealed class AlwaysRaced : SaveChangesInterceptor
    {
        public int Calls;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new DbUpdateException("UNIQUE constraint failed (simulated race).");
        }
    }

    private static HttpClient OtherAddressClient(FlorascopeHost host, int lastByte)
    {
        var local = LoopbackClients.Address(lastByte);
        return new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            ConnectCallback = async (context, ct) => new NetworkStream(await LoopbackClients.ConnectAsync(local, context.DnsEndPoint, ct), ownsSocket: true),
        })
        { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
    }

    private static async Task<List<string>> UserNamesAsync(FlorascopeHost host)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>();
        return await db.Users.OrderBy(u => u.UserName).Select(u => u.UserName).ToListAsync(Ct);
    }

    private static async Task<int> CountAsync(FlorascopeHost host, string scope)
    {
        await using var services = host.App.Services.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>();
        return await db.RateCounters.Where(c => c.Scope == scope).SumAsync(c => c.Count, Ct);
    }
}
