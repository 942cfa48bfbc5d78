using Microsoft.Extensions.Caching.Memory;

namespace Florascope.Web.Statistics;

/// <summary>
/// Statistics answers kept for <see cref="Lifetime"/>, by their checked parameters: the figures scan
/// many rows (seconds over a million observations on SQLite), they are public, and a minute-old
/// count is as good as a fresh one for a chart. One per server (the tests run several in a process),
/// at most <see cref="MaxEntries"/> answers, so varied parameters cannot grow it without bound.
/// </summary>
public sealed class StatsCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    public const int MaxEntries = 1000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public async Task<T> GetAsync<T>(object key, Func<Task<T>> compute) where T : class
    {
        // Keys are value tuples of records: equal parameters, equal keys.
        var fullKey = (typeof(StatsCache), key);
        if (_cache.TryGetValue(fullKey, out T? hit) && hit is not null) return hit;
        var value = await compute();
        _cache.Set(fullKey, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
        return value;
    }

    public void Dispose() => _cache.Dispose();
}
