using System.Net;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// Many identifications with one key at once, spread over one or more servers: the quota must be
/// granted exactly, whatever the interleaving. Bounded: a fixed number of requests, each with the client's timeout.
/// </summary>
public static class QuotaRace
{
    private static readonly Lazy<Photo[]> Pictures = new(() =>
        [Photos.Plant("Rosa"), Photos.Plant("Tulipa"), Photos.Plant("Taraxacum_officinale"), Photos.Plant("Acer_campestre")]);

    /// <summary>
    /// Sends <paramref name="requests"/> identifications, <paramref name="clients"/> at a time, round-robin over the hosts.
    /// Each client has its own loopback address (127.0.0.100 and up), as the many users of one key would:
    /// one address alone would meet the per-address caps (Florascope:Clients), which are not what is tested here.
    /// </summary>
    public static async Task<HttpStatusCode[]> RunAsync(IReadOnlyList<FlorascopeHost> hosts, TestKey key, int requests, int clients)
    {
        var statuses = new HttpStatusCode[requests];
        var http = Enumerable.Range(0, clients).Select(c => hosts.Select(h => LoopbackClients.From(LoopbackClients.Address(100 + c), h.BaseAddress)).ToArray()).ToArray();
        try
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
            {
                while (Interlocked.Increment(ref next) is var i && i < requests)
                {
                    var photo = Pictures.Value[i % Pictures.Value.Length];
                    using var form = Photos.Form(photo, "auto");
                    using var response = await http[c][i % hosts.Count].PostAsync(ApiCalls.IdentifyUrl(key, query: "nb-results=1"), form, TestContext.Current.CancellationToken);
                    statuses[i] = response.StatusCode;
                }
            }));
        }
        finally
        {
            foreach (var client in http.SelectMany(h => h)) client.Dispose();
        }
        return statuses;
    }

    /// <summary>Exactly <paramref name="granted"/> answers are 200, all others 429, none anything else.</summary>
    public static void AssertExactlyGranted(HttpStatusCode[] statuses, int granted)
    {
        var summary = string.Join(", ", statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));
        Assert.True(statuses.All(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests), summary);
        Assert.True(granted == statuses.Count(s => s == HttpStatusCode.OK), summary);
        Assert.True(statuses.Length - granted == statuses.Count(s => s == HttpStatusCode.TooManyRequests), summary);
    }
}
