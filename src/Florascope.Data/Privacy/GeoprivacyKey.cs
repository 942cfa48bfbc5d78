using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Florascope.Data.Privacy;

/// <summary>
/// The server secret that places obscured positions: HMAC-SHA256 of a cell's indices, so the point
/// is fixed for that cell and cannot be predicted or averaged away without the secret. Every process
/// writing public positions (servers, CLI) must use the same key: the <c>Florascope:GeoprivacyKey</c>
/// setting when given, else the file <c>geoprivacy-key</c> of the data directory (made on first use).
/// Changing it moves every obscured point, which reveals more about each: never change it.
/// </summary>
public sealed class GeoprivacyKey
{
    public const string FileName = "geoprivacy-key";

    private readonly byte[] _key;

    public GeoprivacyKey(byte[] key)
    {
        if (key.Length < 16) throw new ArgumentException("A geoprivacy key has at least 16 bytes.", nameof(key));
        _key = key;
    }

    /// <summary>The configured key (any text of 16+ characters) or the data directory's key file.</summary>
    public static GeoprivacyKey Load(string dataDirectory, string? configured = null)
    {
        if (!string.IsNullOrEmpty(configured)) return new GeoprivacyKey(Encoding.UTF8.GetBytes(configured));
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var temp = path + "." + Guid.NewGuid().ToString("N")[..8];
            File.WriteAllBytes(temp, RandomNumberGenerator.GetBytes(32));
            // First writer wins; a concurrent second start reads the same file.
            try { File.Move(temp, path, overwrite: false); } catch (IOException) { File.Delete(temp); }
        }
        return new GeoprivacyKey(File.ReadAllBytes(path));
    }

    /// <summary>The key as the CLI finds it: <c>$Florascope__GeoprivacyKey</c>, else the data directory's file (like the server's settings).</summary>
    public static GeoprivacyKey FromEnvironment(string dataDirectory) =>
        Load(dataDirectory, Environment.GetEnvironmentVariable("Florascope__GeoprivacyKey"));

    /// <summary>Where in a cell its obscured point lies: two fractions in [0, 1).</summary>
    public (double U, double V) CellOffset((int Row, int Column) cell)
    {
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(message, cell.Row);
        BinaryPrimitives.WriteInt32BigEndian(message[4..], cell.Column);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, message, mac);
        // 53 random bits each: a double in [0, 1).
        static double Fraction(ReadOnlySpan<byte> b) => (BinaryPrimitives.ReadUInt64BigEndian(b) >> 11) * (1.0 / (1UL << 53));
        return (Fraction(mac), Fraction(mac[8..]));
    }
}
