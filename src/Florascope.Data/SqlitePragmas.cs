using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Florascope.Data;

/// <summary>
/// Per-connection SQLite settings: in WAL mode, synchronous=NORMAL is safe against corruption
/// and avoids an fsync on every quota update (a crash may lose the last few counts, never the file).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static SqlitePragmas Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}
