using System.CommandLine;
using Florascope.Data;
using Florascope.Data.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Cli;

/// <summary><c>florascope user list|grant-admin|revoke-admin</c>, on the server's database (like apikey).</summary>
public static class UserCommand
{
    public static Command Create()
    {
        var store = new DatabaseOptions();

        var list = new Command("list", "List the accounts.");
        list.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            Console.WriteLine($"{"id",5}  {"user name",-24} {"admin",-5}  created (UTC)");
            foreach (var u in await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(ct))
                Console.WriteLine($"{u.Id,5}  {u.UserName,-24} {(u.IsAdmin ? "yes" : "no"),-5}  {u.CreatedUtc:yyyy-MM-dd HH:mm}");
            return ExitCodes.Ok;
        }, ct));

        Command SetAdmin(string name, bool admin, string description)
        {
            var userName = new Argument<string>("user") { Description = "The account's user name." };
            var command = new Command(name, description) { userName };
            command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
            {
                await using var db = store.Open(parse);
                var user = await AccountStore.SetAdminAsync(db, parse.GetValue(userName)!, admin, ct);
                Console.WriteLine($"{user.UserName} is {(admin ? "now" : "no longer")} an administrator (effective at the next request of their open sessions).");
                return ExitCodes.Ok;
            }, ct));
            return command;
        }

        var root = new Command("user", "Manage the observatory's accounts.")
        {
            list,
            SetAdmin("grant-admin", true, "Make an account an administrator."),
            SetAdmin("revoke-admin", false, "Take the administrator role from an account."),
        };
        store.AddTo(root);
        return root;
    }
}
