using System.CommandLine;
using System.Globalization;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope apikey create|list|revoke|allow-survey</c>, on the same database as the server: the data
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
        var allowSurvey = new Option<bool>("--allow-survey") { Description = "Allow the key to run surveys of plots (/v2/survey/tiles; off by default)." };
        var create = new Command("create", "Create a key; the key is printed once, alone on the last line.") { name, quota, owner, allowSurvey };
        create.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            int? userId = null;
            if (parse.GetValue(owner) is { } who)
                userId = await db.Users.Where(u => u.UserName == who.Trim().ToLower()).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct)
                    ?? throw new ArgumentException($"No account '{who}'.");
            var (key, secret) = await ApiKeyStore.CreateAsync(db, parse.GetValue(name)!, parse.GetValue(quota), TimeProvider.System, userId, parse.GetValue(allowSurvey), ct);
            Console.WriteLine($"Created API key {key.Id} '{key.Name}' ({key.DailyQuota} identifications a day{(key.AllowSurvey ? ", surveys allowed" : "")}). Keep it: it is not shown again.");
            Console.WriteLine(secret);
            return ExitCodes.Ok;
        }, ct));

        var list = new Command("list", "List the keys (never the keys themselves) with today's use and whether they may survey.");
        list.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            var keys = await ApiKeyStore.ListAsync(db, QuotaStore.Today(TimeProvider.System), 0, int.MaxValue, ct);
            Console.WriteLine($"{"id",4}  {"prefix",-12}  {"name",-24} {"quota",7} {"today",7}  {"created (UTC)",-16}  {"survey",-6}  status");
            foreach (var (k, _, used) in keys.OrderBy(l => l.Key.Id))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{k.Id,4}  {k.Prefix,-12}  {k.Name,-24} {k.DailyQuota,7} {used,7}  {k.CreatedUtc.UtcDateTime:yyyy-MM-dd HH:mm}  {(k.AllowSurvey ? "yes" : "no"),-6}  {(k.RevokedUtc is null ? "active" : "revoked")}"));
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

        var surveyKey = new Argument<string>("key") { Description = "The key's id or prefix (as listed)." };
        var off = new Option<bool>("--off") { Description = "Disallow surveys instead." };
        var survey = new Command("allow-survey", "Allow a key to run surveys of plots (or disallow with --off).") { surveyKey, off };
        survey.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            ApiKey key;
            try
            {
                key = await ApiKeyStore.SetSurveyAsync(db, parse.GetValue(surveyKey)!, !parse.GetValue(off), ct);
            }
            catch (ApiKeyException e)
            {
                // A refusal, not a failure: the runner's one line and exit 2, as for any bad argument.
                throw new ArgumentException(e.Message, e);
            }
            Console.WriteLine($"API key {key.Id} '{key.Name}' {(key.AllowSurvey ? "may now run surveys" : "may no longer run surveys")}.");
            return ExitCodes.Ok;
        }, ct));

        var command = new Command("apikey", "Manage the API keys of the identification service.") { create, list, revoke, survey };
        store.AddTo(command);
        return command;
    }
}
