using System.Buffers.Binary;
using System.IO.Compression;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// PNG files written byte by byte at test time, for the variants Skia's encoder does not make
/// (palette, 16-bit, Adam7 interlacing) and for huge all-zero pictures that compress to a few
/// hundred KB (decompression bombs).
/// </summary>
public static class PngFiles
{
    /// <summary>Adam7 passes: start x, start y, step x, step y.</summary>
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>An 8-bit RGB PNG of zeros (black): ~350 KB for 10950 x 10950, 360 MB once inflated.</summary>
    public static byte[] Black(int width, int height, bool interlaced = false) =>
        Write(width, height, 8, colourType: 2, interlaced, palette: null, 3, sample: null);

    /// <summary>An RGB PNG, 8 or 16 bits per sample, drawn by <paramref name="pixel"/> (8-bit values).</summary>
    public static byte[] Rgb(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel, int bitDepth = 8, bool interlaced = false)
    {
        var bytesPerPixel = 3 * bitDepth / 8;
        return Write(width, height, bitDepth, colourType: 2, interlaced, palette: null, bytesPerPixel, (x, y, dest) =>
        {
            var (r, g, b) = pixel(x, y);
            if (bitDepth == 8) { dest[0] = r; dest[1] = g; dest[2] = b; }
            else
            {
                // 16-bit samples, big-endian: the 8-bit value repeated (v * 257).
                dest[0] = r; dest[1] = r; dest[2] = g; dest[3] = g; dest[4] = b; dest[5] = b;
            }
        });
    }

    /// <summary>An 8-bit RGBA PNG (colour type 6) drawn by <paramref name="pixel"/>.</summary>
    public static byte[] Rgba(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel) =>
        Write(width, height, 8, colourType: 6, interlaced: false, palette: null, 4, (x, y, dest) =>
        {
            var (r, g, b, a) = pixel(x, y);
            (dest[0], dest[1], dest[2], dest[3]) = (r, g, b, a);
        });

    /// <summary>A greyscale PNG of 1, 2 or 4 bits a pixel (packed, most significant bits first); <paramref name="level"/> is 0..2^depth-1.</summary>
    public static byte[] Grey(int width, int height, int bitDepth, Func<int, int, int> level)
    {
        var packed = new byte[height][];
        for (var y = 0; y < height; y++)
        {
            packed[y] = new byte[(width * bitDepth + 7) / 8];
            for (var x = 0; x < width; x++)
                packed[y][x * bitDepth / 8] |= (byte)(level(x, y) << (8 - bitDepth - x * bitDepth % 8));
        }
        // One "pixel" per packed byte: the writer copies whole bytes.
        return Write(width, height, bitDepth, colourType: 0, interlaced: false, palette: null, 1, (x, y, dest) =>
        {
            if (x * bitDepth % 8 == 0) dest[0] = packed[y][x * bitDepth / 8];
        }, packedRows: true);
    }

    /// <summary>An 8-bit palette PNG: <paramref name="index"/> picks a colour of <paramref name="palette"/>.</summary>
    public static byte[] Palette(int width, int height, (byte R, byte G, byte B)[] palette, Func<int, int, byte> index) =>
        Write(width, height, 8, colourType: 3, interlaced: false, palette, 1, (x, y, dest) => dest[0] = index(x, y));

    private static byte[] Write(int width, int height, int bitDepth, byte colourType, bool interlaced, (byte R, byte G, byte B)[]? palette,
        int bytesPerPixel, Action<int, int, Span<byte>>? sample, bool packedRows = false)
    {
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = colourType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        Chunk(file, "IHDR", ihdr);
        if (palette is not null) Chunk(file, "PLTE", [.. palette.SelectMany(c => new[] { c.R, c.G, c.B })]);

        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            foreach (var (x0, y0, dx, dy) in interlaced ? Adam7 : [(0, 0, 1, 1)])
            {
                var columns = width > x0 ? (width - x0 + dx - 1) / dx : 0;
                if (columns == 0) continue;
                var row = new byte[1 + (packedRows ? (columns * bitDepth + 7) / 8 : columns * bytesPerPixel)]; // filter byte 0 (None), then the samples
                for (var y = y0; y < height; y += dy)
                {
                    // Without a drawing the row stays all zeros (black), which is quick for huge pictures.
                    for (var c = 0; sample is not null && !packedRows && c < columns; c++) sample(x0 + c * dx, y, row.AsSpan(1 + c * bytesPerPixel, bytesPerPixel));
                    for (var c = 0; sample is not null && packedRows && c < columns; c++) sample(c, y, row.AsSpan(1 + c * bitDepth / 8, 1));
                    zlib.Write(row);
                }
            }
        }
        Chunk(file, "IDAT", idat.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)data.Length);
        s.Write(four);
        byte[] typeAndData = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(four, TestImages.Crc32(typeAndData));
        s.Write(four);
    }
}
