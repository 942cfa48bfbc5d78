using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Florascope.Data.Privacy;

/// <summary>
/// The server secret that places obscured positions: HMAC-SHA256 of a cell's indices, so the point
/// is fixed for that cell and cannot be predicted or averaged away without the secret. Every process
/// writing public positions (servers, CLI) must use the same key: the <c>Florascope:GeoprivacyKey</c>
/// setting when given, else the database's (table <c>server_secrets</c>, made on first use; the legacy
/// file <c>geoprivacy-key</c> of the data directory is adopted when there is one).
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

    /// <summary>
    /// The configured key (any text of 16+ characters), else the one stored in the database for every
    /// node (<see cref="Security.ServerSecrets"/>): made on first use, adopting the data directory's
    /// legacy key file when there is one, so that a deployment that had it keeps its obscured points.
    /// </summary>
    public static GeoprivacyKey Load(FlorascopeDb db, string dataDirectory, string? configured, DateTime nowUtc)
    {
        if (!string.IsNullOrEmpty(configured)) return new GeoprivacyKey(Encoding.UTF8.GetBytes(configured));
        var path = Path.Combine(dataDirectory, FileName);
        return new GeoprivacyKey(Security.ServerSecrets.GetOrAdd(db, Security.ServerSecrets.GeoprivacyKey,
            () => File.Exists(path) ? File.ReadAllBytes(path) : RandomNumberGenerator.GetBytes(32), nowUtc));
    }

    /// <summary>The key as the CLI finds it: <c>$Florascope__GeoprivacyKey</c>, else the database's (like the server).</summary>
    public static GeoprivacyKey FromEnvironment(FlorascopeDb db, string dataDirectory) =>
        Load(db, dataDirectory, Environment.GetEnvironmentVariable("Florascope__GeoprivacyKey"), DateTime.UtcNow);

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
