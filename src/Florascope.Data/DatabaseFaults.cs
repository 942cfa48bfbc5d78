using System.Net.Sockets;
using Npgsql;

namespace Florascope.Data;

/// <summary>
/// Whether an exception means the database cannot be reached right now (restarting, failed over, refusing
/// connections) rather than a defect: such requests answer 503 with Retry-After, and the node recovers by
/// itself once the database is back (Npgsql's pool opens new connections).
/// </summary>
public static class DatabaseFaults
{
    public static bool IsUnavailable(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                // Class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now), 53300 (too many connections).
                case PostgresException p when p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03" or "53300":
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException n when n.IsTransient:
                    return true;
                case SocketException or TimeoutException:
                    return true;
                // The server closed the connection mid-command (it was stopped).
                case EndOfStreamException:
                    return true;
            }
        }
        return false;
    }
}
