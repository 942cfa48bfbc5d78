using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Security;

/// <summary>A random secret every node of a deployment shares (table <c>server_secrets</c>).</summary>
public sealed class ServerSecret
{
    public string Name { get; set; } = "";
    public byte[] Value { get; set; } = [];
    public DateTime CreatedUtc { get; set; }
}

/// <summary>
/// Secrets kept in the database, so that nodes with their own data directories agree (the salt of
/// address hashes, the geoprivacy key). The first node to ask inserts its candidate; concurrent first
/// starts race on the primary key, and every one of them then reads the single stored value.
/// </summary>
public static class ServerSecrets
{
    public const string AddressSalt = "address-salt";
    public const string GeoprivacyKey = "geoprivacy-key";

    /// <summary>
    /// The stored secret, or <paramref name="candidate"/> stored first if none is: a legacy file's
    /// value (so a running single-node deployment keeps its hashes), else fresh random bytes.
    /// </summary>
    public static byte[] GetOrAdd(FlorascopeDb db, string name, Func<byte[]> candidate, DateTime nowUtc)
    {
        if (Find(db, name) is { } existing) return existing;
        var value = candidate();
        // Insert-if-absent in one statement (SQLite and PostgreSQL both take ON CONFLICT DO NOTHING): a
        // concurrent first start loses the race quietly and reads the winner's value below.
        db.Database.ExecuteSql($"INSERT INTO server_secrets (name, value, created_utc) VALUES ({name}, {value}, {nowUtc}) ON CONFLICT (name) DO NOTHING");
        return Find(db, name) ?? throw new InvalidOperationException($"The server secret '{name}' could not be stored.");
    }

    private static byte[]? Find(FlorascopeDb db, string name) =>
        db.ServerSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).FirstOrDefault();
}
