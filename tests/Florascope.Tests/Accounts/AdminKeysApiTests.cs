using System.Net.Http.Json;
using Florascope.Data.ApiKeys;
using Florascope.Tests.TestSupport;
using Florascope.Web.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Accounts;

/// <summary>
/// /api/admin/keys: administrators list every key and allow or disallow surveys (form or JSON, anti-forgery token);
/// others get 403; unknown, revoked and bad values are refused with nothing changed; owners only see the flag.
/// </summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class AdminKeysApiTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<ApiKey> NewKeyAsync(string name, int? userId) => fixture.WithDbAsync(async db =>
        (await ApiKeyStore.CreateAsync(db, name, 300, TimeProvider.System, userId, Ct)).Key);

    private Task<bool> AllowedAsync(int id) => fixture.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.AllowSurvey).SingleAsync(Ct));

    private static Task<HttpResponseMessage> SetAsync(ObservatoryClient client, int id, string allow, bool withToken = true) =>
        client.PostFormAsync($"api/admin/keys/{id}/survey", [new("allow", allow)], withToken);

    private static async Task<HttpResponseMessage> SetJsonAsync(ObservatoryClient client, int id, object body)
    {
        var (_, header, token) = await client.AntiforgeryAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/keys/{id}/survey") { Content = JsonContent.Create(body) };
        request.Headers.Add(header, token);
        return await client.Http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task AnAdministratorAllowsThenDisallowsAUsersKeyAndTheOwnerOnlySeesIt()
    {
        using var owner = await fixture.NewUserAsync("surveyowner");
        var key = await NewKeyAsync("field plots", owner.UserId);
        var ownerName = (await owner.Http.GetJsonAsync("api/account/me"))["userName"]!.GetValue<string>();

        var listed = (await fixture.Admin.Http.GetJsonAsync("api/admin/keys")).AsArray().Single(k => k!["id"]!.GetValue<int>() == key.Id)!;
        Assert.Equal(["id", "name", "prefix", "owner", "dailyQuota", "usedToday", "createdUtc", "revoked", "allowSurvey"], listed.AsObject().Select(p => p.Key));
        Assert.Equal(ownerName, listed["owner"]!.GetValue<string>());
        Assert.Equal("field plots", listed["name"]!.GetValue<string>());
        Assert.Equal(300, listed["dailyQuota"]!.GetValue<int>());
        Assert.False(listed["allowSurvey"]!.GetValue<bool>());
        Assert.DoesNotContain(key.KeyHash, (await fixture.Admin.Http.GetJsonAsync("api/admin/keys")).ToJsonString(), StringComparison.Ordinal);

        using (var allowed = await SetAsync(fixture.Admin, key.Id, "true"))
            Assert.True((await allowed.JsonAsync())["allowSurvey"]!.GetValue<bool>());
        Assert.True(await AllowedAsync(key.Id));
        var own = (await owner.Http.GetJsonAsync("api/account/keys")).AsArray().Single(k => k!["id"]!.GetValue<int>() == key.Id)!;
        Assert.True(own["allowSurvey"]!.GetValue<bool>());

        using (var disallowed = await SetJsonAsync(fixture.Admin, key.Id, new { allow = false }))
            Assert.False((await disallowed.JsonAsync())["allowSurvey"]!.GetValue<bool>());
        Assert.False(await AllowedAsync(key.Id));
        own = (await owner.Http.GetJsonAsync("api/account/keys")).AsArray().Single(k => k!["id"]!.GetValue<int>() == key.Id)!;
        Assert.False(own["allowSurvey"]!.GetValue<bool>());
        using (var asText = await SetJsonAsync(fixture.Admin, key.Id, new { allow = "TRUE" })) await asText.JsonAsync();
        Assert.True(await AllowedAsync(key.Id));

        // The owner cannot grant their own key surveys, nor list others' keys.
        using (var self = await SetAsync(owner, key.Id, "false")) await self.ErrorAsync(403, "Forbidden");
        using (var list = await owner.Http.GetAsync("api/admin/keys", Ct)) await list.ErrorAsync(403, "Forbidden");
        using (var anonymous = await fixture.NewClient().Http.GetAsync("api/admin/keys", Ct)) await anonymous.ErrorAsync(401);
        Assert.True(await AllowedAsync(key.Id));
    }

    [Fact]
    public async Task UnknownRevokedBadValuesAndMissingTokensAreRefusedWithNothingChanged()
    {
        var key = await NewKeyAsync("refusals", null);
        var revoked = await NewKeyAsync("revoked", null);
        await fixture.WithDbAsync(db => ApiKeyStore.RevokeAsync(db, revoked.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeProvider.System, Ct));

        using (var unknown = await SetAsync(fixture.Admin, 999_999, "true"))
            Assert.Contains("999999", await unknown.ErrorAsync(404), StringComparison.Ordinal);
        using (var gone = await SetAsync(fixture.Admin, revoked.Id, "true"))
            Assert.Contains("revoked", await gone.ErrorAsync(409, "Conflict"), StringComparison.Ordinal);
        Assert.False(await AllowedAsync(revoked.Id));

        foreach (var bad in new[] { "yes", "1", "", "true false" })
            using (var refused = await SetAsync(fixture.Admin, key.Id, bad))
                Assert.Contains("allow=true", await refused.ErrorAsync(400), StringComparison.Ordinal);
        using (var missing = await fixture.Admin.PostFormAsync($"api/admin/keys/{key.Id}/survey", [new("other", "true")])) await missing.ErrorAsync(400);
        using (var number = await SetJsonAsync(fixture.Admin, key.Id, new { allow = 1 })) await number.ErrorAsync(400);
        using (var notAnObject = await SetJsonAsync(fixture.Admin, key.Id, new[] { true })) await notAnObject.ErrorAsync(400);
        using (var noToken = await SetAsync(fixture.Admin, key.Id, "true", withToken: false))
            Assert.Contains("anti-forgery", await noToken.ErrorAsync(400), StringComparison.Ordinal);
        Assert.False(await AllowedAsync(key.Id));

        using (var page = await fixture.Admin.Http.GetAsync("api/admin/keys?pageSize=1000", Ct)) await page.ErrorAsync(400);
        using (var zero = await fixture.Admin.Http.GetAsync("api/admin/keys?page=0", Ct)) await zero.ErrorAsync(400);
        // Newest first, a page at a time.
        var first = (await fixture.Admin.Http.GetJsonAsync("api/admin/keys?page=1&pageSize=1")).AsArray();
        Assert.Equal(revoked.Id, Assert.Single(first)!["id"]!.GetValue<int>());
        Assert.True(first[0]!["revoked"]!.GetValue<bool>());
        Assert.Null(first[0]!["owner"]);
        var second = (await fixture.Admin.Http.GetJsonAsync("api/admin/keys?page=2&pageSize=1")).AsArray();
        Assert.Equal(key.Id, Assert.Single(second)!["id"]!.GetValue<int>());
    }
}

/// <summary>The allow value: "true" or "false" in any case, nothing else read as either.</summary>
public sealed class AdminKeysAllowValueTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData(" TRUE ", true)]
    [InlineData("yes", null)]
    [InlineData("0", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void OnlyTrueOrFalseAreRead(string? value, bool? expected) => Assert.Equal(expected, AdminKeysApi.ParseAllow(value));
}
