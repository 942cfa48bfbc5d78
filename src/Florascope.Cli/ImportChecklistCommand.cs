using System.CommandLine;
using Florascope.Bundles;
using Florascope.Data.Floras;
using Florascope.Data.Models;
using Florascope.Floras;
using Florascope.Taxonomy;

namespace Florascope.Cli;

/// <summary><c>florascope flora import-checklist</c>: a Darwin Core checklist archive becomes a project in the database.</summary>
public static class ImportChecklistCommand
{
    public static Command Create()
    {
        var dwca = new Option<string>("--dwca") { Description = "The Darwin Core checklist archive (.zip, or a folder with meta.xml): Taxon core, optional Vernacular Names extension.", Required = true };
        var project = new Option<string>("--project") { Description = "The project's code: 2-40 lower-case letters, digits and '-' (re-importing a code replaces that project).", Required = true };
        var title = new Option<string>("--title") { Description = "The project's title, as the API and the pages show it.", Required = true };
        var description = new Option<string?>("--description") { Description = "The project's description." };
        var model = new Option<string?>("--model") { Description = "Model bundle whose projects' codes are refused and against which the counts are made (default: the promoted model, else models/demo)." };
        var store = new DatabaseOptions(recursive: false);
        var command = new Command("import-checklist", "Import a Darwin Core checklist archive as a project (flora) stored in the database.")
        { dwca, project, title, description, model };
        store.AddTo(command);
        command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            // Cheap checks first: the code, then the archive, then the database.
            var code = ProjectCode.Parse(parse.GetValue(project));
            var path = parse.GetValue(dwca)!;
            var contents = ChecklistArchive.Read(path, ct);
            await using var db = store.Open(parse);
            var bundleDirectory = parse.GetValue(model) ?? (await ModelRegistry.CurrentAsync(db, ct))?.Path ?? ModelBundle.DefaultDirectory;
            var checklist = Checklist.Load(Path.Combine(bundleDirectory, "checklist.tsv"));
            var r = await ChecklistProjects.ImportAsync(db, code, parse.GetValue(title)!, parse.GetValue(description), path, contents, checklist, TimeProvider.System, ct);
            Console.WriteLine($"{(r.Replaced ? "Replaced" : "Imported")} project {r.Code}: {r.Accepted} accepted names, {r.Synonyms} synonyms" +
                $"{(r.MisappliedNamesSkipped > 0 ? $" ({r.MisappliedNamesSkipped} misapplied names left out)" : "")}, " +
                $"{r.VernacularNames} vernacular names{(r.VernacularNamesSkipped > 0 ? $" ({r.VernacularNamesSkipped} in other languages left out)" : "")}; " +
                $"{r.Identifiable} identifiable by the model, {r.KnownOnly} known only.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
