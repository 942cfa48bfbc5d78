using Florascope.Data.Security;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Accounts;

/// <summary>The sliding 30 days of a session, on a server of its own (its clock is moved).</summary>
[Trait("Category", "Slow")]
public sealed class SessionExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LastSeenIsWrittenEveryFewMinutesAndAnUnusedSessionExpires()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(Start));
        using var client = new ObservatoryClient(host.BaseAddress);
        await client.SignedUpAsync("sleeper");

        async Task<(DateTime LastSeen, DateTime Expires)> RowAsync()
        {
            await using var scope = host.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>();
            var s = await db.UserSessions.AsNoTracking().SingleAsync(x => x.UserId == client.UserId, Ct);
            return (s.LastSeenUtc, s.ExpiresUtc);
        }

        // Requests within the interval write nothing.
        host.Clock.Set(Start + SessionStore.TouchInterval / 2);
        await client.Http.GetJsonAsync("api/account/me");
        Assert.Equal(Start.UtcDateTime, (await RowAsync()).LastSeen);

        // After it, one request slides the session.
        var later = Start + SessionStore.TouchInterval + TimeSpan.FromMinutes(1);
        host.Clock.Set(later);
        await client.Http.GetJsonAsync("api/account/me");
        Assert.Equal((later.UtcDateTime, (later + SessionStore.Lifetime).UtcDateTime), await RowAsync());

        // Unused for longer than the lifetime: over.
        host.Clock.Set(later + SessionStore.Lifetime + TimeSpan.FromMinutes(1));
        using var me = await client.Http.GetAsync("api/account/me", Ct);
        await me.ErrorAsync(401);
    }
}
