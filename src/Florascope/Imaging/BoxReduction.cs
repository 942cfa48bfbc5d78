namespace Florascope.Imaging;

/// <summary>
/// Shrinks an RGBA picture by an integer factor while its rows arrive one by one: each output pixel
/// is the mean of a factor x factor block of source pixels (a smaller block at the right and bottom
/// edges). Only the running sums of one output row are kept, so the memory used does not depend on
/// the source height.
/// </summary>
public sealed class BoxReduction
{
    private readonly int _width;
    private readonly int _factor;
    private readonly int _outWidth;
    private readonly uint[] _sums;

    public BoxReduction(int width, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        _width = width;
        _factor = factor;
        _outWidth = Reduced(width, factor);
        _sums = new uint[_outWidth * 4];
    }

    /// <summary>Source rows added since the last <see cref="Flush"/>.</summary>
    public int Rows { get; private set; }

    /// <summary>The reduced length of a side (a partial block at the end still makes a pixel).</summary>
    public static int Reduced(int size, int factor) => (size + factor - 1) / factor;

    /// <summary>
    /// The largest factor whose reduced size still satisfies <paramref name="enough"/> (the caller's
    /// "covers the output"); 1 when even the full size does not.
    /// </summary>
    public static int Factor(int width, int height, Func<int, int, bool> enough)
    {
        var factor = 1;
        while (factor < Math.Max(width, height) && enough(Reduced(width, factor + 1), Reduced(height, factor + 1))) factor++;
        return factor;
    }

    /// <summary>Adds one source row of <c>width</c> RGBA pixels.</summary>
    public void Add(ReadOnlySpan<byte> row)
    {
        if (row.Length < _width * 4) throw new ArgumentException($"A row has {_width * 4} bytes.", nameof(row));
        if (Rows == _factor) throw new InvalidOperationException("Flush the full block first.");
        for (var o = 0; o < _outWidth; o++)
        {
            var end = Math.Min(_width, (o + 1) * _factor) * 4;
            uint r = 0, g = 0, b = 0, a = 0;
            for (var i = o * _factor * 4; i < end; i += 4)
            {
                r += row[i];
                g += row[i + 1];
                b += row[i + 2];
                a += row[i + 3];
            }
            _sums[o * 4] += r;
            _sums[o * 4 + 1] += g;
            _sums[o * 4 + 2] += b;
            _sums[o * 4 + 3] += a;
        }
        Rows++;
    }

    /// <summary>Writes the mean of the rows added since the last flush as one output row, and starts the next.</summary>
    public void Flush(Span<byte> output)
    {
        if (output.Length < _outWidth * 4) throw new ArgumentException($"An output row has {_outWidth * 4} bytes.", nameof(output));
        if (Rows == 0) throw new InvalidOperationException("No row was added.");
        for (var o = 0; o < _outWidth; o++)
        {
            var count = (uint)((Math.Min(_width, (o + 1) * _factor) - o * _factor) * Rows);
            for (var c = 0; c < 4; c++)
            {
                output[o * 4 + c] = (byte)((_sums[o * 4 + c] + count / 2) / count);
                _sums[o * 4 + c] = 0;
            }
        }
        Rows = 0;
    }
}
