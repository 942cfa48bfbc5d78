using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Florascope.Tests.TestSupport;

/// <summary>How a slow client's request ended: dropped by the server (when, and the status if one was sent) or not.</summary>
public sealed record TrickleOutcome(bool Dropped, TimeSpan After, int? Status, long BytesSent);

/// <summary>
/// Clients whose connections leave from a chosen loopback address (127.0.0.2 and up), so that
/// per-address limits see distinct clients. Loopback only: every address here is in 127.0.0.0/8.
/// </summary>
public static class LoopbackClients
{
    public static IPAddress Address(int lastByte) => new([127, 0, 0, checked((byte)lastByte)]);

    /// <summary>An HttpClient whose connections are bound to <paramref name="local"/>.</summary>
    public static HttpClient From(IPAddress local, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = await ConnectAsync(local, context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(1) };

    public static async Task<Socket> ConnectAsync(IPAddress local, EndPoint server, CancellationToken ct)
    {
        if (!IPAddress.IsLoopback(local)) throw new ArgumentException("Loopback addresses only.", nameof(local));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(server, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>
/// The attack of issue 9: a multipart POST that declares a large body and sends it a little at a
/// time, from its own loopback address, over a raw socket (an HTTP client would not send this slowly).
/// </summary>
public sealed class Trickler : IDisposable
{
    private readonly Socket _socket;
    private long _sent;

    private Trickler(Socket socket) => _socket = socket;

    /// <summary>Connects and sends the request head and the start of a file part; the rest is owed.</summary>
    public static async Task<Trickler> StartAsync(IPAddress local, Uri server, string pathAndQuery, long declaredBytes, CancellationToken ct)
    {
        if (!IPAddress.IsLoopback(IPAddress.Parse(server.Host))) throw new ArgumentException("Loopback servers only.", nameof(server));
        var socket = await LoopbackClients.ConnectAsync(local, new IPEndPoint(IPAddress.Parse(server.Host), server.Port), ct);
        var trickler = new Trickler(socket);
        var head = $"POST {pathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: multipart/form-data; boundary=trickle\r\n" +
            $"Content-Length: {declaredBytes}\r\n\r\n" +
            "--trickle\r\nContent-Disposition: form-data; name=\"images\"; filename=\"slow.png\"\r\nContent-Type: image/png\r\n\r\n";
        await trickler.SendAsync(Encoding.ASCII.GetBytes(head), ct);
        return trickler;
    }

    /// <summary>
    /// Sends <paramref name="bytesPerSecond"/> (in four slices a second) until the server answers or
    /// closes the connection, or <paramref name="max"/> has passed.
    /// </summary>
    public async Task<TrickleOutcome> RunAsync(int bytesPerSecond, TimeSpan max, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var slice = new byte[Math.Max(1, bytesPerSecond / 4)];
        while (clock.Elapsed < max)
        {
            if (_socket.Poll(0, SelectMode.SelectRead)) return new TrickleOutcome(true, clock.Elapsed, await ReadStatusAsync(ct), _sent);
            try
            {
                await SendAsync(slice, ct);
            }
            catch (SocketException)
            {
                return new TrickleOutcome(true, clock.Elapsed, null, _sent);
            }
            await Task.Delay(250, ct);
        }
        return new TrickleOutcome(false, clock.Elapsed, null, _sent);
    }

    /// <summary>Waits, sending nothing more, for the server's answer; its status, or null when the connection closed without one.</summary>
    public async Task<int?> AnswerAsync(TimeSpan max, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(max);
        return await ReadStatusAsync(timeout.Token);
    }

    private async Task SendAsync(byte[] bytes, CancellationToken ct)
    {
        await _socket.SendAsync(bytes, SocketFlags.None, ct);
        _sent += bytes.Length;
    }

    private async Task<int?> ReadStatusAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            var line = Encoding.ASCII.GetString(buffer, 0, n).Split("\r\n")[0].Split(' ');
            return n > 12 && line.Length > 1 && int.TryParse(line[1], out var status) ? status : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public void Dispose() => _socket.Dispose();
}
