using System.Diagnostics;
using System.Globalization;
using Florascope.Data.Security;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Accounts;

/// <summary>
/// Password guessing (from 127.0.0.1 only): failures are limited per account and per address,
/// answered 429 + Retry-After with the API body, the same for known and unknown names.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SignInThrottleTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 3, 9, 2, 0, TimeSpan.Zero);

    [Fact]
    public async Task WrongPasswordsLockTheAccountNotOthersAndUnknownNamesAlike()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(Now));
        var limits = new SignInLimits();
        using (var alice = new ObservatoryClient(host.BaseAddress)) await alice.SignedUpAsync("alice");
        using (var bob = new ObservatoryClient(host.BaseAddress)) await bob.SignedUpAsync("bob");

        using var attacker = new ObservatoryClient(host.BaseAddress);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < limits.FailuresPerAccount; i++)
            using (var wrong = await attacker.SignInAsync("alice", $"guess number {i}")) await wrong.ErrorAsync(401);
        var known = watch.Elapsed;
        watch.Restart();
        for (var i = 0; i < limits.FailuresPerAccount; i++)
            using (var wrong = await attacker.SignInAsync("nobody-here", $"guess number {i}")) await wrong.ErrorAsync(401);
        var unknown = watch.Elapsed;

        // Locked: even the right password is refused until the window ends, with the API body and Retry-After.
        using (var locked = await attacker.SignInAsync("alice"))
        {
            await locked.ErrorAsync(429);
            var retry = int.Parse(locked.Header("Retry-After"), CultureInfo.InvariantCulture);
            // 09:02 in a 15-minute window starting 09:00: 13 minutes left.
            Assert.Equal(13 * 60, retry);
        }
        using (var byEmail = await attacker.SignInAsync("alice@example.org")) await byEmail.ErrorAsync(429);
        using (var lockedUnknown = await attacker.SignInAsync("nobody-here")) await lockedUnknown.ErrorAsync(429);

        // Another account, from the same address, signs in fine.
        using var other = new ObservatoryClient(host.BaseAddress);
        using (var fine = await other.SignInAsync("bob")) await fine.JsonAsync();

        // The next window lets alice in again, and a good sign-in forgets her failures.
        host.Clock.Set(Now.AddMinutes(15));
        using (var back = await attacker.SignInAsync("alice")) await back.JsonAsync();

        TestContext.Current.TestOutputHelper?.WriteLine($"known: {known.TotalMilliseconds:F0} ms, unknown: {unknown.TotalMilliseconds:F0} ms for {limits.FailuresPerAccount} failures each");
    }

    [Fact]
    public async Task OthersGuessesDoNotLockOutTheOwnersKnownDevice()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(Now));
        var limits = new SignInLimits();
        // Alice's browser signed up (and so signed in) before: it holds a known-device cookie for her account.
        using var owner = new ObservatoryClient(host.BaseAddress);
        await owner.SignedUpAsync("alice");
        using (var bob = new ObservatoryClient(host.BaseAddress)) await bob.SignedUpAsync("bob");
        using (var outAgain = await owner.PostFormAsync("api/account/signout", [])) Assert.Equal(System.Net.HttpStatusCode.NoContent, outAgain.StatusCode);

        // Someone else locks the account, for every client without such a cookie (the throttle as it was).
        using var attacker = new ObservatoryClient(host.BaseAddress);
        for (var i = 0; i < limits.FailuresPerAccount; i++)
            using (var wrong = await attacker.SignInAsync("alice", $"guess number {i}")) await wrong.ErrorAsync(401);
        using (var locked = await attacker.SignInAsync("alice")) await locked.ErrorAsync(429);
        // A cookie that the server did not make, or made for another account, is no known device.
        attacker.Cookies.Add(host.BaseAddress, new System.Net.Cookie(Florascope.Web.Accounts.KnownDeviceCookie.Name, "forged-device-cookie", "/api/account"));
        using (var forged = await attacker.SignInAsync("alice")) await forged.ErrorAsync(429);
        using var bobsBrowser = new ObservatoryClient(host.BaseAddress);
        using (var asBob = await bobsBrowser.SignInAsync("bob")) await asBob.JsonAsync();
        using (var bobsCookie = await bobsBrowser.SignInAsync("alice")) await bobsCookie.ErrorAsync(429);

        // The owner's browser still signs in, and comes back after its own mistakes...
        using (var fine = await owner.SignInAsync("alice")) await fine.JsonAsync();
        for (var i = 0; i < limits.FailuresPerAccount - 1; i++)
            using (var typo = await owner.SignInAsync("alice", $"typo {i}")) await typo.ErrorAsync(401);
        using (var again = await owner.SignInAsync("alice")) await again.JsonAsync();
        // ...but guessing from it is limited like any other client.
        for (var i = 0; i < limits.FailuresPerAccount; i++)
            using (var wrong = await owner.SignInAsync("alice", $"stolen device guess {i}")) await wrong.ErrorAsync(401);
        using (var deviceLocked = await owner.SignInAsync("alice")) await deviceLocked.ErrorAsync(429);
        using (var stillLocked = await attacker.SignInAsync("alice")) await stillLocked.ErrorAsync(429);
    }

    [Fact]
    public async Task OneAddressIsLimitedWhateverTheNamesItTries()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Florascope:SignIn:FailuresPerAddress"] = "12" };
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(Now), settings);
        using (var carol = new ObservatoryClient(host.BaseAddress)) await carol.SignedUpAsync("carol");

        using var sprayer = new ObservatoryClient(host.BaseAddress);
        // One guess per name: no account limit is reached, the address limit is.
        for (var i = 0; i < 12; i++)
            using (var wrong = await sprayer.SignInAsync($"name{i}", "spring2026!!")) await wrong.ErrorAsync(401);
        using (var refused = await sprayer.SignInAsync("carol"))
        {
            await refused.ErrorAsync(429);
            Assert.True(int.Parse(refused.Header("Retry-After"), CultureInfo.InvariantCulture) > 0);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:127.0.0.2", "127.0.0.2")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void AddressesAreCountedByHostOrIpv6Subnet(string address, string key)
    {
        Assert.Equal(key, Florascope.Data.Security.ClientAddress.Key(System.Net.IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("2026-06-03T09:02:00Z", 15, 780)]
    [InlineData("2026-06-03T09:14:59.5Z", 15, 1)]
    [InlineData("2026-06-03T09:15:00Z", 15, 900)]
    public void RetryAfterIsTheRestOfTheWindow(string now, double minutes, int seconds)
    {
        var t = DateTime.Parse(now, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.Equal(TimeSpan.FromSeconds(seconds), SignInThrottle.RetryAfter(t, TimeSpan.FromMinutes(minutes)));
    }
}
