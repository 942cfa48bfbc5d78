using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Observatory;

/// <summary>Only the author changes an observation's facts; bad values are refused and change nothing.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class EditTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAuthorEditsAndNobodyElseDoes()
    {
        using var author = await fixture.NewUserAsync("editor");
        using var other = await fixture.NewUserAsync("intruder");
        var id = (await author.CreatedAsync())["id"]!.GetValue<int>();
        var url = $"/api/observations/{id}/edit";

        var forbidden = await other.PostFormAsync(url, [new("notes", "mine now")]);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await author.PostFormAsync(url, [new("notes", "no token")], withToken: false)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await author.PostFormAsync(url, [new("latitude", "91"), new("longitude", "3")])).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await author.PostFormAsync(url, [new("license", "all-rights-reserved")])).StatusCode);

        var ok = await author.PostFormAsync(url, [new("notes", "by the river"), new("latitude", "45.5"), new("longitude", "4.9"), new("license", "cc0")]);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var after = JsonNode.Parse(await author.Http.GetStringAsync($"/api/observations/{id}", Ct))!;
        Assert.Equal("by the river", after["notes"]!.GetValue<string>());
        Assert.Equal(45.5, after["latitude"]!.GetValue<double>());
        Assert.Equal("cc0", after["license"]!.GetValue<string>());
    }
}
