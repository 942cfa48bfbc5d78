using Florascope.Data.Security;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Florascope.Identification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;
using Microsoft.AspNetCore.WebUtilities;
using Florascope.Messages;

namespace Florascope.Web.Hosting;

/// <summary>What one client may hold of this process while its request arrives (section Florascope:Clients).</summary>
public sealed class ClientLimitOptions
{
    /// <summary>
    /// Requests at once per client address on the expensive endpoints (identification, saving an
    /// observation); beyond it 429 with Retry-After. Per process: across nodes nginx's limit_conn does it.
    /// </summary>
    public int ConcurrentRequestsPerAddress { get; set; } = 16;

    /// <summary>Request bodies being received at once, all clients together; beyond it 503 with Retry-After.</summary>
    public int BodiesInFlight { get; set; } = 64;

    /// <summary>
    /// Request bodies being received at once from one client address (<see cref="ClientAddress.Key"/>);
    /// beyond it 429 with Retry-After, before anything is read. Without it a few addresses sending just
    /// above the minimum rate would hold every one of the <see cref="BodiesInFlight"/> for a minute.
    /// </summary>
    public int BodiesPerAddress { get; set; } = 4;

    /// <summary>Bytes of one body kept in memory while it arrives; the rest goes to a temporary file.</summary>
    public int BodyMemoryBytes { get; set; } = 1024 * 1024;

    /// <summary>Slowest accepted body, in bytes per second, once <see cref="BodyGraceSeconds"/> have passed (Kestrel's own default is 240).</summary>
    public double MinBodyBytesPerSecond { get; set; } = 10 * 1024;

    public double BodyGraceSeconds { get; set; } = 5;

    /// <summary>Time a whole body may take to arrive; a body not complete by then is refused with 408.</summary>
    public double BodySeconds { get; set; } = 60;
}

/// <summary>
/// Admission of client requests before any work is spent on them: a cap on concurrent requests per
/// address (ASP.NET Core's rate limiter, a concurrency limiter per address), Kestrel's minimum body
/// data rate, and <see cref="BodyIntake"/>, which receives a whole body before the request may hold
/// an inference place.
/// </summary>
public static class ClientLimits
{
    /// <summary>The rate-limiter policy of the expensive endpoints.</summary>
    public const string PerAddress = "per-address";

    public static IServiceCollection AddClientLimits(this IServiceCollection services, FlorascopeOptions options)
    {
        var limits = options.Clients;
        services.AddSingleton(sp => new BodyIntake(limits, options.MaxRequestBytes, sp.GetRequiredService<TimeProvider>()));
        services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.AddPolicy(PerAddress, context => RateLimitPartition.GetConcurrencyLimiter(AddressOf(context),
                _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentRequestsPerAddress, QueueLimit = 0 }));
            r.OnRejected = async (rejected, ct) =>
            {
                ServerMetrics.Refused(LimitKind.RequestsPerAddress);
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = "1";
                await ApiErrors.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                    MessageText.Of("server.limits.requests-per-address", "At most {max} requests at once from one address on this endpoint; retry when one has finished.", ("max", limits.ConcurrentRequestsPerAddress)));
            };
        });
        return services;
    }

    /// <summary>Kestrel's limits on slow bodies: dropped with 408 when slower than the minimum rate after the grace period.</summary>
    public static void Configure(KestrelServerLimits kestrel, ClientLimitOptions limits) =>
        kestrel.MinRequestBodyDataRate = new MinDataRate(limits.MinBodyBytesPerSecond, TimeSpan.FromSeconds(limits.BodyGraceSeconds));

    /// <summary>Puts an endpoint under the per-address cap.</summary>
    public static TBuilder RequireClientLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerAddress);

    /// <summary>The client, as every per-address limit counts it (<see cref="ClientAddress.Key"/>).</summary>
    public static string AddressOf(HttpContext context) => ClientAddress.Key(context.Connection.RemoteIpAddress);

}

