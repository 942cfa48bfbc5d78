using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class SecurityTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnlyTheAuthorOrAnAdminCanDelete()
    {
        using var author = await fixture.NewUserAsync("keeper");
        using var other = await fixture.NewUserAsync("intruder");
        var id = (await author.CreatedAsync())["id"]!.GetValue<int>();
        using (var identify = await other.IdentifyAsync(id, "Ranunculus acris")) await identify.JsonAsync();

        using (var refused = await other.DeleteAsync(id)) await refused.ErrorAsync(403, "Forbidden");
        await other.Http.GetJsonAsync($"api/observations/{id}");
        using (var anonymous = fixture.NewClient())
        using (var signedOut = await anonymous.DeleteAsync(id))
            await signedOut.ErrorAsync(401);
        Assert.Equal((1, 1, 2), await RowsOfAsync(id));

        using (var deleted = await author.DeleteAsync(id)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await author.Http.GetAsync($"api/observations/{id}", Ct)) await gone.ErrorAsync(404);
        // The photos and identifications go with the observation (cascade).
        Assert.Equal((0, 0, 0), await RowsOfAsync(id));

        var second = (await author.CreatedAsync())["id"]!.GetValue<int>();
        using (var byAdmin = await fixture.Admin.DeleteAsync(second)) Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);
        Assert.Equal((0, 0, 0), await RowsOfAsync(second));
    }

    [Fact]
    public async Task UserTextIsStoredAsSentAndReturnedAsJson()
    {
        const string Script = "<script>alert(1)</script>";
        const string Quotes = "\"quoted\" & 'single' </textarea> \u00e9t\u00e9 \U0001F33C";
        using var author = await fixture.NewUserAsync("writer");
        var id = (await author.CreatedAsync(fields: [new("notes", Script), new("taxon", "")]))["id"]!.GetValue<int>();
        var quoted = (await author.CreatedAsync(fields: [new("notes", Quotes)]))["id"]!.GetValue<int>();

        using var response = await author.Http.GetAsync($"api/observations/{id}", Ct);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(Script, detail["notes"]!.GetValue<string>());
        Assert.Null(detail["identifications"]![0]!["taxonName"]);
        Assert.Equal(Quotes, (await author.Http.GetJsonAsync($"api/observations/{quoted}"))["notes"]!.GetValue<string>());

        var stored = await fixture.WithDbAsync(db => db.Observations.Where(o => o.Id == id || o.Id == quoted).OrderBy(o => o.Id).Select(o => o.Notes).ToListAsync(Ct));
        Assert.Equal([Script, Quotes], stored);
    }

    [Fact]
    public async Task ADisplayNameIsReturnedAsSent()
    {
        const string Name = "<img src=x onerror=alert(1)>";
        using var client = fixture.NewClient();
        using (var signUp = await client.PostFormAsync("api/account/signup",
            [new("userName", "displayed"), new("email", "displayed@example.org"), new("password", ObservatoryClient.Password), new("displayName", Name)]))
            Assert.Equal(Name, (await signUp.JsonAsync())["displayName"]!.GetValue<string>());
        var id = (await client.CreatedAsync())["id"]!.GetValue<int>();
        Assert.Equal(Name, (await client.Http.GetJsonAsync($"api/observations/{id}"))["authorName"]!.GetValue<string>());
    }

    private Task<(int Observations, int Photos, int Identifications)> RowsOfAsync(int id) => fixture.WithDbAsync(async db =>
        (await db.Observations.CountAsync(o => o.Id == id, Ct), await db.ObservationPhotos.CountAsync(p => p.ObservationId == id, Ct),
         await db.Identifications.CountAsync(i => i.ObservationId == id, Ct)));
}
