using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Florascope.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where Florascope keeps its state. The server binds these from configuration
/// (<c>Florascope:DataDirectory</c>, <c>Florascope:Database</c>, <c>ConnectionStrings:Florascope</c>);
/// the CLI reads the same keys from environment variables (<c>Florascope__DataDirectory</c>...),
/// so both use one database.
/// </summary>
public sealed record DatabaseSettings
{
    public required string DataDirectory { get; init; }
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;
    /// <summary>Null for SQLite means <c>{DataDirectory}/florascope.db</c>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary><c>$XDG_DATA_HOME/florascope</c>, else <c>~/.local/share/florascope</c>.</summary>
    public static string DefaultDataDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "florascope");

    public string EffectiveConnectionString => ConnectionString ?? Provider switch
    {
        // A busy timeout so that two processes writing the same file wait for each other.
        DatabaseProvider.Sqlite => new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, "florascope.db"),
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString(),
        _ => throw new InvalidOperationException("PostgreSQL needs a connection string (ConnectionStrings:Florascope)."),
    };

    public static DatabaseSettings FromEnvironment(string? dataDirectory = null, string? provider = null, string? connectionString = null)
    {
        static string? Env(string key) => Environment.GetEnvironmentVariable(key) is { Length: > 0 } v ? v : null;
        var p = provider ?? Env("Florascope__Database") ?? "sqlite";
        return new DatabaseSettings
        {
            DataDirectory = dataDirectory ?? Env("Florascope__DataDirectory") ?? DefaultDataDirectory,
            Provider = ParseProvider(p),
            ConnectionString = connectionString ?? Env("ConnectionStrings__Florascope"),
        };
    }

    public static DatabaseProvider ParseProvider(string name) => name.ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
        _ => throw new ArgumentException($"Unknown database provider '{name}': use sqlite or postgres."),
    };

    public void Configure(DbContextOptionsBuilder options)
    {
        if (Provider == DatabaseProvider.Sqlite) options.UseSqlite(EffectiveConnectionString).AddInterceptors(SqlitePragmas.Instance);
        else options.UseNpgsql(EffectiveConnectionString);
    }

    /// <summary>A context of the provider's type, for the CLI and tests (the server uses DI).</summary>
    public FlorascopeDb CreateContext()
    {
        Directory.CreateDirectory(DataDirectory);
        if (Provider == DatabaseProvider.Sqlite)
        {
            var b = new DbContextOptionsBuilder<SqliteFlorascopeDb>();
            Configure(b);
            return new SqliteFlorascopeDb(b.Options);
        }
        var pb = new DbContextOptionsBuilder<PostgresFlorascopeDb>();
        Configure(pb);
        return new PostgresFlorascopeDb(pb.Options);
    }

    /// <summary>Creates or upgrades the schema with the provider's migrations.</summary>
    public void Migrate()
    {
        using var db = CreateContext();
        var pending = db.Database.GetPendingMigrations().Any();
        try
        {
            db.Database.Migrate();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
        {
            // Several nodes started at once on a new server: another one created the database first. EF Core's
            // migration lock then lets one node at a time apply the migrations.
            db.Database.Migrate();
        }
        if (Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers go on while one process writes.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
        // New indexes need statistics, or SQLite's planner may pick a plan a hundred times slower.
        if (pending) db.Database.ExecuteSqlRaw("ANALYZE;");
    }
}

/// <summary>Design-time factories for `dotnet ef migrations add` (one migration set per provider).</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteFlorascopeDb>
{
    public SqliteFlorascopeDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFlorascopeDb>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresFlorascopeDb>
{
    public PostgresFlorascopeDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresFlorascopeDb>().UseNpgsql("Host=localhost;Database=florascope_design").Options);
}
