using System.Security.Cryptography;
using System.Text;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Data.Security;
using Florascope.Identification;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;
using Florascope.Messages;

namespace Florascope.Web.Identify;

/// <summary>
/// POST /api/identify/{project}: the web app's identification, the same contract as /v2/identify
/// without an api-key. Without an account it is limited per network address and UTC day
/// (Florascope:AnonymousDailyIdentifications; addresses are stored only as salted hashes), signed in
/// per account and UTC day (Florascope:SignedInDailyIdentifications).
/// </summary>
public static class WebIdentifyApi
{
    public static IEndpointConventionBuilder MapWebIdentifyApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/identify/{project}", Post).DisableAntiforgery().WithTags("Identify").RequireClientLimits().WithDomainErrors()
            .WithSummary("Identify from the web app: like /v2/identify, no api-key; a daily limit per address without an account, per account when signed in.");

    public static async Task<IResult> Post(string project, HttpContext context, FlorascopeDb db, IdentificationEngine engine, InferencePool pool,
        BodyIntake intake, AddressSalt salt, IOptions<FlorascopeOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (query, queryError) = IdentifyApi.ParseQuery(context.Request.Query);
        if (query is null) return ApiErrors.BadRequest(queryError!);
        var charge = IdentifyCharge.ForWeb(context, db, salt, options.Value, clock, ct);
        return await IdentifyApi.RunAsync(project, context, query, engine, pool, intake, charge, ct);
    }
}

/// <summary>
/// A random salt, so that stored address hashes cannot be reversed by enumeration. Kept in the database
/// (<see cref="ServerSecrets"/>), so that every node hashes an address alike and a daily limit per
/// address holds across nodes; a legacy <c>address-salt</c> file of the data directory is adopted first,
/// so that a running single-node deployment keeps its counts.
/// </summary>
public sealed class AddressSalt(byte[] salt)
{
    public const string FileName = "address-salt";

    public static AddressSalt Load(FlorascopeDb db, string dataDirectory, DateTime nowUtc)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return new AddressSalt(ServerSecrets.GetOrAdd(db, ServerSecrets.AddressSalt,
            () => File.Exists(path) ? File.ReadAllBytes(path) : RandomNumberGenerator.GetBytes(32), nowUtc));
    }

    public string Hash(string address) => Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(address)));
}
