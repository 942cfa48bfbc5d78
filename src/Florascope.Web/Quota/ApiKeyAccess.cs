using Florascope.Data;
using Florascope.Identification;
using Florascope.Data.ApiKeys;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Quota;

/// <summary>The api-key of a request (a query parameter, as in the Pl@ntNet API) and its quota headers.</summary>
public static class ApiKeyAccess
{
    public const string QueryName = "api-key";

    /// <summary>The active key named by the request, or the 401 to answer.</summary>
    public static async Task<(ApiKey? Key, JsonHttpResult<ApiError>? Error)> ResolveAsync(HttpRequest request, FlorascopeDb db, CancellationToken ct)
    {
        var secret = request.Query[QueryName].ToString();
        if (string.IsNullOrWhiteSpace(secret))
            return (null, ApiErrors.Error(StatusCodes.Status401Unauthorized, "Missing api-key: add ?api-key=<your key> to the URL."));
        var key = await ApiKeyStore.FindAsync(db, secret, ct);
        return key is null ? (null, ApiErrors.Error(StatusCodes.Status401Unauthorized, "Unknown or revoked api-key.")) : (key, null);
    }

    /// <summary>The 403 for a key not allowed to run surveys (<see cref="ApiKey.AllowSurvey"/>), or null when it is.</summary>
    public static JsonHttpResult<ApiError>? SurveyRefusal(ApiKey key) => key.AllowSurvey ? null
        : ApiErrors.Error(StatusCodes.Status403Forbidden, "This api-key may not run surveys: the operator allows it (florascope apikey create --allow-survey, or the key's page for administrators).");

    /// <summary>The IETF RateLimit headers, as the Pl@ntNet API sends them on counted requests.</summary>
    public static void AddQuotaHeaders(HttpResponse response, ApiKey key, int used, TimeProvider clock)
    {
        response.Headers["RateLimit-Policy"] = $"\"dailyQuota\";q={key.DailyQuota};w=86400";
        response.Headers["RateLimit"] = $"\"dailyQuota\";r={Math.Max(0, key.DailyQuota - used)};t={QuotaStore.SecondsToReset(clock)}";
    }
}
