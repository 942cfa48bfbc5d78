using System.Buffers.Binary;
using SkiaSharp;

namespace Florascope.Tests.TestSupport;

/// <summary>Image files made at test time: real encodings from Skia, plus a few hand-built headers.</summary>
public static class TestImages
{
    /// <summary>Draws rectangles of solid colour on a background and encodes the picture.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format, SKColor background,
        params (SKRect Rect, SKColor Color)[] rects)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Cannot create a Skia surface.");
        var canvas = surface.Canvas;
        canvas.Clear(background);
        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        foreach (var (rect, color) in rects)
        {
            paint.Color = color;
            canvas.DrawRect(rect, paint);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 95)
            ?? throw new InvalidOperationException($"Skia cannot encode {format} here.");
        return data.ToArray();
    }

    public static byte[] Jpeg(int width, int height, SKColor background, params (SKRect Rect, SKColor Color)[] rects) =>
        Encode(width, height, SKEncodedImageFormat.Jpeg, background, rects);

    /// <summary>Left half red, right half blue.</summary>
    public static byte[] RedBlueJpeg(int width = 400, int height = 300) =>
        Jpeg(width, height, SKColors.Blue, (new SKRect(0, 0, width / 2f, height), SKColors.Red));

    /// <summary>A square in four colours: top-left red, top-right lime, bottom-left blue, bottom-right white.</summary>
    public static byte[] QuadrantJpeg(int size = 320)
    {
        var h = size / 2f;
        return Jpeg(size, size, SKColors.White,
            (new SKRect(0, 0, h, h), SKColors.Red),
            (new SKRect(h, 0, size, h), SKColors.Lime),
            (new SKRect(0, h, h, size), SKColors.Blue));
    }

    /// <summary>
    /// Inserts an APP1 Exif segment right after SOI holding one IFD entry, Orientation (0x0112) = <paramref name="orientation"/>.
    /// Big-endian TIFF ("MM") so the bytes read as written.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg is not [0xFF, 0xD8, ..]) throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        byte[] payload =
        [
            .. "Exif\0\0"u8,
            .. "MM\0*"u8, 0, 0, 0, 8,            // TIFF header, IFD0 at offset 8
            0, 1,                                 // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1,         // Orientation, SHORT, count 1
            (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,                           // no next IFD
        ];
        var length = payload.Length + 2; // the length field counts itself
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }

    /// <summary>
    /// A PNG whose IHDR claims the given size, followed by a tiny IDAT and IEND: enough for a decoder
    /// to read the header, far too little to ever fill the pixels.
    /// </summary>
    public static byte[] PngWithHeader(uint width, uint height, bool correctCrc = true)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type RGB
        WriteChunk(ms, "IHDR", ihdr, correctCrc);
        // zlib stream of a single empty stored block: valid, but holds no scanline.
        WriteChunk(ms, "IDAT", [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01], true);
        WriteChunk(ms, "IEND", [], true);
        return ms.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data, bool correctCrc)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
        s.Write(len);
        var typeAndData = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(typeAndData, 0);
        data.CopyTo(typeAndData, 4);
        s.Write(typeAndData);
        var crc = Crc32(typeAndData);
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, correctCrc ? crc : ~crc);
        s.Write(crcBytes);
    }

    /// <summary>CRC-32 (IEEE, reflected, as PNG uses); System.IO.Hashing is not referenced.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>The classic smallest valid GIF: 1x1, one transparent pixel.</summary>
    public static byte[] Gif1x1() =>
    [
        .. "GIF89a"u8, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00,
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    public static byte[] WebP(int width = 64, int height = 48) =>
        Encode(width, height, SKEncodedImageFormat.Webp, SKColors.ForestGreen);

    public static byte[] TextFile() => "scientificName\tauthor\nRosa canina\tL.\n"u8.ToArray();

    /// <summary>A real photo scaled up to phone-camera size (JPEG q90): decoding and downscaling paths see a large image.</summary>
    public static byte[] Upscaled(byte[] photo, int width, int height)
    {
        using var source = SKBitmap.Decode(photo) ?? throw new InvalidDataException("Not a decodable photo.");
        using var big = source.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var image = SKImage.FromBitmap(big);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>
    /// Inserts an Exif APP1 segment with DateTimeOriginal and a GPS position, as a phone writes them
    /// (big-endian TIFF; degrees, minutes, seconds as rationals).
    /// </summary>
    public static byte[] WithExifGps(byte[] jpeg, double latitude, double longitude, DateTime taken)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(long v) { tiff.Add((byte)(v >> 24)); tiff.Add((byte)(v >> 16)); tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void Entry(int tag, int type, long count, long value) { U16(tag); U16(type); U32(count); U32(value); }
        // Layout: header 8 | IFD0 (2 entries) 30 | Exif IFD (1 entry) 18 | GPS IFD (4 entries) 54 | date 20 | lat 24 | lon 24
        const int ifd0 = 8, exifIfd = ifd0 + 30, gpsIfd = exifIfd + 18, date = gpsIfd + 54, lat = date + 20, lon = lat + 24;
        tiff.AddRange("MM\0*"u8.ToArray()); U32(ifd0);
        U16(2); Entry(0x8769, 4, 1, exifIfd); Entry(0x8825, 4, 1, gpsIfd); U32(0);
        U16(1); Entry(0x9003, 2, 20, date); U32(0);
        U16(4);
        Entry(0x0001, 2, 2, (latitude >= 0 ? 'N' : 'S') << 24);
        Entry(0x0002, 5, 3, lat);
        Entry(0x0003, 2, 2, (longitude >= 0 ? 'E' : 'W') << 24);
        Entry(0x0004, 5, 3, lon);
        U32(0);
        tiff.AddRange(System.Text.Encoding.ASCII.GetBytes(taken.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "\0"));
        foreach (var value in new[] { Math.Abs(latitude), Math.Abs(longitude) })
        {
            var d = Math.Floor(value);
            var m = Math.Floor((value - d) * 60);
            var sec = (value - d - m / 60) * 3600;
            U32((long)d); U32(1); U32((long)m); U32(1); U32((long)Math.Round(sec * 1000)); U32(1000);
        }
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }
    /// <summary>
    /// Inserts an Exif APP1 segment with DateTimeOriginal and OffsetTimeOriginal (tag 0x9011, e.g. "+05:30"),
    /// as cameras since EXIF 2.31 write the local time and its UTC offset (little-endian TIFF, no GPS).
    /// </summary>
    public static byte[] WithExifOffset(byte[] jpeg, DateTime taken, string offsetTimeOriginal)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); }
        void U32(long v) { tiff.Add((byte)v); tiff.Add((byte)(v >> 8)); tiff.Add((byte)(v >> 16)); tiff.Add((byte)(v >> 24)); }
        void Entry(int tag, int type, long count, long value) { U16(tag); U16(type); U32(count); U32(value); }
        var offsetText = System.Text.Encoding.ASCII.GetBytes(offsetTimeOriginal + "\0");
        // Layout: header 8 | IFD0 (1 entry) 18 | Exif IFD (2 entries) 30 | date 20 | offset text (7 bytes, over 4 so stored apart)
        const int ifd0 = 8, exifIfd = ifd0 + 18, date = exifIfd + 30, offset = date + 20;
        tiff.AddRange("II*\0"u8.ToArray()); U32(ifd0);
        U16(1); Entry(0x8769, 4, 1, exifIfd); U32(0);
        U16(2); Entry(0x9003, 2, 20, date); Entry(0x9011, 2, offsetText.Length, offset); U32(0);
        tiff.AddRange(System.Text.Encoding.ASCII.GetBytes(taken.ToString("yyyy:MM:dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "\0"));
        tiff.AddRange(offsetText);
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [0xFF, 0xD8, 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }
}
