using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Observatory;

/// <summary>observedOffset on POST /api/observations and the edit form: stored, returned, and bad values refused with nothing stored.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class ObservedOffsetApiTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOffsetIsSavedReturnedAndEdited()
    {
        using var author = await fixture.NewUserAsync("offset");
        var created = await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("observedUtc", "2026-03-30T08:30:00Z"), new("observedOffset", "-330")]);
        Assert.Equal(-330, created["observedOffsetMinutes"]!.GetValue<int>());
        var id = created["id"]!.GetValue<int>();

        var url = $"/api/observations/{id}/edit";
        Assert.Equal(HttpStatusCode.OK, (await author.PostFormAsync(url, [new("observedOffset", "120")])).StatusCode);
        var after = JsonNode.Parse(await author.Http.GetStringAsync($"/api/observations/{id}", Ct))!;
        Assert.Equal(120, after["observedOffsetMinutes"]!.GetValue<int>());

        var plain = await author.CreatedAsync();
        Assert.Null(plain["observedOffsetMinutes"]);
    }

    [Theory]
    [InlineData("841")]
    [InlineData("-900")]
    [InlineData("1.5")]
    [InlineData("+02:00")]
    [InlineData("99999999999")]
    public async Task ABadOffsetIsABadRequestAndStoresNothing(string offset)
    {
        using var author = await fixture.NewUserAsync("badoffset");
        var before = await fixture.CountsAsync();
        using var response = await author.CreateAsync([Photos.Plant("Taraxacum_officinale")],
            fields: [new("taxon", "Taraxacum officinale"), new("observedOffset", offset)]);
        Assert.Contains("observedOffset", await response.ErrorAsync(400), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.CountsAsync());

        var id = (await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("observedOffset", "60")]))["id"]!.GetValue<int>();
        using var edit = await author.PostFormAsync($"/api/observations/{id}/edit", [new("observedOffset", offset), new("notes", "changed")]);
        await edit.ErrorAsync(400);
        var after = JsonNode.Parse(await author.Http.GetStringAsync($"/api/observations/{id}", Ct))!;
        Assert.Equal(60, after["observedOffsetMinutes"]!.GetValue<int>());
        Assert.Null(after["notes"]);
    }
}
