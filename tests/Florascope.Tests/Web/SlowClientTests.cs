using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Tests.TestSupport;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Web;

/// <summary>
/// Issue 9, section 2: slow clients cannot take the identification service. Bodies are received in
/// full before a request may queue for inference; bodies slower than the minimum rate are dropped;
/// one address holds at most its cap of requests; used-up callers are refused before their body is
/// read. Clients use their own loopback addresses (127.0.0.2 and up); every wait is bounded.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SlowClientTests : IAsyncLifetime
{
    private const int Tricklers = 40;
    private const int Normal = 20;
    private const int PerAddressCap = 16; // the documented default of Florascope:Clients:ConcurrentRequestsPerAddress
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();
    private FlorascopeHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await FlorascopeHost.StartAsync(_dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:SignedInDailyIdentifications"] = "2" });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private static void Print(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task FortyTricklingClientsAreDroppedWhileTwentyNormalIdentificationsSucceed()
    {
        var clock = Stopwatch.StartNew();
        var intake = _host.App.Services.GetRequiredService<BodyIntake>();
        // Like a real attacker, each of the 40 addresses reconnects when dropped, until the normal
        // requests are done: the attack lasts as long as they do, however busy the machine is.
        using var stop = new CancellationTokenSource();
        var attack = Enumerable.Range(2, Tricklers).Select(n => TrickleFromAsync(LoopbackClients.Address(n), stop.Token)).ToArray();
        List<HttpStatusCode> statuses;
        List<double> latencies;
        TimeSpan normalDone;
        int stillReceiving;
        try
        {
            // The attack is under way: every trickler has sent its head and is sending its body.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            (statuses, latencies) = await NormalIdentificationsAsync();
            normalDone = clock.Elapsed;
            // When the last normal answer has arrived, the bodies the server is still receiving: every one is a trickler's now.
            stillReceiving = intake.InFlight;
        }
        finally
        {
            stop.Cancel();
        }
        var connections = (await Task.WhenAll(attack)).SelectMany(c => c).ToList();

        var first = connections.Where(c => c.Round == 0).Select(c => c.Outcome).Where(o => o.Dropped).OrderBy(o => o.After).ToList();
        latencies.Sort();
        Print($"{Tricklers} tricklers at 1 KB/s, each declaring 10 MB: {first.Count} dropped, between {first.FirstOrDefault()?.After.TotalSeconds:F1} s " +
            $"and {first.LastOrDefault()?.After.TotalSeconds:F1} s after they started sending, having sent {first.Select(o => o.BytesSent).DefaultIfEmpty().Min()}-{first.Select(o => o.BytesSent).DefaultIfEmpty().Max()} bytes; " +
            $"answers: {string.Join(", ", first.GroupBy(o => o.Status?.ToString(CultureInfo.InvariantCulture) ?? "closed").Select(g => $"{g.Key} x{g.Count()}"))}; " +
            $"{connections.Count} trickling connections in all, {connections.Count(c => c.Outcome.Dropped)} dropped");
        Print($"{Normal} normal identifications meanwhile (4 at a time): {statuses.Count(s => s == HttpStatusCode.OK)} answered 200; latency " +
            $"min {latencies[0]:F0} ms, median {latencies[latencies.Count / 2]:F0} ms, max {latencies[^1]:F0} ms; all done {normalDone.TotalSeconds:F1} s after the attack began, " +
            $"when the server was still receiving {stillReceiving} trickling bodies");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        // They were answered during the attack, not after it: when the last one had its answer, trickling
        // bodies were still arriving (an order of events, not a duration).
        Assert.True(stillReceiving > 0, $"no trickling body was left when the last normal identification was answered ({normalDone.TotalSeconds:F1} s)");
        // Every trickling connection was dropped by the server (answered or disconnected), none ran out its 40 s.
        Assert.Equal(Tricklers, first.Count);
        Assert.All(connections, c => Assert.True(c.Outcome.Dropped));

        // The service still answers afterwards.
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
    }

    /// <summary>One attacking address: trickles a 10 MB body at 1 KB/s and reconnects when dropped, until <paramref name="stop"/>.</summary>
    private async Task<List<(int Round, TrickleOutcome Outcome)>> TrickleFromAsync(IPAddress address, CancellationToken stop)
    {
        var connections = new List<(int Round, TrickleOutcome Outcome)>();
        do
        {
            using var trickler = await Trickler.StartAsync(address, _host.BaseAddress, "/api/identify/all", 10 * 1024 * 1024, Ct);
            var outcome = await trickler.RunAsync(1024, TimeSpan.FromSeconds(40), Ct);
            connections.Add((connections.Count, outcome));
            if (!outcome.Dropped) break;
        }
        while (!stop.IsCancellationRequested);
        return connections;
    }

    private async Task<(List<HttpStatusCode> Statuses, List<double> Latencies)> NormalIdentificationsAsync()
    {
        string[] taxa = ["Helianthus_annuus", "Zea_mays", "Acer_campestre", "Beta_vulgaris", "Capsella_bursa-pastoris"];
        var photos = taxa.Select(t => Photos.Plant(t)).ToArray();
        var statuses = new List<HttpStatusCode>();
        var latencies = new List<double>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var i && i < Normal)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await _host.Client.PostAsync("/api/identify/all", Photos.Form(photos[i % photos.Length]), Ct);
                await response.Content.ReadAsByteArrayAsync(Ct);
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }));
        return (statuses, latencies);
    }

    [Fact]
    public async Task OneAddressOverItsConcurrentRequestCapIsAnswered429()
    {
        // A server of its own where one address may send as many bodies at once as it may make requests,
        // so that slow bodies hold all its request permits (by default it gets its share of 4 body slots first).
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:Clients:BodiesPerAddress"] = PerAddressCap.ToString(CultureInfo.InvariantCulture) });
        var crowded = LoopbackClients.Address(200);
        var holders = await Task.WhenAll(Enumerable.Range(0, PerAddressCap).Select(_ =>
            Trickler.StartAsync(crowded, host.BaseAddress, "/api/identify/all", 10 * 1024 * 1024, Ct)));
        try
        {
            var runs = holders.Select(t => t.RunAsync(1024, TimeSpan.FromSeconds(40), Ct)).ToArray();
            // All holders are receiving their bodies (so each holds its permit) before the first probe.
            var intake = host.App.Services.GetRequiredService<BodyIntake>();
            for (var wait = 0; wait < 250 && intake.InFlight < PerAddressCap; wait++) await Task.Delay(20, Ct);
            Assert.Equal(PerAddressCap, intake.InFlight);
            using var client = LoopbackClients.From(crowded, host.BaseAddress);
            // A cheap probe (not multipart: 400 when let in).
            HttpResponseMessage? refused = null;
            for (var attempt = 0; attempt < 5 && refused is null; attempt++)
            {
                var probe = await client.PostAsync("/api/identify/all", new StringContent("not a form"), Ct);
                if (probe.StatusCode == HttpStatusCode.TooManyRequests) refused = probe;
                else
                {
                    Assert.Equal(HttpStatusCode.BadRequest, probe.StatusCode);
                    probe.Dispose();
                    await Task.Delay(100, Ct);
                }
            }
            Assert.NotNull(refused);
            var message = await refused.ErrorAsync(429);
            Assert.Contains($"{PerAddressCap} requests at once", message, StringComparison.Ordinal);
            Assert.Equal("1", refused.Header("Retry-After"));
            Print($"address {crowded}: request {PerAddressCap + 1} answered 429 (\"{message}\")");

            // The same endpoint for saving observations shares the cap; other addresses are not affected.
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/api/observations", new StringContent(""), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);

            Assert.All(await Task.WhenAll(runs), o => Assert.True(o.Dropped));
            // Once its requests have ended, the address is served again.
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
        }
        finally
        {
            foreach (var t in holders) t.Dispose();
        }
    }

    [Fact]
    public async Task OneAddressGetsItsShareOfBodySlotsThen429BeforeItsBodyIsRead()
    {
        var crowded = LoopbackClients.Address(230);
        var intake = _host.App.Services.GetRequiredService<BodyIntake>();
        var share = new ClientLimitOptions().BodiesPerAddress;
        var holders = await Task.WhenAll(Enumerable.Range(0, share).Select(_ =>
            Trickler.StartAsync(crowded, _host.BaseAddress, "/api/identify/all", 10 * 1024 * 1024, Ct)));
        try
        {
            for (var wait = 0; wait < 250 && intake.InFlightFrom(crowded.ToString()) < share; wait++) await Task.Delay(20, Ct);
            Assert.Equal(share, intake.InFlightFrom(crowded.ToString()));

            // One more slow upload from that address: answered 429 while it has sent only its head.
            using (var over = await Trickler.StartAsync(crowded, _host.BaseAddress, "/api/identify/all", 10 * 1024 * 1024, Ct))
                Assert.Equal(429, await over.AnswerAsync(TimeSpan.FromSeconds(20), Ct));
            using var client = LoopbackClients.From(crowded, _host.BaseAddress);
            using (var refused = await client.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct))
            {
                Assert.Contains($"At most {share} uploads at once from one address", await refused.ErrorAsync(429), StringComparison.Ordinal);
                Assert.Equal("1", refused.Header("Retry-After"));
            }
            Print($"address {crowded}: {share} slow bodies held, the next upload answered 429 before its body was read");

            // Another address is served meanwhile.
            using var other = LoopbackClients.From(LoopbackClients.Address(231), _host.BaseAddress);
            Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
        }
        finally
        {
            foreach (var t in holders) t.Dispose();
        }

        // Once its slow bodies are gone (the connections closed), the address is served again.
        for (var wait = 0; wait < 250 && intake.InFlightFrom(crowded.ToString()) > 0; wait++) await Task.Delay(20, Ct);
        using var again = LoopbackClients.From(crowded, _host.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await again.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
    }

    [Fact]
    public async Task BodiesInFlightAreCappedAndABodyNotCompleteInTimeIs408()
    {
        // A server of its own with one body slot and a 5 s deadline, so that the test stays short.
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:Clients:BodiesInFlight"] = "1", ["Florascope:Clients:BodySeconds"] = "5" });
        // Warm up first (the first identification loads the network), so that the probes below are quick.
        using var other = LoopbackClients.From(LoopbackClients.Address(221), host.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
        using var steady = await Trickler.StartAsync(LoopbackClients.Address(220), host.BaseAddress, "/api/identify/all", 10 * 1024 * 1024, Ct);
        // 40 KB/s: fast enough for the minimum rate, far too slow for 10 MB in 5 s.
        var run = steady.RunAsync(40 * 1024, TimeSpan.FromSeconds(30), Ct);
        // The slow body takes the slot before any probe (else a probe could hold it and the slow body get the 503).
        var intake = host.App.Services.GetRequiredService<BodyIntake>();
        for (var wait = 0; wait < 100 && intake.InFlight == 0; wait++) await Task.Delay(20, Ct);
        Assert.Equal(1, intake.InFlight);

        // While it holds the only body slot, another upload is refused at once.
        using var busy = await other.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct);
        Assert.Contains("uploads", await busy.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal("2", busy.Header("Retry-After"));

        var outcome = await run;
        Print($"a body at 40 KB/s with a 5 s deadline: dropped {outcome.Dropped} after {outcome.After.TotalSeconds:F1} s, status {outcome.Status}, {outcome.BytesSent} bytes sent");
        Assert.True(outcome.Dropped);
        Assert.Equal(408, outcome.Status);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
    }

    [Fact]
    public async Task UsedUpKeysAndAddressesGet429BeforeTheirBodyIsRead()
    {
        // A key with its quota used up: the 429 comes while the 10 MB body has not been sent.
        var key = await _host.CreateKeyAsync(quota: 1);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Zea_mays")))).StatusCode);
        using (var slow = await Trickler.StartAsync(LoopbackClients.Address(210), _host.BaseAddress, ApiCalls.IdentifyUrl(key).Insert(0, "/"), 10 * 1024 * 1024, Ct))
            Assert.Equal(429, await slow.AnswerAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.Equal(1, await _host.Client.CountTodayAsync(key));

        // An address whose anonymous identifications are used up today.
        var used = LoopbackClients.Address(211);
        await using (var scope = _host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var hash = scope.ServiceProvider.GetRequiredService<AddressSalt>().Hash(used.ToString());
            while (await QuotaStore.TryConsumeAddressAsync(db, hash, 50, QuotaStore.Today(_host.Clock), Ct) is not null) { }
        }
        using (var slow = await Trickler.StartAsync(used, _host.BaseAddress, "/api/identify/all", 10 * 1024 * 1024, Ct))
            Assert.Equal(429, await slow.AnswerAsync(TimeSpan.FromSeconds(20), Ct));
    }

    [Fact]
    public async Task HugeOrTooManyOrganFieldsAre400()
    {
        var photo = Photos.Plant("Zea_mays");
        using (var huge = Photos.Form([photo], [new string('x', 1024 * 1024)]))
            Assert.Contains("An organ is one of", await (await _host.Client.PostAsync("/api/identify/all", huge, Ct)).ErrorAsync(400), StringComparison.Ordinal);
        using var many = Photos.Form([photo]);
        for (var i = 0; i < 1000; i++) many.Add(new StringContent("leaf"), "organs");
        Assert.Contains("Too many organs", await (await _host.Client.PostAsync("/api/identify/all", many, Ct)).ErrorAsync(400), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedInIdentificationsHaveADailyLimitPerAccount()
    {
        using var user = new ObservatoryClient(_host.BaseAddress);
        Assert.True((await user.SignUpAsync("daily", "daily@example.org")).IsSuccessStatusCode);
        var photo = Photos.Form(Photos.Plant("Helianthus_annuus"));

        // Refused input does not count.
        var bad = await user.Http.PostAsync("/api/identify/all", Photos.Form(Photos.Made("notes.jpg", "not an image"u8.ToArray())), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        for (var remaining = 1; remaining >= 0; remaining--)
        {
            var ok = await user.Http.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
            Assert.Equal(remaining, (await ok.JsonAsync())["remainingIdentificationRequests"]!.GetValue<int>());
        }
        var refused = await user.Http.PostAsync("/api/identify/all", photo, Ct);
        var message = await refused.ErrorAsync(429);
        Assert.Contains("2 identifications a day of your account", message, StringComparison.Ordinal);
        Assert.Equal("43200", refused.Header("Retry-After"));

        // Other accounts and anonymous use are counted apart; the next UTC day starts again.
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
        _host.Clock.Set(new DateTimeOffset(2026, 6, 2, 0, 0, 1, TimeSpan.Zero));
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync("/api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct)).StatusCode);
        _host.Clock.Set(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    }
}
