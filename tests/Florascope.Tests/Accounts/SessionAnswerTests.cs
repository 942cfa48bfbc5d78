using System.Net;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Accounts;

/// <summary>GET /api/account/session: the account when signed in, 204 (not an error) when signed out.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class SessionAnswerTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignedOutIsNoContentAndSignedInIsTheAccount()
    {
        using var client = fixture.NewClient();
        using (var anonymous = await client.Http.GetAsync("api/account/session", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, anonymous.StatusCode);
            Assert.Empty(await anonymous.Content.ReadAsByteArrayAsync(Ct));
        }

        var account = await client.SignedUpAsync("session.answer");
        var session = await client.Http.GetJsonAsync("api/account/session");
        Assert.Equal(account["id"]!.GetValue<int>(), session["id"]!.GetValue<int>());
        Assert.Equal("session.answer", session["userName"]!.GetValue<string>());

        using (var signOut = await client.PostFormAsync("api/account/signout", [])) Assert.True(signOut.IsSuccessStatusCode);
        using var after = await client.Http.GetAsync("api/account/session", Ct);
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);
    }
}
