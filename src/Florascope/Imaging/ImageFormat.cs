namespace Florascope.Imaging;

public enum ImageKind
{
    Unknown,
    Jpeg,
    Png,
    Gif,
    WebP,
    Bmp,
    Tiff,
    Heif,
}

/// <summary>Recognises a file by its first bytes, never by its name.</summary>
public static class ImageFormat
{
    // Written as bytes: "\x89" in a u8 string literal is U+0089, two bytes in UTF-8.
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageKind Sniff(ReadOnlySpan<byte> d)
    {
        if (d.Length >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return ImageKind.Jpeg;
        if (d.Length >= 8 && d[..8].SequenceEqual(PngSignature)) return ImageKind.Png;
        if (d.Length >= 6 && (d[..6].SequenceEqual("GIF87a"u8) || d[..6].SequenceEqual("GIF89a"u8))) return ImageKind.Gif;
        if (d.Length >= 12 && d[..4].SequenceEqual("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8)) return ImageKind.WebP;
        if (d.Length >= 2 && d[0] == 'B' && d[1] == 'M') return ImageKind.Bmp;
        if (d.Length >= 4 && (d[..4].SequenceEqual("II*\0"u8) || d[..4].SequenceEqual("MM\0*"u8))) return ImageKind.Tiff;
        if (d.Length >= 12 && d[4..8].SequenceEqual("ftyp"u8)) return ImageKind.Heif;
        return ImageKind.Unknown;
    }
}
