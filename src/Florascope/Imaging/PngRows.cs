using System.Buffers.Binary;
using System.IO.Compression;

namespace Florascope.Imaging;

/// <summary>
/// Reads a non-interlaced PNG one row at a time, as premultiplied RGBA, holding only the current and
/// previous rows. Skia's PNG codec has no scanline decoding (StartScanlineDecode answers
/// Unimplemented) and its incremental decode writes into a full-size bitmap, so large PNGs are read
/// here: every colour type and bit depth of the format, with tRNS transparency; gamma and colour
/// profiles are ignored (the picture is only reduced and shown to the network).
/// </summary>
public sealed class PngRows : IDisposable
{
    private readonly ZLibStream _inflate;
    private readonly int _colourType;
    private readonly int _depth;
    private readonly int _channels;
    private readonly int _filterStep;
    private readonly byte[] _palette;
    private readonly byte[]? _paletteAlpha;
    private readonly int[]? _transparent;
    private byte[] _row;
    private byte[] _previous;

    private PngRows(byte[] data, int idat, int width, int height, int depth, int colourType, byte[] palette, byte[]? paletteAlpha, int[]? transparent)
    {
        Width = width;
        Height = height;
        _depth = depth;
        _colourType = colourType;
        _channels = colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        _filterStep = Math.Max(1, _channels * depth / 8);
        var rowBytes = (int)(((long)width * _channels * depth + 7) / 8);
        _row = new byte[rowBytes + 1];
        _previous = new byte[rowBytes + 1];
        _palette = palette;
        _paletteAlpha = paletteAlpha;
        _transparent = transparent;
        _inflate = new ZLibStream(new IdatStream(data, idat), CompressionMode.Decompress);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Reads the header chunks up to the first IDAT; refuses interlaced files (their rows come in seven passes).</summary>
    public static PngRows Open(byte[] data)
    {
        try
        {
            var pos = 8;
            int width = 0, height = 0, depth = 0, colourType = -1;
            byte[] palette = [];
            byte[]? paletteAlpha = null;
            int[]? transparent = null;
            while (true)
            {
                var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos)));
                var type = data.AsSpan(pos + 4, 4);
                var body = data.AsSpan(pos + 8, length);
                if (type.SequenceEqual("IHDR"u8))
                {
                    width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body));
                    height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
                    (depth, colourType) = (body[8], body[9]);
                    if (body[12] != 0) throw Corrupt("interlaced rows cannot be read in order");
                    var valid = (colourType, depth) switch
                    {
                        (0, 1 or 2 or 4 or 8 or 16) or (3, 1 or 2 or 4 or 8) or (2 or 4 or 6, 8 or 16) => true,
                        _ => false,
                    };
                    if (!valid || width <= 0 || height <= 0) throw Corrupt($"colour type {colourType} with {depth} bits is not valid");
                }
                else if (type.SequenceEqual("PLTE"u8)) palette = body.ToArray();
                else if (type.SequenceEqual("tRNS"u8))
                {
                    if (colourType == 3) paletteAlpha = body.ToArray();
                    else if (colourType == 0 && length >= 2) transparent = [BinaryPrimitives.ReadUInt16BigEndian(body)];
                    else if (colourType == 2 && length >= 6)
                        transparent = [BinaryPrimitives.ReadUInt16BigEndian(body), BinaryPrimitives.ReadUInt16BigEndian(body[2..]), BinaryPrimitives.ReadUInt16BigEndian(body[4..])];
                }
                else if (type.SequenceEqual("IDAT"u8))
                {
                    if (colourType < 0) throw Corrupt("no header");
                    if (colourType == 3 && palette.Length < 3) throw Corrupt("no palette");
                    return new PngRows(data, pos, width, height, depth, colourType, palette, paletteAlpha, transparent);
                }
                else if (type.SequenceEqual("IEND"u8)) throw Corrupt("no image data");
                pos += 12 + length;
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw Corrupt("truncated");
        }
    }

    /// <summary>Reads the next row into <paramref name="rgba"/> (4 bytes a pixel, premultiplied).</summary>
    public void ReadRow(Span<byte> rgba)
    {
        (_row, _previous) = (_previous, _row);
        try
        {
            _inflate.ReadExactly(_row);
        }
        catch (EndOfStreamException)
        {
            throw Corrupt("truncated");
        }
        catch (InvalidDataException)
        {
            throw Corrupt("corrupt");
        }
        Unfilter(_row[0], _row.AsSpan(1), _previous.AsSpan(1), _filterStep);
        Expand(_row.AsSpan(1), rgba);
    }

    /// <summary>Undoes one of the five PNG filters in place (RFC 2083, 6).</summary>
    public static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int step)
    {
        switch (filter)
        {
            case 0: break;
            case 1: for (var i = step; i < row.Length; i++) row[i] += row[i - step]; break;
            case 2: for (var i = 0; i < row.Length; i++) row[i] += previous[i]; break;
            case 3:
                for (var i = 0; i < row.Length; i++) row[i] += (byte)(((i >= step ? row[i - step] : 0) + previous[i]) / 2);
                break;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    int a = i >= step ? row[i - step] : 0, b = previous[i], c = i >= step ? previous[i - step] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                break;
            default: throw Corrupt($"unknown row filter {filter}");
        }
    }

    private void Expand(ReadOnlySpan<byte> row, Span<byte> rgba)
    {
        // The common cases (8-bit RGB and RGBA) without the per-sample switch: a bomb has 120 M pixels.
        if (_depth == 8 && _colourType == 2 && _transparent is null)
        {
            for (int x = 0, i = 0, o = 0; x < Width; x++, i += 3, o += 4)
                (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (row[i], row[i + 1], row[i + 2], 255);
            return;
        }
        if (_depth == 8 && _colourType == 6)
        {
            row[..(Width * 4)].CopyTo(rgba);
            for (var o = 0; o < Width * 4; o += 4)
            {
                int a = rgba[o + 3];
                if (a == 255) continue;
                (rgba[o], rgba[o + 1], rgba[o + 2]) = ((byte)((rgba[o] * a + 127) / 255), (byte)((rgba[o + 1] * a + 127) / 255), (byte)((rgba[o + 2] * a + 127) / 255));
            }
            return;
        }
        for (var x = 0; x < Width; x++)
        {
            int r, g, b, a = 255;
            switch (_colourType)
            {
                case 0:
                    {
                        var v = Sample(row, x, 0);
                        if (_transparent is not null && v == _transparent[0]) a = 0;
                        r = g = b = To8(v);
                        break;
                    }
                case 2:
                    {
                        int vr = Sample(row, x, 0), vg = Sample(row, x, 1), vb = Sample(row, x, 2);
                        if (_transparent is not null && vr == _transparent[0] && vg == _transparent[1] && vb == _transparent[2]) a = 0;
                        (r, g, b) = (To8(vr), To8(vg), To8(vb));
                        break;
                    }
                case 3:
                    {
                        var i = Sample(row, x, 0);
                        if (i * 3 + 2 >= _palette.Length) throw Corrupt("a pixel points outside the palette");
                        (r, g, b) = (_palette[i * 3], _palette[i * 3 + 1], _palette[i * 3 + 2]);
                        if (_paletteAlpha is not null && i < _paletteAlpha.Length) a = _paletteAlpha[i];
                        break;
                    }
                case 4:
                    r = g = b = To8(Sample(row, x, 0));
                    a = To8(Sample(row, x, 1));
                    break;
                default:
                    (r, g, b, a) = (To8(Sample(row, x, 0)), To8(Sample(row, x, 1)), To8(Sample(row, x, 2)), To8(Sample(row, x, 3)));
                    break;
            }
            var o = x * 4;
            if (a == 255) (rgba[o], rgba[o + 1], rgba[o + 2]) = ((byte)r, (byte)g, (byte)b);
            else (rgba[o], rgba[o + 1], rgba[o + 2]) = ((byte)((r * a + 127) / 255), (byte)((g * a + 127) / 255), (byte)((b * a + 127) / 255));
            rgba[o + 3] = (byte)a;
        }
    }

    /// <summary>Channel <paramref name="c"/> of pixel <paramref name="x"/>, at the file's bit depth.</summary>
    private int Sample(ReadOnlySpan<byte> row, int x, int c)
    {
        var index = x * _channels + c;
        return _depth switch
        {
            8 => row[index],
            16 => row[index * 2] << 8 | row[index * 2 + 1],
            _ => row[index * _depth / 8] >> (8 - _depth - index * _depth % 8) & ((1 << _depth) - 1),
        };
    }

    private int To8(int v) => _depth switch
    {
        8 => v,
        16 => v >> 8,
        _ when _colourType == 3 => v,
        _ => v * 255 / ((1 << _depth) - 1),
    };

    private static ImageInputException Corrupt(string why) => new(ImageProblem.Corrupt, $"The PNG file is {(why is "truncated" or "corrupt" ? why : "corrupt: " + why)}.");

    public void Dispose() => _inflate.Dispose();

    /// <summary>The data of consecutive IDAT chunks as one stream (the zlib stream is split across them).</summary>
    private sealed class IdatStream(byte[] data, int chunk) : Stream
    {
        private int _pos = chunk + 8;
        private int _end = chunk + 8 + (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(chunk));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_pos == _end)
            {
                // Next chunk: past this one's CRC; stop at the first that is not IDAT.
                var next = _end + 4;
                if (next + 8 > data.Length || !data.AsSpan(next + 4, 4).SequenceEqual("IDAT"u8)) return 0;
                _pos = next + 8;
                _end = (int)Math.Min(data.Length, _pos + (long)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(next)));
            }
            var n = Math.Min(buffer.Length, Math.Min(_end, data.Length) - _pos);
            if (n <= 0) return 0;
            data.AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }

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
