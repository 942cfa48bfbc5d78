using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Observatory;

/// <summary>
/// POST /api/observations with a client-made id: a retry (the offline outbox, a timeout, a node that
/// died before answering) gets the observation already saved, never a second one.
/// </summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class IdempotentSaveTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Photo Dandelion(int i = 0) => Photos.Plant("Taraxacum_officinale", i);

    [Fact]
    public async Task ARetryWithTheSameClientIdGetsTheSavedObservationAndStoresNothing()
    {
        using var author = await fixture.NewUserAsync("retrier");
        var clientId = Guid.NewGuid().ToString();
        using var first = await author.CreateAsync([Dandelion(0)], fields: [new("taxon", "Taraxacum officinale"), new("notes", "First."), new("clientId", clientId)]);
        var created = await first.JsonAsync(HttpStatusCode.Created);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var id = created["id"]!.GetValue<int>();
        var rows = await RowsOfAsync(author.UserId);

        // The same id with other content (a retry never differs, so the stored one is the answer).
        using var again = await author.CreateAsync([Dandelion(1)], fields: [new("notes", "Second."), new("clientId", clientId)]);
        var replayed = await again.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Equal($"/api/observations/{id}", again.Headers.Location?.OriginalString);
        Assert.Equal(id, replayed["id"]!.GetValue<int>());
        Assert.Equal("First.", replayed["notes"]!.GetValue<string>());
        Assert.Equal(created.ToJsonString(), replayed.ToJsonString());

        // The header names the same save when the field is absent.
        using var byHeader = await PostAsync(author, [Dandelion(0)], [], clientId);
        Assert.Equal(id, (await byHeader.JsonAsync(HttpStatusCode.OK))["id"]!.GetValue<int>());
        Assert.Equal("true", byHeader.Header("Idempotent-Replayed"));
        Assert.Equal(rows, await RowsOfAsync(author.UserId));
    }

    [Fact]
    public async Task TheFieldWinsOverTheHeaderAndNoIdMeansANewObservationEachTime()
    {
        using var author = await fixture.NewUserAsync("fieldwins");
        var field = Guid.NewGuid().ToString();
        using var first = await PostAsync(author, [Dandelion(0)], [new("clientId", field)], idempotencyKey: Guid.NewGuid().ToString());
        var id = (await first.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        using var second = await PostAsync(author, [Dandelion(0)], [new("clientId", field)], idempotencyKey: Guid.NewGuid().ToString());
        Assert.Equal(id, (await second.JsonAsync(HttpStatusCode.OK))["id"]!.GetValue<int>());

        var a = await author.CreatedAsync();
        var b = await author.CreatedAsync();
        Assert.NotEqual(a["id"]!.GetValue<int>(), b["id"]!.GetValue<int>());
        Assert.Equal((3, 3, 3), await RowsOfAsync(author.UserId));
    }

    [Fact]
    public async Task AnotherAuthorsSameClientIdIsAnotherObservation()
    {
        using var one = await fixture.NewUserAsync("twin");
        using var two = await fixture.NewUserAsync("twin");
        var clientId = Guid.NewGuid().ToString();
        var first = await one.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("clientId", clientId)]);
        var second = await two.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("clientId", clientId)]);
        Assert.NotEqual(first["id"]!.GetValue<int>(), second["id"]!.GetValue<int>());
        Assert.Equal(two.UserId, second["authorId"]!.GetValue<int>());
        Assert.Equal((1, 1, 1), await RowsOfAsync(one.UserId));
        Assert.Equal((1, 1, 1), await RowsOfAsync(two.UserId));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("0b8f3c527d1e4a8e9d553f2a1c6e9b10")]
    [InlineData("{0b8f3c52-7d1e-4a8e-9d55-3f2a1c6e9b10}")]
    [InlineData("0b8f3c52-7d1e-4a8e-9d55-3f2a1c6e9b1")]
    public async Task AClientIdThatIsNotAUuidIsRefusedAndNothingIsStored(string bad)
    {
        using var author = await fixture.NewUserAsync("badid");
        using var byField = await author.CreateAsync([Dandelion()], fields: [new("clientId", bad)]);
        Assert.Contains("clientId", await byField.ErrorAsync(400), StringComparison.Ordinal);
        using var byHeader = await PostAsync(author, [Dandelion()], [], idempotencyKey: bad);
        Assert.Contains("clientId", await byHeader.ErrorAsync(400), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await RowsOfAsync(author.UserId));

        // In the request's language, like every message of the API.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/observations") { Content = await FormAsync(author, [Dandelion()], [new("clientId", bad)]) };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr"));
        using var french = await author.Http.SendAsync(request, Ct);
        Assert.StartsWith("clientId doit être un UUID", await french.ErrorAsync(400), StringComparison.Ordinal);
    }

    /// <summary>The author's observations, photo rows and identifications.</summary>
    private Task<(int Observations, int Photos, int Identifications)> RowsOfAsync(int author) => fixture.WithDbAsync(async db =>
        (await db.Observations.CountAsync(o => o.AuthorId == author, Ct),
         await db.ObservationPhotos.CountAsync(p => db.Observations.Any(o => o.Id == p.ObservationId && o.AuthorId == author), Ct),
         await db.Identifications.CountAsync(i => db.Observations.Any(o => o.Id == i.ObservationId && o.AuthorId == author), Ct)));

    /// <summary>POST /api/observations with an Idempotency-Key header (when given) beside the form.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(ObservatoryClient client, IReadOnlyList<Photo> photos,
        IEnumerable<KeyValuePair<string, string>> fields, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/observations") { Content = await FormAsync(client, photos, fields) };
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return await client.Http.SendAsync(request, Ct);
    }

    internal static async Task<MultipartFormDataContent> FormAsync(ObservatoryClient client, IReadOnlyList<Photo> photos, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var p in photos) form.Add(new ByteArrayContent(p.Data) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "photos", p.FileName);
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        var (field, _, token) = await client.AntiforgeryAsync();
        form.Add(new StringContent(token), field);
        return form;
    }
}

