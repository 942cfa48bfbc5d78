using System.Net;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>
/// Issue 9, section 6: a page number whose offset overflows 32 bits gave the first page again, and
/// lat=NaN was accepted. Every paged or counted listing, over HTTP.
/// </summary>
[Collection(ObservatoryServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PagingOverflowTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> KeyQueryAsync() => "api-key=" + Uri.EscapeDataString((await fixture.Host.CreateKeyAsync()).Secret);

    [Theory]
    [InlineData("v2/species")]
    [InlineData("v2/projects/weurope/species")]
    public async Task AHugePageOfSpeciesIs400NotTheFirstPage(string path)
    {
        var key = await KeyQueryAsync();
        Assert.NotEmpty((await fixture.Host.Client.GetJsonAsync($"{path}?pageSize=100&page=1&{key}")).AsArray());
        // Past the end but within any list's reach: an empty page.
        Assert.Empty((await fixture.Host.Client.GetJsonAsync($"{path}?pageSize=100&page=3&{key}")).AsArray());
        foreach (var (page, size) in new[] { ("21474838", 100), ("2147483647", 100), ("21474838", 1000) })
        {
            using var far = await fixture.Host.Client.GetAsync($"{path}?pageSize={size}&page={page}&{key}", Ct);
            await far.ErrorAsync(400);
        }
        // Beyond int: refused by binding, never a 500.
        using var tooBig = await fixture.Host.Client.GetAsync($"{path}?pageSize=100&page=99999999999&{key}", Ct);
        await tooBig.ErrorAsync(400);
    }

    [Theory]
    [InlineData("lat=NaN&lon=2.3")]
    [InlineData("lat=48.8&lon=NaN")]
    [InlineData("lat=NaN&lon=NaN")]
    [InlineData("lat=48.8&lon=Infinity")]
    [InlineData("lat=-Infinity&lon=2.3")]
    public async Task ANonFinitePointIs400(string query)
    {
        using var response = await fixture.Host.Client.GetAsync($"v2/projects?{query}&{await KeyQueryAsync()}", Ct);
        await response.ErrorAsync(400);
    }

    [Fact]
    public async Task AHugePageOfObservationsIs400NotTheFirstPage()
    {
        using var author = await fixture.NewUserAsync("pager");
        await author.CreatedAsync();
        Assert.NotEmpty((await author.Http.GetJsonAsync("api/observations?page=1&pageSize=100")).AsArray());
        Assert.Empty((await author.Http.GetJsonAsync("api/observations?page=21474836&pageSize=100")).AsArray());
        foreach (var page in new[] { "21474838", "2147483647" })
        {
            using var far = await author.Http.GetAsync($"api/observations?page={page}&pageSize=100", Ct);
            await far.ErrorAsync(400);
        }
        using var tooBig = await author.Http.GetAsync("api/observations?page=99999999999&pageSize=100", Ct);
        await tooBig.ErrorAsync(400);
    }

    [Theory]
    [InlineData("api/game/next?count=2147483647")]
    [InlineData("api/game/next?count=-2147483648")]
    [InlineData("api/game/next?count=99999999999")]
    [InlineData("api/game/leaderboard?count=2147483647")]
    [InlineData("api/game/leaderboard?count=-1")]
    [InlineData("api/game/leaderboard?count=99999999999")]
    public async Task AnOutOfRangeCountIs400(string url)
    {
        using var player = await fixture.NewUserAsync("counter");
        using var response = await player.Http.GetAsync(url, Ct);
        await response.ErrorAsync(400);
    }
}
