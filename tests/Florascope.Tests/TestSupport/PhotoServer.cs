using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// A real Kestrel server on 127.0.0.1 serving the files under a folder as photos, with fault routes that
/// answer like the photo hosts of an occurrence download sometimes do. Counts the requests it receives.
/// </summary>
/// <remarks>
/// Routes: <c>/photos/{**path}</c> the file under root (image/jpeg); <c>/404/{**path}</c> always 404;
/// <c>/500-then-200/{n}/{**path}</c> 500 for the first n requests of that URL path, then the file;
/// <c>/slow/{ms}/{**path}</c> waits ms (cancelled with the request) then the file; <c>/html/{**path}</c>
/// 200 "&lt;html&gt;not a photo&lt;/html&gt;" labelled image/jpeg (a lying server); <c>/huge/{**path}</c> 200,
/// a JPEG signature then up to <see cref="HugeBodyBytes"/> bytes, no Content-Length, until the client stops reading;
/// <c>/redirect/{n}/{**path}</c> a chain of n redirects (302) ending at /photos/{path}.
/// </remarks>
public sealed class PhotoServer : IAsyncDisposable
{
    /// <summary>The length of a /huge/ body: far over any limit a test sets.</summary>
    public const long HugeBodyBytes = 4L * 1024 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private int _total;
    private int _inFlight;
    private int _maxInFlight;

    private PhotoServer(WebApplication app, string root)
    {
        _app = app;
        _root = Path.GetFullPath(root);
    }

    public string BaseUrl { get; private set; } = "";

    public int TotalRequests => Volatile.Read(ref _total);

    /// <summary>The most requests this server was answering at once (from arrival until its answer starts).</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>The requests this server is answering now (from arrival until its answer starts).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Waits until no request is being answered and none arrived for half a second: a cancelled client's last requests may
    /// still be on their way, and a test that counts requests per run must not count them in the next one.
    /// </summary>
    public async Task WaitUntilQuietAsync(CancellationToken ct)
    {
        for (int quiet = 0, last = -1; quiet < 5;)
        {
            await Task.Delay(100, ct);
            var total = TotalRequests;
            quiet = total == last && InFlight == 0 ? quiet + 1 : 0;
            last = total;
        }
    }

    public static async Task<PhotoServer> StartAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new PhotoServer(app, root);
        app.Use(server.CountAsync);
        app.MapGet("/photos/{**path}", (string path) => server.File(path));
        app.MapGet("/404/{**path}", (string path) => Results.NotFound());
        app.MapGet("/500-then-200/{n:int}/{**path}", (int n, string path, HttpContext context) =>
            server.Requests(context.Request.Path + context.Request.QueryString) <= n ? Results.StatusCode(500) : server.File(path));
        app.MapGet("/slow/{ms:int}/{**path}", async (int ms, string path, CancellationToken ct) =>
        {
            try
            {
                await Task.Delay(ms, ct);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
            return server.File(path);
        });
        app.MapGet("/html/{**path}", (string path) => Results.Text("<html>not a photo</html>", "image/jpeg"));
        app.MapGet("/huge/{**path}", server.HugeAsync);
        app.MapGet("/redirect/{n:int}/{**path}", (int n, string path) =>
            Results.Redirect(n <= 1 ? $"/photos/{path}" : $"/redirect/{n - 1}/{path}"));
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        // Port 0: Kestrel replaces it with the port it bound.
        server.BaseUrl = app.Urls.Single().TrimEnd('/');
        return server;
    }

    /// <summary>Requests received for that exact URL path (and query), e.g. "/photos/Acer/1.jpg".</summary>
    public int Requests(string pathAndQuery) => _requests.GetValueOrDefault(pathAndQuery);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _total);
        _requests.AddOrUpdate(context.Request.Path + context.Request.QueryString, 1, (_, n) => n + 1);
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = _maxInFlight; now > max; max = _maxInFlight)
            Interlocked.CompareExchange(ref _maxInFlight, now, max);
        // Out of flight when the answer starts, before its first byte: a client can only have the whole
        // answer (and start its next request) after that, so the count never includes a finished request.
        var left = 0;
        context.Response.OnStarting(() =>
        {
            if (Interlocked.Exchange(ref left, 1) == 0) Interlocked.Decrement(ref _inFlight);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            if (Interlocked.Exchange(ref left, 1) == 0) Interlocked.Decrement(ref _inFlight);
        }
    }

    private IResult File(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        return full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && System.IO.File.Exists(full)
            ? Results.File(full, "image/jpeg")
            : Results.NotFound();
    }

    private async Task HugeAsync(HttpContext context)
    {
        context.Response.ContentType = "image/jpeg";
        var chunk = new byte[64 * 1024];
        chunk[0] = 0xFF;
        chunk[1] = 0xD8;
        chunk[2] = 0xFF;
        var ct = context.RequestAborted;
        try
        {
            for (long written = 0; written < HugeBodyBytes && !ct.IsCancellationRequested; written += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, ct);
                chunk[0] = chunk[1] = chunk[2] = 0;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client stopped reading: what the test wants.
        }
    }
}
