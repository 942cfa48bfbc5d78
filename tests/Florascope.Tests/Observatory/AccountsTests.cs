using System.Net;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class AccountsTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheFirstAccountIsTheAdministratorAndLaterOnesAreNot()
    {
        Assert.True(fixture.AdminAccount["isAdmin"]!.GetValue<bool>());
        Assert.Equal("admin", fixture.AdminAccount["userName"]!.GetValue<string>());

        using var second = fixture.NewClient();
        var account = await second.SignedUpAsync("second.user");
        Assert.False(account["isAdmin"]!.GetValue<bool>());
        Assert.Equal("second.user", account["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADuplicateUserNameOrEmailIsAConflict()
    {
        using var first = fixture.NewClient();
        await first.SignedUpAsync("taken");

        using var sameName = fixture.NewClient();
        using var r1 = await sameName.SignUpAsync("taken", "other@example.org");
        await r1.ErrorAsync(409, "Conflict");
        using var sameEmail = fixture.NewClient();
        using var r2 = await sameEmail.SignUpAsync("other", "taken@example.org");
        await r2.ErrorAsync(409, "Conflict");
        // User names are lower-cased, so the same name in capitals is the same name.
        using var upper = fixture.NewClient();
        using var r3 = await upper.SignUpAsync("TAKEN", "third@example.org");
        await r3.ErrorAsync(409, "Conflict");
    }

    [Theory]
    [InlineData("shortpw", "shortpw@example.org", "short")]
    [InlineData("ab", "ab@example.org", ObservatoryClient.Password)]
    [InlineData("bad name", "badname@example.org", ObservatoryClient.Password)]
    [InlineData("bad/name", "badname2@example.org", ObservatoryClient.Password)]
    [InlineData("noat", "no-at-sign.example.org", ObservatoryClient.Password)]
    [InlineData("", "empty@example.org", ObservatoryClient.Password)]
    public async Task BadSignUpsAreBadRequestsAndCreateNoAccount(string userName, string email, string password)
    {
        var before = await fixture.CountsAsync();
        using var client = fixture.NewClient();
        using var response = await client.SignUpAsync(userName, email, password);
        await response.ErrorAsync(400);
        Assert.Equal(before.Users, (await fixture.CountsAsync()).Users);
        using var me = await client.Http.GetAsync("api/account/me", Ct);
        await me.ErrorAsync(401);
    }

    [Fact]
    public async Task SignInWorksWithTheUserNameOrTheEmailAndSignOutEndsTheSession()
    {
        using (var signup = fixture.NewClient()) await signup.SignedUpAsync("walker");

        using var client = fixture.NewClient();
        using (var me = await client.Http.GetAsync("api/account/me", Ct)) await me.ErrorAsync(401);

        using (var wrong = await client.SignInAsync("walker", "not the password at all")) await wrong.ErrorAsync(401);
        using (var unknown = await client.SignInAsync("nobody", ObservatoryClient.Password)) await unknown.ErrorAsync(401);
        using (var me = await client.Http.GetAsync("api/account/me", Ct)) await me.ErrorAsync(401);

        using (var byName = await client.SignInAsync("walker")) Assert.Equal("walker", (await byName.JsonAsync())["userName"]!.GetValue<string>());
        var account = await client.Http.GetJsonAsync("api/account/me");
        Assert.Equal("walker", account["userName"]!.GetValue<string>());
        Assert.False(account["isAdmin"]!.GetValue<bool>());

        using (var signOut = await client.PostFormAsync("api/account/signout", []))
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        using (var me = await client.Http.GetAsync("api/account/me", Ct)) await me.ErrorAsync(401);

        using (var byEmail = await client.SignInAsync("walker@example.org")) Assert.Equal("walker", (await byEmail.JsonAsync())["userName"]!.GetValue<string>());
        Assert.Equal(account["id"]!.GetValue<int>(), (await client.Http.GetJsonAsync("api/account/me"))["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task ThePasswordIsStoredAsAnIdentityV3Hash()
    {
        using (var client = fixture.NewClient()) await client.SignedUpAsync("hashed");
        var hash = await fixture.WithDbAsync(db => db.Users.Where(u => u.UserName == "hashed").Select(u => u.PasswordHash).SingleAsync(Ct));

        Assert.NotEqual(ObservatoryClient.Password, hash);
        Assert.DoesNotContain(ObservatoryClient.Password, hash, StringComparison.Ordinal);
        // Format marker 0x01 then PRF (HMACSHA512 = 2, big-endian): "AQAAAA" in base64.
        Assert.StartsWith("AQAAAA", hash, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        Assert.True(bytes.Length >= 13 + 16 + 32, $"Hash of {bytes.Length} bytes is too short for a v3 hash.");
    }

    [Fact]
    public async Task FormsWithoutTheAntiforgeryTokenAreRefused()
    {
        var before = await fixture.CountsAsync();
        using var client = fixture.NewClient();
        using (var signUp = await client.SignUpAsync("notoken", "notoken@example.org", withToken: false)) await signUp.ErrorAsync(400);
        Assert.Equal(before.Users, (await fixture.CountsAsync()).Users);

        await client.SignedUpAsync("withtoken");
        using (var signOut = await client.PostFormAsync("api/account/signout", [], withToken: false)) await signOut.ErrorAsync(400);
        using (var signIn = await client.SignInAsync("withtoken", withToken: false)) await signIn.ErrorAsync(400);

        var counts = await fixture.CountsAsync();
        using (var create = await client.CreateAsync([Photos.Plant("Taraxacum_officinale")], fields: [new("taxon", "Taraxacum officinale")], withToken: false))
            await create.ErrorAsync(400);
        Assert.Equal(counts, await fixture.CountsAsync());

        var observation = await client.CreatedAsync();
        var id = observation["id"]!.GetValue<int>();
        using (var identify = await client.IdentifyAsync(id, "Ranunculus acris", withToken: false)) await identify.ErrorAsync(400);
        using (var delete = await client.DeleteAsync(id, withToken: false)) await delete.ErrorAsync(400);

        var after = await client.Http.GetJsonAsync($"api/observations/{id}");
        Assert.Equal("Taraxacum officinale", after["taxonName"]!.GetValue<string>());
        Assert.Single(after["identifications"]!.AsArray());
    }

    [Fact]
    public async Task ATokenOfAnotherSessionIsRefused()
    {
        using var victim = await fixture.NewUserAsync("victim");
        using var attacker = await fixture.NewUserAsync("attacker");
        var observation = await victim.CreatedAsync();
        var id = observation["id"]!.GetValue<int>();
        var (_, header, attackerToken) = await attacker.AntiforgeryAsync();

        // The victim's cookies with the attacker's token: what a forged cross-site request can send at best.
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/observations/{id}");
        request.Headers.Add(header, attackerToken);
        using var response = await victim.Http.SendAsync(request, Ct);
        await response.ErrorAsync(400);
        await victim.Http.GetJsonAsync($"api/observations/{id}");
    }
}
