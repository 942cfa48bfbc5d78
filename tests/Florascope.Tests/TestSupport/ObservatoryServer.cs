using System.Text.Json.Nodes;
using Florascope.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.TestSupport;

/// <summary>Row counts of the observation tables, to show that a refused request stored nothing.</summary>
public sealed record ObservatoryCounts(int Observations, int Photos, int Identifications, int Users, int PhotoFiles);

/// <summary>
/// One real server (SQLite) for the observatory's HTTP tests, which share it and run one after
/// another: their "nothing was stored" counts need no other test writing meanwhile. The first
/// account (the administrator) is signed up at start, so its admin flag never depends on test order.
/// </summary>
public class ObservatoryServerFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 5, 20, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _data = new();
    private readonly List<ObservatoryClient> _clients = [];
    private FlorascopeHost? _host;
    private int _users;

    public FlorascopeHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public string DataDirectory => _data.Path;

    public string PhotoDirectory => Path.Combine(_data.Path, "photos");

    /// <summary>The first account, signed in.</summary>
    public ObservatoryClient Admin { get; private set; } = null!;

    /// <summary>The sign-up answer of the first account.</summary>
    public JsonNode AdminAccount { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await FlorascopeHost.StartAsync(_data.Path, new FakeClock(Now));
        Admin = NewClient();
        AdminAccount = await Admin.SignedUpAsync("admin");
    }

    /// <summary>A client of its own, signed out, disposed with the fixture.</summary>
    public ObservatoryClient NewClient()
    {
        var client = new ObservatoryClient(Host.BaseAddress);
        _clients.Add(client);
        return client;
    }

    /// <summary>A fresh account with a unique name (prefix + number), signed in.</summary>
    public async Task<ObservatoryClient> NewUserAsync(string prefix = "user")
    {
        var client = NewClient();
        await client.SignedUpAsync($"{prefix}{Interlocked.Increment(ref _users)}");
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<FlorascopeDb, Task<T>> work)
    {
        await using var scope = Host.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<FlorascopeDb>());
    }

    public Task<ObservatoryCounts> CountsAsync() => WithDbAsync(async db =>
    {
        var ct = TestContext.Current.CancellationToken;
        return new ObservatoryCounts(await db.Observations.CountAsync(ct), await db.ObservationPhotos.CountAsync(ct),
            await db.Identifications.CountAsync(ct), await db.Users.CountAsync(ct), PhotoFiles().Count);
    });

    /// <summary>Every file under the data directory's photos/ (temporary ones included).</summary>
    public IReadOnlyList<string> PhotoFiles() =>
        Directory.Exists(PhotoDirectory) ? [.. Directory.EnumerateFiles(PhotoDirectory, "*", SearchOption.AllDirectories)] : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ObservatoryServerCollection : ICollectionFixture<ObservatoryServerFixture>
{
    public const string Name = "Observatory server";
}
