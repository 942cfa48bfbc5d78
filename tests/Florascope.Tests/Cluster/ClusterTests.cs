using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Npgsql;

namespace Florascope.Tests.Cluster;

/// <summary>
/// Issue 13's proofs on a real cluster (deploy/cluster.sh: nginx, two nodes as child processes, PostgreSQL and
/// s3rver of its own), all on loopback: a person is served by both nodes, saving is idempotent through the balancer,
/// kill -9 of a node under load loses no idempotent request and leaves no partial observation, a PostgreSQL restart
/// gives quick 503s and recovers by itself, and an object store outage stops saving (503) but not identification.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterTests(LocalCluster cluster) : IClassFixture<LocalCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThroughTheBalancerOnePersonIsServedByBothNodesAndAPhotoSavedOnOneIsServedByTheOther()
    {
        cluster.Require();
        using var person = new ObservatoryClient(cluster.BaseAddress);
        var me = await person.SignedUpAsync("cluster-ana");
        var nodes = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            using var session = await person.Http.GetAsync("api/account/me", Ct);
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            Assert.Equal(me["id"]!.GetValue<int>(), (await session.JsonAsync())["id"]!.GetValue<int>());
            nodes.Add(LocalCluster.Upstream(session));
        }
        // Round robin: the session cookie (keys in the database) is read by both nodes.
        Assert.Equal([cluster.NodeEndpoint(1), cluster.NodeEndpoint(2)], nodes.Order());

        // Each save fetches its anti-forgery token (GET) from one node and posts it to the other (round robin).
        var saved = new List<JsonNode>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await SaveAsync(person, Guid.NewGuid(), photoIndex: i);
            saved.Add(await response.JsonAsync(HttpStatusCode.Created));
        }

        // Each photo, saved through one node, is served by both (the object store is shared).
        foreach (var observation in saved)
        {
            var sha = observation["photos"]![0]!["sha256"]!.GetValue<string>();
            var served = new Dictionary<string, byte[]>();
            for (var i = 0; i < 4; i++)
            {
                using var photo = await person.Http.GetAsync($"api/photos/{sha}?size=s", Ct);
                Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
                served[LocalCluster.Upstream(photo)] = await photo.Content.ReadAsByteArrayAsync(Ct);
            }
            Assert.Equal(2, served.Count);
            Assert.Equal(served.Values.First(), served.Values.Last());
        }
    }

    [Fact]
    public async Task ARetriedSaveThroughTheBalancerGivesTheSameObservation()
    {
        cluster.Require();
        using var person = new ObservatoryClient(cluster.BaseAddress);
        await person.SignedUpAsync("cluster-ben");
        var clientId = Guid.NewGuid();
        using var first = await SaveAsync(person, clientId);
        var created = await first.JsonAsync(HttpStatusCode.Created);
        var nodes = new HashSet<string> { LocalCluster.Upstream(first) };
        for (var i = 0; i < 6 && nodes.Count < 2; i++)
        {
            // A GET in between shifts the round robin, so that a retry reaches the other node.
            if (i % 2 == 1) (await person.Http.GetAsync("api/limits", Ct)).Dispose();
            using var retry = await SaveAsync(person, clientId);
            nodes.Add(LocalCluster.Upstream(retry));
            var again = await retry.JsonAsync(HttpStatusCode.OK);
            Assert.Equal(created["id"]!.GetValue<int>(), again["id"]!.GetValue<int>());
        }
        Assert.Equal(2, nodes.Count);
        Assert.Equal(1, await CountAsync($"""SELECT count(*) FROM observations WHERE "ClientId" = '{clientId}'"""));
    }

    [Fact]
    public async Task KillingANodeUnderLoadLosesNoIdempotentRequestAndLeavesNoPartialObservation()
    {
        cluster.Require();
        using var person = new ObservatoryClient(cluster.BaseAddress);
        await person.SignedUpAsync("cluster-cleo");
        var seed = await (await SaveAsync(person, Guid.NewGuid())).JsonAsync(HttpStatusCode.Created);
        var sha = seed["photos"]![0]!["sha256"]!.GetValue<string>();
        var key = await cluster.CreateKeyAsync();

        var failures = new ConcurrentQueue<string>();
        var clientIds = new ConcurrentBag<Guid>();
        var counts = new ConcurrentDictionary<string, int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        void Count(string what) => counts.AddOrUpdate(what, 1, (_, n) => n + 1);

        async Task Reader()
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var url in new[] { "api/observations?size=5", $"api/photos/{sha}?size=s", "api/account/me" })
                {
                    using var r = await person.Http.GetAsync(url, Ct);
                    Count("get");
                    if (r.StatusCode != HttpStatusCode.OK) failures.Enqueue($"GET {url} -> {(int)r.StatusCode} via {LocalCluster.Upstream(r)}");
                }
            }
        }
        async Task Saver()
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid();
                clientIds.Add(id);
                using var r = await SaveAsync(person, id, photoIndex: i++ % 3);
                Count("save");
                if (r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
                    failures.Enqueue($"save {id} -> {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(Ct)}");
            }
        }
        async Task Identifier()
        {
            var photo = Photos.Plant("Taraxacum_officinale");
            while (!stop.IsCancellationRequested)
            {
                using var r = await person.Http.IdentifyAsync(key, Photos.Form(photo, "leaf"));
                // Identification is not idempotent (quota): nginx never passes it on after sending it, so one that
                // was on the killed node may fail; it must not be a 500.
                Count("identify " + (int)r.StatusCode);
                Assert.NotEqual(HttpStatusCode.InternalServerError, r.StatusCode);
            }
        }

        var load = new[] { Reader(), Reader(), Saver(), Saver(), Identifier() };
        try
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3), Ct);
                await cluster.RunAsync("node-stop", "1", "--kill");
                await Task.Delay(TimeSpan.FromSeconds(6), Ct);
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(load);
            }
            TestContext.Current.TestOutputHelper?.WriteLine("load while node 1 was killed: " + string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}")));
            await AssertNothingLostAsync(person, failures, clientIds, counts);
        }
        finally
        {
            // Leaves the cluster whole for the other tests (a no-op when the node runs).
            await cluster.ScriptAsync("node-start", "1");
        }

        // The killed node rejoins when it starts again: the balancer sends it requests once more.
        Assert.True(await ServedByAsync(person, cluster.NodeEndpoint(1)), "node 1 was not served any request after its restart\n" + cluster.Logs());
    }

    private async Task AssertNothingLostAsync(ObservatoryClient person, ConcurrentQueue<string> failures, ConcurrentBag<Guid> clientIds, ConcurrentDictionary<string, int> counts)
    {
        Assert.True(failures.IsEmpty, string.Join("\n", failures) + "\n" + string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        Assert.True(counts.GetValueOrDefault("save") >= 2, string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));

        // Every save is one observation (a retried one is not doubled), each with its photo rows and files.
        var ids = string.Join(",", clientIds.Select(c => $"'{c}'"));
        Assert.Equal(0, await CountAsync($"""SELECT count(*) FROM (SELECT "ClientId" FROM observations WHERE "ClientId" IN ({ids}) GROUP BY "ClientId" HAVING count(*) > 1) d"""));
        Assert.Equal(0, await CountAsync("""SELECT count(*) FROM observations o WHERE NOT EXISTS (SELECT 1 FROM observation_photos p WHERE p."ObservationId" = o."Id")"""));
        foreach (var photo in await ShasAsync())
        {
            using var r = await person.Http.GetAsync($"api/photos/{photo}?size=s", Ct);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"photo {photo} of a saved observation -> {(int)r.StatusCode}");
        }
    }

    [Fact]
    public async Task WhilePostgresRestartsTheNodesAnswer503AndRecoverByThemselves()
    {
        cluster.Require();
        using var person = new ObservatoryClient(cluster.BaseAddress);
        await person.SignedUpAsync("cluster-dora");
        await cluster.RunAsync("pg-stop");
        try
        {
            using var quick = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            foreach (var node in new[] { 1, 2 })
            {
                using var ready = await quick.GetAsync(new Uri(cluster.NodeAddress(node), "health/ready"), Ct);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                using var live = await quick.GetAsync(new Uri(cluster.NodeAddress(node), "health/live"), Ct);
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
                using var list = await quick.GetAsync(new Uri(cluster.NodeAddress(node), "api/observations"), Ct);
                var body = await list.ErrorAsync(503);
                Assert.Contains("database", body, StringComparison.OrdinalIgnoreCase);
                Assert.True(list.Headers.RetryAfter is not null);
            }
            using var signedIn = await person.Http.GetAsync("api/account/me", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signedIn.StatusCode);
        }
        finally
        {
            await cluster.RunAsync("pg-start");
        }
        // Nothing restarted but the database: each node comes back by itself, the session still valid.
        foreach (var node in new[] { 1, 2 })
            Assert.True(await EventuallyOkAsync(new Uri(cluster.NodeAddress(node), "api/observations")), $"node {node} did not recover\n{cluster.Logs()}");
        using var after = await person.Http.GetAsync("api/account/me", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task WhileTheObjectStoreIsDownSavingAnswers503AndIdentificationGoesOn()
    {
        cluster.Require();
        using var person = new ObservatoryClient(cluster.BaseAddress);
        await person.SignedUpAsync("cluster-eli");
        var key = await cluster.CreateKeyAsync();
        var before = await CountAsync("SELECT count(*) FROM observations");
        await cluster.RunAsync("s3-stop");
        try
        {
            for (var i = 0; i < 2; i++)
            {
                using var save = await SaveAsync(person, Guid.NewGuid(), photoIndex: 4);
                var message = await save.ErrorAsync(503);
                Assert.False(string.IsNullOrWhiteSpace(message));
            }
            Assert.Equal(before, await CountAsync("SELECT count(*) FROM observations"));
            for (var i = 0; i < 2; i++)
            {
                using var identify = await person.Http.IdentifyAsync(key, Photos.Form(Photos.Plant("Taraxacum_officinale"), "leaf"));
                Assert.Equal(HttpStatusCode.OK, identify.StatusCode);
            }
        }
        finally
        {
            await cluster.RunAsync("s3-start");
        }
        using var saved = await SaveAsync(person, Guid.NewGuid(), photoIndex: 4);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
    }

    /// <summary>Saves one photo as an observation, with the client id in the form and in Idempotency-Key (what the app sends).</summary>
    private static async Task<HttpResponseMessage> SaveAsync(ObservatoryClient person, Guid clientId, int photoIndex = 0)
    {
        var (field, _, token) = await person.AntiforgeryAsync();
        using var form = new MultipartFormDataContent();
        var photo = Photos.Plant("Taraxacum_officinale", photoIndex);
        var file = new ByteArrayContent(photo.Data);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "photos", photo.FileName);
        form.Add(new StringContent("Taraxacum officinale"), "taxon");
        form.Add(new StringContent(clientId.ToString()), "clientId");
        form.Add(new StringContent(token), field);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/observations") { Content = form };
        request.Headers.Add("Idempotency-Key", clientId.ToString());
        return await person.Http.SendAsync(request, Ct);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> ShasAsync()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""SELECT DISTINCT "Sha256" FROM observation_photos""", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var shas = new List<string>();
        while (await reader.ReadAsync(Ct)) shas.Add(reader.GetString(0));
        return shas;
    }

    private static async Task<bool> ServedByAsync(ObservatoryClient person, string node)
    {
        for (var i = 0; i < 60; i++)
        {
            using var r = await person.Http.GetAsync("api/limits", Ct);
            if (r.StatusCode == HttpStatusCode.OK && LocalCluster.Upstream(r) == node) return true;
            await Task.Delay(500, Ct);
        }
        return false;
    }

    private static async Task<bool> EventuallyOkAsync(Uri url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < 60; i++)
        {
            try
            {
                using var r = await client.GetAsync(url, Ct);
                if (r.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500, Ct);
        }
        return false;
    }
}
