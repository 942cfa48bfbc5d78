using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>Two servers on one SQLite file, as two processes of one deployment would run.</summary>
public sealed class TwoSqliteServersFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly List<FlorascopeHost> _hosts = [];

    public IReadOnlyList<FlorascopeHost> Hosts => _hosts;

    public async ValueTask InitializeAsync()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 5, 20, 9, 30, 0, TimeSpan.Zero));
        // One after the other: the first creates the schema, the second finds it.
        for (var i = 0; i < 2; i++) _hosts.Add(await FlorascopeHost.StartAsync(_data.Path, clock));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        _data.Dispose();
    }
}

[Trait("Category", "Slow")]
public sealed class TwoServersTests(TwoSqliteServersFixture fixture) : IClassFixture<TwoSqliteServersFixture>
{
    [Fact]
    public async Task TwoServersOnOneDatabaseNeverOverGrant()
    {
        var (a, b) = (fixture.Hosts[0], fixture.Hosts[1]);
        Assert.NotEqual(a.BaseAddress, b.BaseAddress);
        var key = await a.CreateKeyAsync(quota: 10);

        var statuses = await QuotaRace.RunAsync(fixture.Hosts, key, requests: 16, clients: 16);

        QuotaRace.AssertExactlyGranted(statuses, 10);
        Assert.Equal(10, await a.Client.CountTodayAsync(key));
        Assert.Equal(10, await b.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task AKeyRevokedThroughOneServerIsRefusedByTheOther()
    {
        var (a, b) = (fixture.Hosts[0], fixture.Hosts[1]);
        var key = await b.CreateKeyAsync();
        Assert.Equal(0, await a.Client.CountTodayAsync(key));
        await a.RevokeAsync(key);
        using var response = await b.Client.GetAsync($"v2/quota/daily?api-key={Uri.EscapeDataString(key.Secret)}", TestContext.Current.CancellationToken);
        await response.ErrorAsync(401);
    }
    [Fact]
    public async Task ASignInOnOneServerIsKnownToTheOtherThroughTheKeyRingInTheDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        var (a, b) = (fixture.Hosts[0], fixture.Hosts[1]);
        using var person = new ObservatoryClient(a.BaseAddress);
        Assert.True((await person.SignUpAsync("twonodes", "twonodes@example.org")).IsSuccessStatusCode);
        // The same cookies sent to the other server: its data protection reads the same keys.
        using (var session = await person.Http.GetAsync(new Uri(b.BaseAddress, "/api/account/session"), ct))
            Assert.Equal(System.Net.HttpStatusCode.OK, session.StatusCode);
        await using var scope = b.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync(ct));
    }
}
