using Npgsql;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// The one rule for tests that need PostgreSQL: its connection string comes from
/// FLORASCOPE_TEST_POSTGRES (see .ci/postgres.sh). Without it the test is skipped, except under
/// CI=true where it fails, so that CI can never pass by silently skipping the database tests.
/// </summary>
public static class Postgres
{
    public const string Variable = "FLORASCOPE_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;

    /// <summary>The connection string, or the test ends here (skipped, or failed under CI).</summary>
    public static string Require()
    {
        if (ConnectionString is { } cs) return cs;
        var reason = $"{Variable} is not set: start a server with `export {Variable}=\"$(bash .ci/postgres.sh)\"`.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"CI=true but {reason}");
        Assert.Skip(reason);
        return null!; // Assert.Skip throws.
    }
}

/// <summary>A database of its own on the test server (florascope_test_&lt;random&gt;), dropped on dispose.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private PostgresDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync(string adminConnectionString, CancellationToken ct = default)
    {
        // Lower-case letters and digits only: the name needs no quoting.
        var name = "florascope_test_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync(ct);
        return new PostgresDatabase(adminConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled idle connections of the server under test would otherwise hold the database open.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
