using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Observatory;

[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class IdentificationsTests(ObservatoryServerFixture fixture)
{
    [Fact]
    public async Task IdentificationsKeepTheirHistoryAndTheWeightedVoteSetsTheTaxon()
    {
        using var author = await fixture.NewUserAsync("botanist");
        using var other = await fixture.NewUserAsync("critic");
        var created = await author.CreatedAsync();
        var id = created["id"]!.GetValue<int>();
        // The photo is a dandelion the model is sure of: its vote (weight 1.7) counts with the author's (0.742).
        var model = Assert.Single(created["revision"]!["votes"]!.AsArray(), v => v!["voter"]!.GetValue<string>() == "model")!;
        Assert.Equal("Taraxacum officinale", model["taxonName"]!.GetValue<string>());

        var afterOther = await IdentifiedAsync(other, id, "ranunculus_acris");
        Assert.Equal("Taraxacum officinale", afterOther["taxonName"]!.GetValue<string>());
        Assert.Equal([(author.UserId, "Taraxacum officinale"), (other.UserId, "Ranunculus acris")], Current(afterOther));

        var again = await IdentifiedAsync(other, id, "Taraxacum officinale");
        var all = again["identifications"]!.AsArray();
        Assert.Equal(3, all.Count);
        Assert.Equal([(author.UserId, "Taraxacum officinale"), (other.UserId, "Taraxacum officinale")], Current(again));
        var retired = Assert.Single(all, i => !i!["isCurrent"]!.GetValue<bool>())!;
        Assert.Equal(other.UserId, retired["userId"]!.GetValue<int>());
        Assert.Equal("Ranunculus acris", retired["taxonName"]!.GetValue<string>());

        // The author changes their mind; the other user (0.742) and the model (1.7) still outweigh them.
        var changed = await IdentifiedAsync(author, id, "Ranunculus acris");
        Assert.Equal("Taraxacum officinale", changed["taxonName"]!.GetValue<string>());
        // Confidence 0.742 + 1.7 = 2.44 > 2, accuracy 2.44 / 3.18 = 0.77 > 0.7: valid despite the author's dissent.
        Assert.Equal("valid", changed["revision"]!["status"]!.GetValue<string>());
        Assert.Equal(4, changed["identifications"]!.AsArray().Count);
        Assert.Equal(2, Current(changed).Count);

        var unknown = await IdentifiedAsync(author, id, "");
        Assert.Equal("Taraxacum officinale", unknown["taxonName"]!.GetValue<string>());
        Assert.Contains((author.UserId, (string?)null), Current(unknown));
        // 0.742 + 1.7 = 2.44 > 2 with no dissent: valid.
        Assert.Equal("valid", unknown["revision"]!["status"]!.GetValue<string>());

        // The list follows the observation's taxon and status.
        var latest = Assert.Single((await author.Http.GetJsonAsync($"api/observations?user={author.UserId}")).AsArray())!;
        Assert.Equal(("Taraxacum officinale", "valid"), (latest["taxonName"]!.GetValue<string>(), latest["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnUnknownTaxonIsRefusedAndChangesNothing()
    {
        using var author = await fixture.NewUserAsync("careful");
        var id = (await author.CreatedAsync())["id"]!.GetValue<int>();
        var before = await fixture.CountsAsync();

        using var response = await author.IdentifyAsync(id, "Quercus imaginaria");
        await response.ErrorAsync(400);

        Assert.Equal(before, await fixture.CountsAsync());
        var detail = await author.Http.GetJsonAsync($"api/observations/{id}");
        Assert.Equal("Taraxacum officinale", detail["taxonName"]!.GetValue<string>());
        Assert.True(Assert.Single(detail["identifications"]!.AsArray())!["isCurrent"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SignedOutIdentifyIsUnauthorized()
    {
        using var author = await fixture.NewUserAsync("owner");
        var id = (await author.CreatedAsync())["id"]!.GetValue<int>();
        using var anonymous = fixture.NewClient();
        using var response = await anonymous.IdentifyAsync(id, "Ranunculus acris");
        await response.ErrorAsync(401);
    }

    private static async Task<JsonNode> IdentifiedAsync(ObservatoryClient client, int id, string taxon)
    {
        using var response = await client.IdentifyAsync(id, taxon);
        return await response.JsonAsync();
    }

    private static List<(int, string?)> Current(JsonNode detail) =>
        [.. detail["identifications"]!.AsArray().Where(i => i!["isCurrent"]!.GetValue<bool>())
            .Select(i => (i!["userId"]!.GetValue<int>(), i["taxonName"]?.GetValue<string>()))];
}
