using Florascope.Imaging;

namespace Florascope.Challenges;

/// <summary>
/// The published copy of a test photo: decoded and encoded again as a fresh JPEG (upright, at most
/// <see cref="MaxSide"/> pixels on its long side), so its bytes match no public file and no EXIF, XMP, ICC
/// profile or comment survives (the encoder writes none).
/// </summary>
public static class ChallengePhotos
{
    /// <summary>Enough for any model of the observatory; larger sources are reduced.</summary>
    public const int MaxSide = 2048;

    public const int Quality = 90;

    /// <summary>The re-encoded JPEG; <see cref="ImageInputException"/> when the source cannot be decoded.</summary>
    public static byte[] Reencode(byte[] source) => ImageDecoder.Resize(source, [MaxSide], Quality).Jpegs[0];
}
