using SkiaSharp;

namespace Florascope.Imaging;

/// <summary>
/// Makes a JPEG fit for a public URL: no EXIF/XMP/IPTC (GPS, camera serial, software), picture
/// upright. A file whose picture is already upright loses its metadata segments losslessly; one that
/// relies on an EXIF orientation is re-encoded upright (the orientation would go with the EXIF).
/// </summary>
public static class ImageSanitizer
{
    public const int Quality = 92;

    /// <summary>The bytes when they carry no metadata; otherwise a clean, upright JPEG of the same picture.</summary>
    public static byte[] Clean(byte[] jpeg, DecodeLimits? limits = null)
    {
        if (!JpegMetadata.HasMetadata(jpeg)) return jpeg;
        using var data = SKData.CreateCopy(jpeg);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedOrigin == SKEncodedOrigin.TopLeft) return JpegMetadata.Strip(jpeg);
        var side = Math.Max(codec.Info.Width, codec.Info.Height);
        return ImageDecoder.Resize(jpeg, [side], Quality, limits).Jpegs[0];
    }
}