/// <summary>
/// Receives a request's whole body before the request may queue for an inference place, so that a
/// slow client holds only a body slot (at most <see cref="ClientLimitOptions.BodiesInFlight"/>, of which
/// at most <see cref="ClientLimitOptions.BodiesPerAddress"/> per address), never a worker. The body is buffered: <see cref="ClientLimitOptions.BodyMemoryBytes"/> in memory, the rest
/// in a temporary file, at most the request limit; then it is read again from the start.
/// </summary>
public sealed class BodyIntake(ClientLimitOptions limits, long maxRequestBytes, TimeProvider clock)
{
    private readonly SemaphoreSlim _bodies = new(limits.BodiesInFlight, limits.BodiesInFlight);
    // Open bodies per client address; an address leaves the map when its last body ends.
    private readonly Dictionary<string, int> _byAddress = [];
    private readonly Lock _gate = new();

    /// <summary>Bodies being received now.</summary>
    public int InFlight => limits.BodiesInFlight - _bodies.CurrentCount;

    /// <summary>Null once the whole body is here (and rewound), else the refusal to send.</summary>
    public async Task<JsonHttpResult<ApiError>?> ReceiveAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > maxRequestBytes) return TooLarge();
        var address = ClientLimits.AddressOf(context);
        if (!TryEnter(address))
        {
            ServerMetrics.Refused(LimitKind.UploadsPerAddress);
            context.Response.Headers.RetryAfter = "1";
            return ApiErrors.Error(StatusCodes.Status429TooManyRequests,
                MessageText.Of("server.limits.uploads-per-address", "At most {max} uploads at once from one address; retry when one has arrived.", ("max", limits.BodiesPerAddress)));
        }
        if (!_bodies.Wait(0))
        {
            Leave(address);
            ServerMetrics.Refused(LimitKind.UploadsInFlight);
            context.Response.Headers.RetryAfter = "2";
            return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, MessageText.Of("server.limits.uploads", "Too many uploads are arriving at once; retry in a few seconds."));
        }
        // The framework's clock, so that the deadline follows the host's TimeProvider like every other timer.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(limits.BodySeconds), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        try
        {
            request.EnableBuffering(limits.BodyMemoryBytes, maxRequestBytes);
            await request.Body.DrainAsync(linked.Token);
            request.Body.Position = 0;
            return null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return ApiErrors.Error(StatusCodes.Status408RequestTimeout,
                MessageText.Of("server.limits.slow-body", "The request body arrived slower than {rate} KB/s; send it faster or smaller.", ("rate", (limits.MinBodyBytesPerSecond / 1024).ToString("0.#", CultureInfo.InvariantCulture))));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            return ApiErrors.Error(StatusCodes.Status408RequestTimeout,
                MessageText.Of("server.limits.late-body", "The request body did not arrive within {seconds} s; send it faster or smaller.", ("seconds", limits.BodySeconds.ToString("0", CultureInfo.InvariantCulture))));
        }
        catch (OperationCanceledException)
        {
            // The client went away: nobody reads this answer, but it ends the request without an error log.
            return ApiErrors.BadRequest(MessageText.Of("server.limits.aborted", "The request was aborted by the client."));
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            return ApiErrors.BadRequest(MessageText.Of("server.limits.unreadable-body", "The request body cannot be read: the connection failed or the body is malformed."));
        }
        finally
        {
            _bodies.Release();
            Leave(address);
        }
    }

    /// <summary>Bodies being received now from one client address (as <see cref="ClientAddress.Key"/> writes it).</summary>
    public int InFlightFrom(string address)
    {
        lock (_gate) return _byAddress.GetValueOrDefault(address);
    }

    private bool TryEnter(string address)
    {
        lock (_gate)
        {
            var open = _byAddress.GetValueOrDefault(address);
            if (open >= limits.BodiesPerAddress) return false;
            _byAddress[address] = open + 1;
            return true;
        }
    }

    private void Leave(string address)
    {
        lock (_gate)
        {
            if (_byAddress[address] is var open && open > 1) _byAddress[address] = open - 1;
            else _byAddress.Remove(address);
        }
    }

    private JsonHttpResult<ApiError> TooLarge() =>
        ApiErrors.Error(StatusCodes.Status413PayloadTooLarge, MessageText.Of("server.limits.too-large", "The request body is larger than the limit ({limit}).", ("limit", Home.PublicLimits.Size(maxRequestBytes))));
}
