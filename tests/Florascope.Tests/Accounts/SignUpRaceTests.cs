using System.Net;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Accounts;

/// <summary>
/// Concurrent sign-ups on a fresh database, on SQLite and on PostgreSQL: exactly one founder
/// (administrator), and one name taken once, the others answered 409, never 500.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SignUpRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TenSimultaneousSignUpsMakeOneAdministrator(string provider)
    {
        await using var server = await RaceServer.StartAsync(provider);
        var statuses = await SignUpAllAsync(server.Host, Enumerable.Range(0, 10).Select(i => ($"racer{i}", $"racer{i}@example.org")).ToList());

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.Single(statuses, s => s.IsAdmin);
        var (admins, founders, users) = await server.WithDbAsync(async db =>
            (await db.Users.CountAsync(u => u.IsAdmin, Ct), await db.Users.CountAsync(u => u.IsFounder, Ct), await db.Users.CountAsync(Ct)));
        Assert.Equal((1, 1, 10), (admins, founders, users));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwentySimultaneousSignUpsWithOneNameGiveOneAccountAndConflicts(string provider)
    {
        await using var server = await RaceServer.StartAsync(provider);
        var statuses = await SignUpAllAsync(server.Host, Enumerable.Range(0, 20).Select(i => ("same-name", $"same{i}@example.org")).ToList());

        Assert.Single(statuses, s => s.Status == HttpStatusCode.OK);
        Assert.Equal(19, statuses.Count(s => s.Status == HttpStatusCode.Conflict));
        Assert.Equal(1, await server.WithDbAsync(db => db.Users.CountAsync(Ct)));
        // The same e-mail under twenty names races the same way.
        var byEmail = await SignUpAllAsync(server.Host, Enumerable.Range(0, 20).Select(i => ($"mail{i}", "shared@example.org")).ToList());
        Assert.Single(byEmail, s => s.Status == HttpStatusCode.OK);
        Assert.Equal(19, byEmail.Count(s => s.Status == HttpStatusCode.Conflict));
    }

    private sealed record Outcome(HttpStatusCode Status, bool IsAdmin);

    /// <summary>Tokens first, then every sign-up sent at once.</summary>
    private static async Task<List<Outcome>> SignUpAllAsync(FlorascopeHost host, IReadOnlyList<(string Name, string Email)> accounts)
    {
        var clients = accounts.Select(_ => new ObservatoryClient(host.BaseAddress)).ToList();
        try
        {
            var tokens = await Task.WhenAll(clients.Select(c => c.AntiforgeryAsync()));
            using var start = new ManualResetEventSlim(false);
            var posts = clients.Select((c, i) => Task.Run(async () =>
            {
                start.Wait(Ct);
                using var form = new FormUrlEncodedContent([new("userName", accounts[i].Name), new("email", accounts[i].Email),
                    new("password", ObservatoryClient.Password), new(tokens[i].Field, tokens[i].Token)]);
                using var response = await c.Http.PostAsync("api/account/signup", form, Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {text}");
                if (response.StatusCode != HttpStatusCode.OK) await response.ErrorAsync(409, "Conflict");
                return new Outcome(response.StatusCode, response.StatusCode == HttpStatusCode.OK
                    && System.Text.Json.Nodes.JsonNode.Parse(text)!["isAdmin"]!.GetValue<bool>());
            }, Ct)).ToList();
            start.Set();
            return [.. await Task.WhenAll(posts)];
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>A server on a fresh database of the provider (PostgreSQL: skipped or failed by the rule of <see cref="Postgres"/>).</summary>
    private sealed class RaceServer : IAsyncDisposable
    {
        private readonly TempDirectory _dir;
        private readonly PostgresDatabase? _database;

        private RaceServer(TempDirectory dir, PostgresDatabase? database, FlorascopeHost host)
        {
            _dir = dir;
            _database = database;
            Host = host;
        }

        public FlorascopeHost Host { get; }

        public static async Task<RaceServer> StartAsync(string provider)
        {
            var admin = provider == "postgres" ? Postgres.Require() : null;
            var dir = new TempDirectory();
            var database = admin is null ? null : await PostgresDatabase.CreateAsync(admin, Ct);
            var settings = database is null ? null : new Dictionary<string, string?>
            {
                ["Florascope:Database"] = "postgres",
                ["ConnectionStrings:Florascope"] = database.ConnectionString,
            };
            var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)), settings);
            return new RaceServer(dir, database, host);
        }

        public async Task<T> WithDbAsync<T>(Func<Florascope.Data.FlorascopeDb, Task<T>> work)
        {
            await using var scope = Host.App.Services.CreateAsyncScope();
            return await work(scope.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>());
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            if (_database is not null) await _database.DisposeAsync();
            _dir.Dispose();
        }
    }
}
