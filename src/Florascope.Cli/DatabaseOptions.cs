using System.CommandLine;
using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Data.Observations;
using Florascope.Data.Storage;

namespace Florascope.Cli;

/// <summary>
/// --data-dir, --database and --connection, shared by the commands that use the server's database;
/// without them, the server's environment variables (Florascope__DataDirectory...) decide.
/// </summary>
public sealed class DatabaseOptions(bool recursive = true)
{
    public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = "Data directory (default: $Florascope__DataDirectory or ~/.local/share/florascope).", Recursive = recursive };
    public Option<string?> Database { get; } = new("--database") { Description = "sqlite (default) or postgres.", Recursive = recursive };
    public Option<string?> Connection { get; } = new("--connection") { Description = "Database connection string (PostgreSQL).", Recursive = recursive };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDirectory);
        command.Options.Add(Database);
        command.Options.Add(Connection);
    }

    public DatabaseSettings Settings(ParseResult parse) =>
        DatabaseSettings.FromEnvironment(parse.GetValue(DataDirectory), parse.GetValue(Database), parse.GetValue(Connection));

    /// <summary>The server's photo store (Florascope__Storage__Kind... from the environment, like the server's settings).</summary>
    public PhotoStore Photos(ParseResult parse) => new(StorageSettings.FromEnvironment().CreatePhotoStore(Settings(parse).DataDirectory));

    /// <summary>The server's model bundle store; its cache is the one the servers on this machine use.</summary>
    public BundleStore Bundles(ParseResult parse) => new(StorageSettings.FromEnvironment().CreateModelStore(), Path.Combine(Settings(parse).DataDirectory, BundleStore.CacheFolder));

    /// <summary>The database, migrated to the current schema.</summary>
    public FlorascopeDb Open(ParseResult parse)
    {
        var settings = Settings(parse);
        settings.Migrate();
        return settings.CreateContext();
    }
}
