namespace Florascope.Learning;

/// <summary>
/// Reports progress on the calling thread, in order (<see cref="Progress{T}"/> posts each report
/// to the thread pool, so a bar could show 90% after 100%).
/// </summary>
public sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
