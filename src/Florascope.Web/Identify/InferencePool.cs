using Florascope.Messages;
namespace Florascope.Web.Identify;

/// <summary>
/// Bounds the work on images: at most <c>workers</c> decodings and network runs at once, at most
/// <c>queueLimit</c> more requests admitted and waiting. Requests are admitted only once their whole
/// body has arrived (<see cref="Hosting.BodyIntake"/>), so a slow client never holds a place; one
/// over the limit is refused at once (503).
/// </summary>
public sealed class InferencePool(int workers, int queueLimit)
{
    private readonly SemaphoreSlim _slots = new(workers, workers);
    private int _admitted;
    private int _waiting;

    public int Workers { get; } = workers;
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Admitted requests waiting for a worker slot now (the queue length).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>The answer when <see cref="TryAdmit"/> refuses: 503 with Retry-After.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Florascope.Identification.ApiError> Saturated(HttpResponse response)
    {
        Hosting.ServerMetrics.Refused(Hosting.LimitKind.InferenceSaturated);
        response.Headers.RetryAfter = "2";
        return Hosting.ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, MessageText.Of("server.saturated", "The identification service is saturated; retry in a few seconds."));
    }

    /// <summary>Admits a request, or returns null when workers and queue are all taken.</summary>
    public Admission? TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) > Workers + queueLimit)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        return new Admission(this);
    }

    public sealed class Admission(InferencePool pool) : IDisposable
    {
        private int _disposed;

        /// <summary>
        /// Waits (in the queue) for a worker slot; dispose the result to free it. Decoding and the
        /// network both run inside the slot, so CPU work never exceeds the workers.
        /// </summary>
        public async Task<IDisposable> WorkerAsync(CancellationToken ct)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            Interlocked.Increment(ref pool._waiting);
            try
            {
                await pool._slots.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref pool._waiting);
            }
            Hosting.ServerMetrics.InferenceWaited(start);
            return new Slot(pool._slots);
        }

        private sealed class Slot(SemaphoreSlim slots) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref pool._admitted);
        }
    }
}
