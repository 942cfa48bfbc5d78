namespace Florascope.Web.OpenData;

/// <summary>
/// A read-only stream over a forward-only one (an object store's download) whose length is known, that
/// can seek forward: the framework's range processing seeks once to the start of the range before it
/// copies, and an object store answers a plain GET. The skipped bytes are read and dropped on the next
/// read (asynchronously); seeking backwards is not supported.
/// </summary>
public sealed class ForwardSeekStream(Stream inner, long length) : Stream
{
    private long _position;
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < _read) throw new NotSupportedException("This stream only seeks forward.");
        _position = target;
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_read < _position)
        {
            var skip = new byte[(int)Math.Min(64 * 1024, _position - _read)];
            while (_read < _position)
            {
                var n = await inner.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, _position - _read)), cancellationToken);
                if (n == 0) return 0;
                _read += n;
            }
        }
        var count = await inner.ReadAsync(buffer, cancellationToken);
        _read += count;
        _position = _read;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
