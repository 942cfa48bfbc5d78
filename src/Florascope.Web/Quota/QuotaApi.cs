using Florascope.Data;
using Florascope.Identification;
using Florascope.Data.ApiKeys;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Quota;

public sealed record DailyQuota(string Day, int Count, int Quota, int Remaining, int SecondsToReset);

public sealed record DayCount(string Day, int Count);

public static class QuotaApi
{
    public static RouteGroupBuilder MapQuotaApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v2/quota").WithTags("Quota");
        g.MapGet("/daily", Daily).WithSummary("Today's (UTC) identification count and what remains for this api-key.");
        g.MapGet("/history", History).WithSummary("Identifications counted per UTC day for this api-key.");
        return g;
    }

    public static async Task<Results<Ok<DailyQuota>, JsonHttpResult<ApiError>>> Daily(HttpRequest request, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var (key, error) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return error!;
        var day = QuotaStore.Today(clock);
        var count = await QuotaStore.CountAsync(db, key.Id, day, ct);
        return TypedResults.Ok(new DailyQuota(day.ToString("yyyy-MM-dd"), count, key.DailyQuota, Math.Max(0, key.DailyQuota - count), QuotaStore.SecondsToReset(clock)));
    }

    public static async Task<Results<Ok<List<DayCount>>, JsonHttpResult<ApiError>>> History(HttpRequest request, FlorascopeDb db, CancellationToken ct)
    {
        var (key, error) = await ApiKeyAccess.ResolveAsync(request, db, ct);
        if (key is null) return error!;
        var rows = await QuotaStore.HistoryAsync(db, key.Id, ct);
        return TypedResults.Ok(rows.Select(r => new DayCount(r.Day.ToString("yyyy-MM-dd"), r.Count)).ToList());
    }
}
