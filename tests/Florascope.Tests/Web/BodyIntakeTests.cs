using System.Net;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Florascope.Tests.Web;

/// <summary>
/// BodyIntake on its own, with request bodies that never finish until the test says so: the share of
/// body slots per client address, and the whole-body deadline on the host's TimeProvider (a fake one
/// here, so no test waits for it). The addresses are loopback ones; nothing goes over a network.
/// </summary>
public sealed class BodyIntakeTests
{
    private const long MaxRequestBytes = 50L * 1024 * 1024;

    [Fact]
    public async Task OneAddressGetsItsShareOfBodySlotsAndThen429BeforeAnythingIsRead()
    {
        var limits = new ClientLimitOptions();
        var intake = new BodyIntake(limits, MaxRequestBytes, TimeProvider.System);
        var end = new TaskCompletionSource();
        var crowded = LoopbackAddress(2);

        var held = Enumerable.Range(0, limits.BodiesPerAddress).Select(_ => intake.ReceiveAsync(Request(crowded, new StalledBody(end.Task)))).ToList();
        Assert.Equal(limits.BodiesPerAddress, intake.InFlightFrom(crowded.ToString()));
        Assert.All(held, t => Assert.False(t.IsCompleted));

        // One more from the same address: refused at once, its body never touched.
        var untouched = new StalledBody(end.Task);
        var over = Request(crowded, untouched);
        var refused = await intake.ReceiveAsync(over);
        Assert.NotNull(refused);
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.StatusCode);
        Assert.Contains($"At most {limits.BodiesPerAddress} uploads at once from one address", refused.Value!.Message, StringComparison.Ordinal);
        Assert.Equal("1", over.Response.Headers.RetryAfter.ToString());
        Assert.Equal(0, untouched.Reads);
        Assert.Equal(limits.BodiesPerAddress, intake.InFlight);

        // Another address still has its own share.
        var other = intake.ReceiveAsync(Request(LoopbackAddress(3), new StalledBody(end.Task)));
        Assert.False(other.IsCompleted);
        Assert.Equal(limits.BodiesPerAddress + 1, intake.InFlight);

        // The bodies end: every slot comes back, and the address is served again.
        end.SetResult();
        Assert.All(await Task.WhenAll([.. held, other]).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), Assert.Null);
        Assert.Equal(0, intake.InFlight);
        Assert.Equal(0, intake.InFlightFrom(crowded.ToString()));
        Assert.Null(await intake.ReceiveAsync(Request(crowded, new StalledBody(Task.CompletedTask))));
    }

    [Fact]
    public async Task ABodyNotCompleteByTheDeadlineOfTheHostsClockIs408()
    {
        var limits = new ClientLimitOptions();
        var clock = new FakeTimeProvider();
        var intake = new BodyIntake(limits, MaxRequestBytes, clock);
        var never = new TaskCompletionSource();

        var receiving = intake.ReceiveAsync(Request(LoopbackAddress(4), new StalledBody(never.Task)));
        clock.Advance(TimeSpan.FromSeconds(limits.BodySeconds - 1));
        Assert.False(receiving.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var refused = await receiving.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.NotNull(refused);
        Assert.Equal(StatusCodes.Status408RequestTimeout, refused.StatusCode);
        Assert.Contains($"within {limits.BodySeconds:0} s", refused.Value!.Message, StringComparison.Ordinal);
        Assert.Equal(0, intake.InFlight);
    }

    private static IPAddress LoopbackAddress(int lastByte) => new([127, 0, 0, checked((byte)lastByte)]);

    private static DefaultHttpContext Request(IPAddress from, Stream body)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = from;
        context.Request.Method = "POST";
        context.Request.Body = body;
        return context;
    }

    /// <summary>A request body that sends nothing until <paramref name="end"/> completes, then ends.</summary>
    private sealed class StalledBody(Task end) : Stream
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            await end.WaitAsync(cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous reads only.");

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