/// <summary>Ten saves of one client id at once, on each database: the unique index keeps one row, and every answer names it.</summary>
[Trait("Category", "Slow")]
public sealed class IdempotentSaveRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TenConcurrentSavesOfOneClientIdMakeOneObservation(string provider)
    {
        var admin = provider == "postgres" ? Postgres.Require() : null;
        using var dir = new TempDirectory();
        await using var database = admin is null ? null : await PostgresDatabase.CreateAsync(admin, Ct);
        var settings = new Dictionary<string, string?>
        {
            // Ten bodies at once from 127.0.0.1: above the default per-address cap of four.
            ["Florascope:Clients:BodiesPerAddress"] = "16",
        };
        if (database is not null) (settings["Florascope:Database"], settings["ConnectionStrings:Florascope"]) = ("postgres", database.ConnectionString);
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)), settings);
        using var author = new ObservatoryClient(host.BaseAddress);
        await author.SignedUpAsync("racer");
        var clientId = Guid.NewGuid().ToString();
        var photo = Photos.Plant("Taraxacum_officinale");
        var forms = new List<MultipartFormDataContent>();
        for (var i = 0; i < 10; i++)
            forms.Add(await IdempotentSaveTests.FormAsync(author, [photo], [new("taxon", "Taraxacum officinale"), new("clientId", clientId)]));

        var responses = await Task.WhenAll(forms.Select(f => author.Http.PostAsync("api/observations", f, Ct)));
        var answers = new List<(HttpStatusCode Status, int Id)>();
        foreach (var r in responses)
        {
            using (r)
            {
                var body = await r.JsonAsync(r.StatusCode == HttpStatusCode.Created ? HttpStatusCode.Created : HttpStatusCode.OK);
                answers.Add((r.StatusCode, body["id"]!.GetValue<int>()));
            }
        }
        foreach (var f in forms) f.Dispose();

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Single(answers.Select(a => a.Id).Distinct());
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Florascope.Data.FlorascopeDb>();
        Assert.Equal(1, await db.Observations.CountAsync(Ct));
        Assert.Equal(1, await db.ObservationPhotos.CountAsync(Ct));
        Assert.Equal(1, await db.Identifications.CountAsync(Ct));
        // The model ran for each twin that got that far, but the account's daily identifications count the one observation made.
        Assert.Equal(1, await Florascope.Data.Security.AccountIdentifications.UsedAsync(db, author.UserId, host.Clock.GetUtcNow().UtcDateTime, Ct));
    }
}
