using System.Security.Cryptography;
using System.Text;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Identify;

/// <summary>
/// POST /api/identify/{project}: the web app's identification, the same contract as /v2/identify
/// without an api-key. Without an account it is limited per network address and UTC day
/// (Florascope:AnonymousDailyIdentifications); addresses are stored only as salted hashes.
/// </summary>
public static class WebIdentifyApi
{
    public static IEndpointConventionBuilder MapWebIdentifyApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/identify/{project}", Post).DisableAntiforgery().WithTags("Identify")
            .WithSummary("Identify from the web app: like /v2/identify, no api-key; a daily limit per address without an account.");

    public static async Task<IResult> Post(string project, HttpContext context, FlorascopeDb db, IdentificationEngine engine, InferencePool pool,
        AddressSalt salt, IOptions<FlorascopeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (query, queryError) = IdentifyApi.ParseQuery(context.Request.Query);
        if (query is null) return ApiErrors.BadRequest(queryError!);
        var signedIn = AccountsApi.CurrentUserId(context.User) is not null;
        var limit = options.Value.AnonymousDailyIdentifications;
        return await IdentifyApi.RunAsync(project, context.Request, query, engine, pool, async () =>
        {
            if (signedIn) return (null, null);
            var used = await QuotaStore.TryConsumeAddressAsync(db, salt.Hash(context.Connection.RemoteIpAddress?.ToString() ?? "unknown"), limit, QuotaStore.Today(clock), ct);
            return used is null
                ? (null, ApiErrors.Error(429, $"The {limit} identifications a day without an account are used up from this address; sign in, or come back after 00:00 UTC."))
                : (limit - used.Value, null);
        }, ct);
    }
}

/// <summary>A random salt kept in the data directory, so that stored address hashes cannot be reversed by enumeration.</summary>
public sealed class AddressSalt
{
    private readonly byte[] _salt;

    public AddressSalt(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "address-salt");
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N")[..8];
            File.WriteAllBytes(temp, RandomNumberGenerator.GetBytes(32));
            // First writer wins; a concurrent second start reads the same file.
            try { File.Move(temp, path, overwrite: false); } catch (IOException) { File.Delete(temp); }
        }
        _salt = File.ReadAllBytes(path);
    }

    public string Hash(string address) => Convert.ToHexStringLower(HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(address)));
}
