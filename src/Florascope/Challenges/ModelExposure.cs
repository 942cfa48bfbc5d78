using System.Security.Cryptography;

namespace Florascope.Challenges;

/// <summary>
/// Which photos a model has seen: a bundle's <c>seen.sha256</c> lists the SHA-256 (hex) of every photo it was
/// trained, calibrated or validated on, so a challenge can prove its test photos are new to the model. Pure
/// but for the file helpers.
/// </summary>
public static class ModelExposure
{
    /// <summary>The file of a bundle listing the photos it saw.</summary>
    public const string SeenFile = "seen.sha256";

    /// <summary>The lower-case hex SHA-256 of a file's bytes.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Hashes of the photos, distinct and sorted (ordinal): the content of <see cref="SeenFile"/>.</summary>
    public static IReadOnlyList<string> Hashes(IEnumerable<string> paths) =>
        [.. paths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).AsParallel().Select(HashFile).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>One hash a line, lower-case hex; blank lines are skipped and a line that is not 64 hex digits is refused.</summary>
    public static HashSet<string> Read(TextReader reader)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var hash = line.Trim();
            if (hash.Length == 0) continue;
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit)) throw new InvalidDataException($"Line {number} is not a SHA-256 in hex: '{hash}'.");
            set.Add(hash.ToLowerInvariant());
        }
        return set;
    }

    /// <summary>The photos a bundle saw; null when the bundle (or its folder) does not say.</summary>
    public static HashSet<string>? ReadBundle(string? bundleDirectory)
    {
        if (bundleDirectory is null) return null;
        var path = Path.Combine(bundleDirectory, SeenFile);
        if (!File.Exists(path)) return null;
        using var reader = File.OpenText(path);
        return Read(reader);
    }

    public static void Write(TextWriter writer, IEnumerable<string> hashes)
    {
        foreach (var h in hashes) writer.Write(h + "\n");
    }

    /// <summary>How many of a challenge's test photos (hashes of their sources) the model saw.</summary>
    public static int Overlap(IReadOnlySet<string> seen, IEnumerable<string> testSources) =>
        testSources.Distinct(StringComparer.Ordinal).Count(seen.Contains);
}
