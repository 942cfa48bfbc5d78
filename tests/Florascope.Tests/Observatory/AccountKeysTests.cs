using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Observatory;

/// <summary>API keys belong to accounts: a person creates, uses and revokes their own, and nobody else's.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class AccountKeysTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APersonCreatesUsesAndRevokesTheirOwnKeysOnly()
    {
        using var owner = await fixture.NewUserAsync("keyowner");
        using var other = await fixture.NewUserAsync("keyother");

        var refused = await owner.PostFormAsync("/api/account/keys", [new("name", "no token")], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var created = await owner.PostFormAsync("/api/account/keys", [new("name", "my field app")]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;
        var secret = body["secret"]!.GetValue<string>();
        var id = body["key"]!["id"]!.GetValue<int>();

        // The key works on the v2 API and its use shows on the profile.
        using var identify = await fixture.Host.Client.PostAsync($"/v2/identify/all?api-key={Uri.EscapeDataString(secret)}",
            Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
        Assert.Equal(HttpStatusCode.OK, identify.StatusCode);
        var listed = JsonNode.Parse(await owner.Http.GetStringAsync("/api/account/keys", Ct))!.AsArray();
        Assert.Equal(1, listed.Single(k => k!["id"]!.GetValue<int>() == id)!["usedToday"]!.GetValue<int>());
        Assert.DoesNotContain(secret, listed.ToJsonString(), StringComparison.Ordinal);

        // Another person neither sees nor revokes it.
        Assert.Empty(JsonNode.Parse(await other.Http.GetStringAsync("/api/account/keys", Ct))!.AsArray());
        var (_, header, token) = await other.AntiforgeryAsync();
        using var steal = new HttpRequestMessage(HttpMethod.Delete, $"/api/account/keys/{id}");
        steal.Headers.Add(header, token);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.SendAsync(steal, Ct)).StatusCode);

        (_, header, token) = await owner.AntiforgeryAsync();
        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/api/account/keys/{id}");
        revoke.Headers.Add(header, token);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.SendAsync(revoke, Ct)).StatusCode);
        using var after = await fixture.Host.Client.PostAsync($"/v2/identify/all?api-key={Uri.EscapeDataString(secret)}",
            Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
