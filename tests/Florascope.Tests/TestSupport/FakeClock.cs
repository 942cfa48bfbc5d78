namespace Florascope.Tests.TestSupport;

/// <summary>A wall clock the test sets; only "now" is faked (timers and timestamps stay real).</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _utcTicks, now.UtcTicks);
}
