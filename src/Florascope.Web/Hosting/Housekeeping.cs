using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Data.Jobs;
using Florascope.Data.Security;
using Florascope.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Hosting;

/// <summary>
/// The housekeeping job (hourly, <c>Florascope:Jobs:HousekeepingMinutes</c>): removes rows that can no
/// longer limit or admit anyone: counter windows older than two days (the longest window is a day), the
/// anonymous daily counts per address older than two days (salted address hashes are not kept for ever),
/// sessions ended or expired more than a day ago, and job runs older than 30 days that a later success
/// supersedes. Deleting them keeps these tables at the size of a day's traffic.
/// </summary>
public sealed class Housekeeping(IServiceScopeFactory scopes, TimeProvider clock, IOptions<FlorascopeOptions> options, ILogger<Housekeeping> log) : IJob
{
    public static readonly TimeSpan JobHistory = TimeSpan.FromDays(30);

    public JobName Name => JobName.Housekeeping;

    public TimeSpan? Period => JobsOptions.Period(options.Value.Jobs.HousekeepingMinutes);

    /// <summary>One pass; returns (counter windows, sessions, address days) removed.</summary>
    public static async Task<(int Counters, int Sessions, int Addresses)> RunOnceAsync(FlorascopeDb db, DateTime nowUtc, CancellationToken ct = default) =>
        (await RateCounterStore.PurgeAsync(db, nowUtc.AddDays(-2), ct), await SessionStore.PurgeAsync(db, nowUtc.AddDays(-1), ct),
            await QuotaStore.PurgeAddressesAsync(db, DateOnly.FromDateTime(nowUtc.AddDays(-2)), ct));

    public async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var (counters, sessions, addresses) = await RunOnceAsync(db, now, ct);
        var runs = await JobRunStore.PurgeAsync(db, now - JobHistory, ct);
        if (counters + sessions + addresses + runs > 0)
            log.LogInformation("Removed {Counters} old counter windows, {Sessions} old sessions, {Addresses} old address counts and {Runs} old job runs.",
                counters, sessions, addresses, runs);
    }
}
