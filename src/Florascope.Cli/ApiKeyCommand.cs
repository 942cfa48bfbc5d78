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
        var store = new DatabaseOptions();

        var name = new Option<string>("--name") { Description = "Who or what the key is for.", Required = true };
        var quota = new Option<int>("--daily-quota") { Description = "Identifications a day (UTC).", DefaultValueFactory = _ => ApiKeyStore.DefaultDailyQuota };
        var owner = new Option<string?>("--user") { Description = "The account the key belongs to (user name)." };
        var create = new Command("create", "Create a key; the key is printed once, alone on the last line.") { name, quota, owner };
        create.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            int? userId = null;
            if (parse.GetValue(owner) is { } who)
                userId = await db.Users.Where(u => u.UserName == who.Trim().ToLower()).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct)
                    ?? throw new ArgumentException($"No account '{who}'.");
            var (key, secret) = await ApiKeyStore.CreateAsync(db, parse.GetValue(name)!, parse.GetValue(quota), TimeProvider.System, userId, ct);
            Console.WriteLine($"Created API key {key.Id} '{key.Name}' ({key.DailyQuota} identifications a day). Keep it: it is not shown again.");
            Console.WriteLine(secret);
            return ExitCodes.Ok;
        }, ct));

        var list = new Command("list", "List the keys (never the keys themselves) with today's use.");
        list.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            var today = QuotaStore.Today(TimeProvider.System);
            var keys = await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);
            var used = await db.QuotaUsage.AsNoTracking().Where(q => q.Day == today).ToDictionaryAsync(q => q.ApiKeyId, q => q.Count, ct);
            Console.WriteLine($"{"id",4}  {"prefix",-12}  {"name",-24} {"quota",7} {"today",7}  {"created (UTC)",-16}  status");
            foreach (var k in keys)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{k.Id,4}  {k.Prefix,-12}  {k.Name,-24} {k.DailyQuota,7} {used.GetValueOrDefault(k.Id),7}  {k.CreatedUtc.UtcDateTime:yyyy-MM-dd HH:mm}  {(k.RevokedUtc is null ? "active" : "revoked")}"));
            return ExitCodes.Ok;
        }, ct));

        var which = new Argument<string>("key") { Description = "The key's id or prefix (as listed)." };
        var revoke = new Command("revoke", "Revoke a key: it stops working at once.") { which };
        revoke.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            var id = parse.GetValue(which)!;
            if (!await ApiKeyStore.RevokeAsync(db, id, TimeProvider.System, ct))
                throw new ArgumentException($"No active API key '{id}'.");
            Console.WriteLine($"Revoked API key {id}.");
            return ExitCodes.Ok;
        }, ct));

        var command = new Command("apikey", "Manage the API keys of the identification service.") { create, list, revoke };
        store.AddTo(command);
        return command;
    }
}
