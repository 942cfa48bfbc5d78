using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Data.Security;

namespace Florascope.Web.Hosting;

/// <summary>
/// Hourly clean-up of rows that can no longer limit or admit anyone: counter windows older than
/// two days (the longest window is a day), the anonymous daily counts per address older than two
/// days (salted address hashes are not kept for ever) and sessions ended or expired more than a day
/// ago. Deleting them keeps these tables at the size of a day's traffic.
/// </summary>
public sealed class Housekeeping(IServiceScopeFactory scopes, TimeProvider clock, ILogger<Housekeeping> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>One pass; returns (counter windows, sessions, address days) removed.</summary>
    public static async Task<(int Counters, int Sessions, int Addresses)> RunOnceAsync(FlorascopeDb db, DateTime nowUtc, CancellationToken ct = default) =>
        (await RateCounterStore.PurgeAsync(db, nowUtc.AddDays(-2), ct), await SessionStore.PurgeAsync(db, nowUtc.AddDays(-1), ct),
            await QuotaStore.PurgeAddressesAsync(db, DateOnly.FromDateTime(nowUtc.AddDays(-2)), ct));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var (counters, sessions, addresses) = await RunOnceAsync(scope.ServiceProvider.GetRequiredService<FlorascopeDb>(), clock.GetUtcNow().UtcDateTime, stoppingToken);
                if (counters + sessions + addresses > 0)
                    log.LogInformation("Removed {Counters} old counter windows, {Sessions} old sessions and {Addresses} old address counts.", counters, sessions, addresses);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Housekeeping failed; it will run again in an hour.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
