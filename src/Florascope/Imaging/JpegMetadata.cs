namespace Florascope.Imaging;

/// <summary>
/// Finds and removes the metadata segments of a JPEG (APP1: EXIF with GPS, camera serial, XMP;
/// APP13: Photoshop/IPTC), which must never reach a public URL. Only the headers before the first
/// scan are read; the compressed picture is copied untouched, so stripping is lossless.
/// </summary>
public static class JpegMetadata
{
    private const byte App1 = 0xE1;
    private const byte App13 = 0xED;
    private const byte StartOfScan = 0xDA;

    /// <summary>True when the bytes are a JPEG holding an APP1 (EXIF/XMP) or APP13 (IPTC) segment before its first scan.</summary>
    public static bool HasMetadata(ReadOnlySpan<byte> jpeg)
    {
        foreach (var (marker, _, _) in Segments(jpeg))
            if (marker is App1 or App13) return true;
        return false;
    }

    /// <summary>The JPEG without its APP1 and APP13 segments; the bytes as they are when it has none or is not a well-formed JPEG header.</summary>
    public static byte[] Strip(ReadOnlySpan<byte> jpeg)
    {
        var drop = new List<(int Start, int Length)>();
        foreach (var (marker, start, length) in Segments(jpeg))
            if (marker is App1 or App13) drop.Add((start, length));
        if (drop.Count == 0) return jpeg.ToArray();
        var result = new byte[jpeg.Length - drop.Sum(d => d.Length)];
        int from = 0, to = 0;
        foreach (var (start, length) in drop)
        {
            jpeg[from..start].CopyTo(result.AsSpan(to));
            to += start - from;
            from = start + length;
        }
        jpeg[from..].CopyTo(result.AsSpan(to));
        return result;
    }

    /// <summary>
    /// True when the JPEG's frame is progressive (SOF2, SOF6, SOF10, SOF14). libjpeg must keep the
    /// coefficients of the whole picture to decode one, even at 1/8 scale, so the decoder bounds
    /// their pixel count separately (<see cref="DecodeLimits.MaxProgressivePixels"/>).
    /// </summary>
    public static bool IsProgressive(ReadOnlySpan<byte> jpeg)
    {
        foreach (var (marker, _, _) in Segments(jpeg))
            if (marker is 0xC2 or 0xC6 or 0xCA or 0xCE) return true;
        return false;
    }

    /// <summary>The header segments after SOI up to SOS: (marker, offset of its 0xFF, whole length in bytes).</summary>
    private static List<(byte Marker, int Start, int Length)> Segments(ReadOnlySpan<byte> jpeg)
    {
        var list = new List<(byte, int, int)>();
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return list;
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            // Fill bytes (0xFF 0xFF) may precede a marker.
            if (marker == 0xFF) { i++; continue; }
            if (marker == StartOfScan) break;
            // Markers without a length (RSTn, TEM) do not occur before the first scan in a valid file.
            var length = 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
            if (length < 4) break;
            // A segment running past the end (a file read in part, or a truncated one) still counts, to its end.
            list.Add((marker, i, Math.Min(length, jpeg.Length - i)));
            i += length;
        }
        return list;
    }
}
