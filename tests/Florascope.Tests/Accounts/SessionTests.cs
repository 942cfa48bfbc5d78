using System.Net;
using Florascope.Data.Security;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Accounts;

/// <summary>Server-side sessions: sign-out ends the session on the server, rights come from the users row at each request.</summary>
[Collection(ObservatoryServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed class SessionTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACookieReplayedAfterSignOutIsRefused()
    {
        using var client = await fixture.NewUserAsync("replayer");
        var stolen = SessionCookieOf(client);
        var before = await client.Http.GetJsonAsync("api/account/me");

        using (var signOut = await client.PostFormAsync("api/account/signout", [])) Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

        // The cookie as it was before sign-out, sent by someone who kept it.
        using var replay = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        using var me = new HttpRequestMessage(HttpMethod.Get, "api/account/me");
        me.Headers.Add("Cookie", "florascope=" + stolen);
        using (var response = await replay.SendAsync(me, Ct)) await response.ErrorAsync(401);
        using var keys = new HttpRequestMessage(HttpMethod.Get, "api/account/keys");
        keys.Headers.Add("Cookie", "florascope=" + stolen);
        using (var response = await replay.SendAsync(keys, Ct)) await response.ErrorAsync(401);

        var id = before["id"]!.GetValue<int>();
        var open = await fixture.WithDbAsync(db => db.UserSessions.CountAsync(s => s.UserId == id && s.EndedUtc == null, Ct));
        Assert.Equal(0, open);
        // Only the hash of the secret is stored.
        var stored = await fixture.WithDbAsync(db => db.UserSessions.Where(s => s.UserId == id).Select(s => s.Id).ToListAsync(Ct));
        Assert.All(stored, s => Assert.Matches("^[0-9a-f]{64}$", s));
    }

    [Fact]
    public async Task RevokingAdministratorRightsTakesEffectAtTheNextRequest()
    {
        using var author = await fixture.NewUserAsync("owner");
        using var moderator = await fixture.NewUserAsync("moderator");
        var id = (await author.CreatedAsync())["id"]!.GetValue<int>();
        var name = (await moderator.Http.GetJsonAsync("api/account/me"))["userName"]!.GetValue<string>();

        // Granted with the command line while signed in: the open session gets the right at its next request.
        var grant = await CliProcess.RunAsync("user", "grant-admin", name, "--data-dir", fixture.DataDirectory);
        Assert.True(grant.ExitCode == 0, grant.ToString());
        Assert.True((await moderator.Http.GetJsonAsync("api/account/me"))["isAdmin"]!.GetValue<bool>());
        await moderator.Http.GetJsonAsync("api/models");
        using (var edit = await moderator.PostFormAsync($"api/observations/{id}/edit", [new("notes", "moderated")])) await edit.JsonAsync();

        // Revoked with the command line; the same cookie is used next.
        var revoke = await CliProcess.RunAsync("user", "revoke-admin", name, "--data-dir", fixture.DataDirectory);
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains("no longer an administrator", revoke.StdOut, StringComparison.Ordinal);
        using (var edit = await moderator.PostFormAsync($"api/observations/{id}/edit", [new("notes", "still moderating")])) await edit.ErrorAsync(403, "Forbidden");
        using (var models = await moderator.Http.GetAsync("api/models", Ct)) await models.ErrorAsync(403, "Forbidden");
        using (var delete = await moderator.DeleteAsync(id)) await delete.ErrorAsync(403, "Forbidden");
        Assert.False((await moderator.Http.GetJsonAsync("api/account/me"))["isAdmin"]!.GetValue<bool>());
        Assert.Equal("moderated", (await author.Http.GetJsonAsync($"api/observations/{id}"))["notes"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignOutEverywhereEndsEverySessionOfTheAccount()
    {
        using var first = await fixture.NewUserAsync("traveller");
        var name = (await first.Http.GetJsonAsync("api/account/me"))["userName"]!.GetValue<string>();
        using var second = fixture.NewClient();
        using var third = fixture.NewClient();
        using (var r = await second.SignInAsync(name)) await r.JsonAsync();
        using (var r = await third.SignInAsync(name)) await r.JsonAsync();
        using var bystander = await fixture.NewUserAsync("bystander");

        var sessions = (await first.Http.GetJsonAsync("api/account/sessions")).AsArray();
        Assert.Equal(3, sessions.Count);
        Assert.Single(sessions, s => s!["isThisSession"]!.GetValue<bool>());

        using (var everywhere = await first.PostFormAsync("api/account/signout-everywhere", []))
            Assert.Equal(HttpStatusCode.NoContent, everywhere.StatusCode);
        foreach (var c in new[] { first, second, third })
            using (var me = await c.Http.GetAsync("api/account/me", Ct)) await me.ErrorAsync(401);
        // Another account's session is untouched.
        await bystander.Http.GetJsonAsync("api/account/me");
        // Signing in again opens a new session.
        using (var again = await second.SignInAsync(name)) await again.JsonAsync();
        await second.Http.GetJsonAsync("api/account/me");
    }

    [Fact]
    public async Task SignedInEndpointsAnswer401WithTheApiBody()
    {
        using var anonymous = fixture.NewClient();
        foreach (var url in new[] { "api/account/me", "api/account/sessions", "api/account/keys", "api/models" })
            using (var r = await anonymous.Http.GetAsync(url, Ct)) await r.ErrorAsync(401);
        using (var r = await anonymous.PostFormAsync("api/account/signout-everywhere", [])) await r.ErrorAsync(401);
        // A forged cookie is anonymous, never an error.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "api/account/me");
        forged.Headers.Add("Cookie", "florascope=not-a-ticket");
        using (var r = await anonymous.Http.SendAsync(forged, Ct)) await r.ErrorAsync(401);
    }

    [Fact]
    public void SessionIdsAreTheSha256OfTheSecret()
    {
        Assert.Equal("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", SessionStore.IdOf("test"));
    }

    private string SessionCookieOf(ObservatoryClient client) => client.Cookies.GetCookies(fixture.Host.BaseAddress)["florascope"]!.Value;
}
