using System.Security.Cryptography;
using Florascope.Imaging;

namespace Florascope.Data.Observations;

public enum PhotoSize
{
    Original,
    Medium,
    Small,
}

public sealed record StoredPhoto(string Sha256, ImageKind Kind, int Width, int Height);

/// <summary>
/// Photos on disk by the SHA-256 of their bytes: <c>ab/abcd...</c> (the original as sent),
/// <c>ab/abcd...-m.jpg</c> (1280 px) and <c>-s.jpg</c> (320 px), upright. A photo sent twice is
/// stored once. Files are written to a temporary name and renamed, so a reader never sees half a
/// file; files that no row references (a failed or killed upload) are removed by
/// <see cref="CollectGarbage"/> once they are old enough not to belong to an upload in progress.
/// </summary>
public sealed class PhotoStore(string root)
{
    public const int MediumSide = 1280;
    public const int SmallSide = 320;

    public string Root { get; } = root;

    /// <summary>Left in the folder by a completed <see cref="CleanPublicFiles"/> pass; never collected.</summary>
    public const string CleanMarker = ".public-files-clean";

    /// <summary>Checks and stores a photo (all three sizes); returns its hash and upright size.</summary>
    public StoredPhoto Save(byte[] data, DecodeLimits? limits = null)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(data));
        var resized = ImageDecoder.Resize(data, [MediumSide, SmallSide], limits: limits);
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(hash, PhotoSize.Original))!);
        WriteOnce(PathOf(hash, PhotoSize.Original), data);
        WriteOnce(PathOf(hash, PhotoSize.Medium), resized.Jpegs[0]);
        WriteOnce(PathOf(hash, PhotoSize.Small), resized.Jpegs[1]);
        return new StoredPhoto(hash, resized.Kind, resized.Width, resized.Height);
    }

    public string PathOf(string sha256, PhotoSize size)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower)) throw new ArgumentException("Not a SHA-256 hash.", nameof(sha256));
        var name = size switch
        {
            PhotoSize.Medium => sha256 + "-m.jpg",
            PhotoSize.Small => sha256 + "-s.jpg",
            _ => sha256,
        };
        return Path.Combine(Root, sha256[..2], name);
    }

    /// <summary>Deletes stored photos whose hash is not referenced and whose files are older than <paramref name="minAge"/>.</summary>
    public int CollectGarbage(IReadOnlySet<string> referenced, TimeSpan minAge)
    {
        if (!Directory.Exists(Root)) return 0;
        var removed = 0;
        var cutoff = DateTime.UtcNow - minAge;
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (name == CleanMarker) continue;
            var hash = name.Length >= 64 ? name[..64] : name;
            var isTemp = name.Contains(".tmp-", StringComparison.Ordinal);
            if ((!isTemp && referenced.Contains(hash)) || File.GetLastWriteTimeUtc(file) > cutoff) continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    /// <summary>
    /// Rewrites any public file (-m.jpg, -s.jpg) that carries EXIF/XMP metadata, e.g. one written by an
    /// older version or copied in by hand: regenerated upright from the original when it is there,
    /// else stripped (<see cref="ImageSanitizer"/>). Returns how many were rewritten. Files written by
    /// this version never carry any, so a completed pass leaves a marker beside the folder and later
    /// starts skip the scan (at Pl@ntNet's scale it reads hundreds of millions of files).
    /// </summary>
    public int CleanPublicFiles(CancellationToken ct = default)
    {
        var marker = Path.Combine(Root, CleanMarker);
        if (File.Exists(marker) || !Directory.Exists(Root)) return 0;
        var cleaned = 0;
        foreach (var file in Directory.EnumerateFiles(Root, "*.jpg", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (name.Length != 70 || !(name.EndsWith("-m.jpg", StringComparison.Ordinal) || name.EndsWith("-s.jpg", StringComparison.Ordinal))) continue;
            var bytes = File.ReadAllBytes(file);
            if (!JpegMetadata.HasMetadata(bytes)) continue;
            var original = PathOf(name[..64], PhotoSize.Original);
            byte[] clean;
            try
            {
                clean = File.Exists(original)
                    ? ImageDecoder.Resize(File.ReadAllBytes(original), [name.EndsWith("-m.jpg", StringComparison.Ordinal) ? MediumSide : SmallSide]).Jpegs[0]
                    : ImageSanitizer.Clean(bytes);
            }
            catch (ImageInputException)
            {
                clean = JpegMetadata.Strip(bytes);
            }
            var temp = file + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
            File.WriteAllBytes(temp, clean);
            File.Move(temp, file, overwrite: true);
            cleaned++;
        }
        Directory.CreateDirectory(Root);
        File.WriteAllText(marker, $"Every stored public photo file checked for EXIF/XMP on {DateTime.UtcNow:O}.\n");
        return cleaned;
    }

    private static void WriteOnce(string path, byte[] bytes)
    {
        if (File.Exists(path))
        {
            // Touch it, so garbage collection sees it as part of this (recent) upload.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return;
        }
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
