using System.CommandLine;
using Florascope.Data.Models;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Cli;

/// <summary><c>florascope models list|promote</c>: the model history, and a manual promotion or rollback.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var store = new DatabaseOptions();
        var list = new Command("list", "Registered models, newest first: metrics, decision, which one is current.");
        list.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            foreach (var m in await db.ModelVersions.AsNoTracking().OrderByDescending(m => m.CreatedUtc).ThenByDescending(m => m.Id).ToListAsync(ct))
                Console.WriteLine($"{(m.IsCurrent ? "*" : " ")} {m.Version}\t{m.CreatedUtc:yyyy-MM-dd HH:mm}Z\t{(m.Promoted ? "promoted" : "not promoted")}\t{m.Decision}\t{m.Path}");
            return ExitCodes.Ok;
        }, ct));
        var version = new Argument<string>("version") { Description = "A registered version." };
        var promote = new Command("promote", "Make a registered model current (servers switch to it within their poll interval).") { version };
        promote.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            var v = parse.GetValue(version)!;
            await ModelRegistry.PromoteAsync(db, v, $"Promoted by hand on {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z.", ct, store.Bundles(parse));
            Console.WriteLine($"{v} is now the current model.");
            return ExitCodes.Ok;
        }, ct));
        var command = new Command("models", "The model history: list, promote.") { list, promote };
        store.AddTo(command);
        return command;
    }
}
