using System.Globalization;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.TestSupport;

/// <summary>An API key made for a test: its secret goes in the query string.</summary>
public sealed record TestKey(int Id, string Secret, int Quota);

/// <summary>
/// The real server (FlorascopeServer.Build) listening on a free loopback port, with a fake clock.
/// Requests go over real HTTP: what a client sees is what is tested.
/// </summary>
public sealed class FlorascopeHost : IAsyncDisposable
{
    private FlorascopeHost(WebApplication app, FakeClock clock, Uri baseAddress)
    {
        App = app;
        Clock = clock;
        BaseAddress = baseAddress;
        // Long enough for a slow machine running the network; a hung request still ends the test.
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public WebApplication App { get; }

    public FakeClock Clock { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <param name="settings">Configuration added over the defaults (e.g. the PostgreSQL mode).</param>
    /// <param name="services">Services added over the server's own (e.g. a test's open-data archive builder).</param>
    public static async Task<FlorascopeHost> StartAsync(string dataDirectory, FakeClock clock, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Florascope:DataDirectory"] = dataDirectory,
            ["Florascope:ModelDirectory"] = RepoPaths.ModelBundle,
            ["Florascope:ImageDirectory"] = RepoPaths.Data,
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests run the revision batch themselves when they need it.
            ["Florascope:Revision:BatchIntervalMinutes"] = "0",
            // Tests sign up many accounts from 127.0.0.1; SignUpThrottleTests sets the limit it tests.
            ["Florascope:SignIn:SignUpsPerAddressPerDay"] = "100000",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var app = FlorascopeServer.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(clock);
            services?.Invoke(b.Services);
        });
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        // Port 0: Kestrel replaces it with the port it bound.
        var address = app.Urls.Single();
        return new FlorascopeHost(app, clock, new Uri(address.TrimEnd('/') + "/"));
    }

    public async Task<TestKey> CreateKeyAsync(int quota = ApiKeyStore.DefaultDailyQuota, string name = "tests")
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var (key, secret) = await ApiKeyStore.CreateAsync(db, name, quota, Clock, TestContext.Current.CancellationToken);
        return new TestKey(key.Id, secret, quota);
    }

    public async Task RevokeAsync(TestKey key)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        Assert.True(await ApiKeyStore.RevokeAsync(db, key.Id.ToString(CultureInfo.InvariantCulture), Clock, TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await App.StopAsync(CancellationToken.None);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
