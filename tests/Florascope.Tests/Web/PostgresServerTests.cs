using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>
/// Two servers in PostgreSQL mode on a database of their own. Nothing is started without
/// FLORASCOPE_TEST_POSTGRES; the tests then skip or fail by the rule of <see cref="Postgres"/>.
/// </summary>
public sealed class PostgresServersFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly List<FlorascopeHost> _hosts = [];
    private PostgresDatabase? _database;

    public IReadOnlyList<FlorascopeHost> Hosts => _hosts;

    public async ValueTask InitializeAsync()
    {
        if (Postgres.ConnectionString is not { } admin) return;
        _database = await PostgresDatabase.CreateAsync(admin, TestContext.Current.CancellationToken);
        var settings = new Dictionary<string, string?>
        {
            ["Florascope:Database"] = "postgres",
            ["ConnectionStrings:Florascope"] = _database.ConnectionString,
        };
        var clock = new FakeClock(new DateTimeOffset(2026, 7, 1, 18, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < 2; i++) _hosts.Add(await FlorascopeHost.StartAsync(_data.Path, clock, settings));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        _data.Dispose();
    }
}

[Trait("Category", "Slow")]
public sealed class PostgresServerTests(PostgresServersFixture fixture) : IClassFixture<PostgresServersFixture>
{
    private IReadOnlyList<FlorascopeHost> Hosts
    {
        get
        {
            Postgres.Require();
            return fixture.Hosts;
        }
    }

    [Fact]
    public async Task IdentifyFollowsTheContract()
    {
        var host = Hosts[0];
        var key = await host.CreateKeyAsync(quota: 3);
        var photo = Photos.Plant("Taraxacum_officinale");

        using var response = await host.Client.IdentifyAsync(key, Photos.Form(photo, "auto"), query: "lang=fr&nb-results=3");
        var body = await response.JsonAsync();

        Assert.Equal("Taraxacum officinale F.H.Wigg.", body["bestMatch"]!.GetValue<string>());
        Assert.Equal(3, body["results"]!.AsArray().Count);
        Assert.Equal("pissenlit", body["results"]![0]!["species"]!["commonNames"]![0]!.GetValue<string>());
        Assert.Equal("5394163", body["results"]![0]!["gbif"]!["id"]!.GetValue<string>());
        Assert.Equal(2, body["remainingIdentificationRequests"]!.GetValue<int>());
        // 18:00 UTC: six hours to the reset.
        Assert.Equal("\"dailyQuota\";q=3;w=86400", response.Header("RateLimit-Policy"));
        Assert.Equal("\"dailyQuota\";r=2;t=21600", response.Header("RateLimit"));

        var history = (await host.Client.GetJsonAsync($"v2/quota/history?api-key={Uri.EscapeDataString(key.Secret)}")).AsArray();
        Assert.Equal([("2026-07-01", 1)], history.Select(h => (h!["day"]!.GetValue<string>(), h["count"]!.GetValue<int>())));

        await host.RevokeAsync(key);
        using var revoked = await host.Client.IdentifyAsync(key, Photos.Form(photo, "auto"));
        await revoked.ErrorAsync(401);
    }

    [Fact]
    public async Task TwoServersOnOneDatabaseNeverOverGrant()
    {
        var hosts = Hosts;
        var key = await hosts[0].CreateKeyAsync(quota: 10);

        var statuses = await QuotaRace.RunAsync(hosts, key, requests: 16, clients: 16);

        QuotaRace.AssertExactlyGranted(statuses, 10);
        Assert.Equal(10, await hosts[1].Client.CountTodayAsync(key));
    }
}
