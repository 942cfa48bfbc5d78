using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>
/// One server for the test classes that only add keys of their own (contract, errors, listings,
/// CORS, load): starting a server loads the network, so they share it and run one after another.
/// Its clock stands at noon UTC, so the seconds to the quota reset are always 43200.
/// </summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Noon = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _data = new();
    private FlorascopeHost? _host;

    public FlorascopeHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public static Lazy<Checklist> Checklist { get; } = new(() => Florascope.Taxonomy.Checklist.Load(RepoPaths.Checklist));

    public async ValueTask InitializeAsync() => _host = await FlorascopeHost.StartAsync(_data.Path, new FakeClock(Noon));

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServerCollection : ICollectionFixture<SharedServerFixture>
{
    public const string Name = "Shared web server";
}
