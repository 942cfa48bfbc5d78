using System.CommandLine;
using System.Globalization;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope apikey create|list|revoke</c>, on the same database as the server: the data
/// directory and database come from --data-dir/--database/--connection or the server's
/// environment variables (Florascope__DataDirectory, Florascope__Database, ConnectionStrings__Florascope).
/// </summary>
public static class ApiKeyCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Data directory (default: $Florascope__DataDirectory or ~/.local/share/florascope).", Recursive = true };
        var database = new Option<string?>("--database") { Description = "sqlite (default) or postgres.", Recursive = true };
        var connection = new Option<string?>("--connection") { Description = "Database connection string (PostgreSQL).", Recursive = true };

        var name = new Option<string>("--name") { Description = "Who or what the key is for.", Required = true };
        var quota = new Option<int>("--daily-quota") { Description = "Identifications a day (UTC).", DefaultValueFactory = _ => ApiKeyStore.DefaultDailyQuota };
        var owner = new Option<string?>("--user") { Description = "The account the key belongs to (user name)." };
        var create = new Command("create", "Create a key; the key is printed once, alone on the last line.") { name, quota, owner };
        create.SetAction(parse => CliRunner.Run(() =>
        {
            using var db = Open(parse, dataDir, database, connection);
            int? userId = null;
            if (parse.GetValue(owner) is { } who)
                userId = db.Users.Where(u => u.UserName == who.Trim().ToLower()).Select(u => (int?)u.Id).FirstOrDefault()
                    ?? throw new ArgumentException($"No account '{who}'.");
            var (key, secret) = ApiKeyStore.CreateAsync(db, parse.GetValue(name)!, parse.GetValue(quota), TimeProvider.System, userId).GetAwaiter().GetResult();
            Console.WriteLine($"Created API key {key.Id} '{key.Name}' ({key.DailyQuota} identifications a day). Keep it: it is not shown again.");
            Console.WriteLine(secret);
            return ExitCodes.Ok;
        }));

        var list = new Command("list", "List the keys (never the keys themselves) with today's use.");
        list.SetAction(parse => CliRunner.Run(() =>
        {
            using var db = Open(parse, dataDir, database, connection);
            var today = QuotaStore.Today(TimeProvider.System);
            var keys = db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToList();
            var used = db.QuotaUsage.AsNoTracking().Where(q => q.Day == today).ToDictionary(q => q.ApiKeyId, q => q.Count);
            Console.WriteLine($"{"id",4}  {"prefix",-12}  {"name",-24} {"quota",7} {"today",7}  {"created (UTC)",-16}  status");
            foreach (var k in keys)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{k.Id,4}  {k.Prefix,-12}  {k.Name,-24} {k.DailyQuota,7} {used.GetValueOrDefault(k.Id),7}  {k.CreatedUtc.UtcDateTime:yyyy-MM-dd HH:mm}  {(k.RevokedUtc is null ? "active" : "revoked")}"));
            return ExitCodes.Ok;
        }));

        var which = new Argument<string>("key") { Description = "The key's id or prefix (as listed)." };
        var revoke = new Command("revoke", "Revoke a key: it stops working at once.") { which };
        revoke.SetAction(parse => CliRunner.Run(() =>
        {
            using var db = Open(parse, dataDir, database, connection);
            var id = parse.GetValue(which)!;
            if (!ApiKeyStore.RevokeAsync(db, id, TimeProvider.System).GetAwaiter().GetResult())
                throw new ArgumentException($"No active API key '{id}'.");
            Console.WriteLine($"Revoked API key {id}.");
            return ExitCodes.Ok;
        }));

        return new Command("apikey", "Manage the API keys of the identification service.") { dataDir, database, connection, create, list, revoke };
    }

    private static FlorascopeDb Open(ParseResult parse, Option<string?> dataDir, Option<string?> database, Option<string?> connection)
    {
        var settings = DatabaseSettings.FromEnvironment(parse.GetValue(dataDir), parse.GetValue(database), parse.GetValue(connection));
        settings.Migrate();
        return settings.CreateContext();
    }
}
