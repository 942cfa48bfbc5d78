using System.CommandLine;
using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.Privacy;
using Florascope.Taxonomy;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope threats list|set|remove|import</c>: the taxa whose observations are obscured, on the
/// server's database (like user and apikey). Every change refreshes the public positions it affects.
/// Names set or imported are spelt as in the current model's checklist (matching is exact).
/// </summary>
public static class ThreatsCommand
{
    public static Command Create()
    {
        var store = new DatabaseOptions();
        var model = new Option<string?>("--model")
        {
            Description = "Model bundle whose checklist.tsv gives the names' spelling (default: models/demo).",
            Recursive = true,
        };

        var list = new Command("list", "List the threat statuses (scientific name, IUCN category, source, updated).");
        list.SetAction((ParseResult parse, CancellationToken ct) => Run(async () =>
        {
            await using var db = store.Open(parse);
            Console.WriteLine($"{"scientific name",-36} {"cat",-3} {"obscures",-8}  {"updated (UTC)",-16}  source");
            foreach (var t in await ThreatStatusStore.ListAsync(db, ct))
            {
                var obscures = IucnCategories.Obscures(t.Category);
                Console.WriteLine($"{t.ScientificName,-36} {IucnCategories.Code(t.Category),-3} {(obscures ? "yes" : "no"),-8}  {t.UpdatedUtc:yyyy-MM-dd HH:mm}  {t.Source}");
            }
            return ExitCodes.Ok;
        }, ct));

        var setName = new Argument<string>("name") { Description = "Scientific name without author, as in the checklist (e.g. \"Fritillaria meleagris\")." };
        var setCategory = new Argument<string>("category") { Description = "IUCN category: EX, EW, CR, EN, VU, NT (these obscure), LC, DD, NE." };
        var source = new Option<string?>("--source") { Description = "Where the status comes from (e.g. \"IUCN Red List 2025-1\")." };
        var set = new Command("set", "Set (add or replace) a taxon's threat status.") { setName, setCategory, source };
        set.SetAction((ParseResult parse, CancellationToken ct) => Run(async () =>
        {
            var given = new ThreatStatusEntry(ThreatStatusStore.NormalizeName(parse.GetValue(setName)!), ThreatStatusStore.ParseCategory(parse.GetValue(setCategory)!),
                parse.GetValue(source) is { Length: > 0 } s ? s.Trim() : null);
            if (given.Source is { Length: > ThreatStatusStore.MaxSource }) throw new ThreatStatusException($"A source has at most {ThreatStatusStore.MaxSource} characters.");
            var entry = Resolve([given], parse.GetValue(model))[0];
            return await ChangeAsync(parse, store, async db => await ThreatStatusStore.SetAsync(db, [entry], TimeProvider.System, ct) > 0,
                $"{entry.ScientificName}: {IucnCategories.Code(entry.Category)}{(IucnCategories.Obscures(entry.Category) ? " (observations obscured)" : "")}.", ct);
        }, ct));

        var removeName = new Argument<string>("name") { Description = "Scientific name without author." };
        var remove = new Command("remove", "Remove a taxon's threat status.") { removeName };
        remove.SetAction((ParseResult parse, CancellationToken ct) => Run(async () =>
        {
            var name = ThreatStatusStore.NormalizeName(parse.GetValue(removeName)!);
            return await ChangeAsync(parse, store, async db => await ThreatStatusStore.RemoveAsync(db, name, ct)
                ? true : throw new ThreatStatusException($"'{name}' has no threat status."), $"{name}: status removed.", ct);
        }, ct));

        var file = new Argument<FileInfo>("file") { Description = "Tab-separated: scientificName, category, source (header line; # comments)." };
        var import = new Command("import", "Add or replace the statuses of a file (all or nothing), e.g. data/threat-statuses.tsv.") { file };
        import.SetAction((ParseResult parse, CancellationToken ct) => Run(async () =>
        {
            List<ThreatStatusEntry> entries;
            using (var reader = new StreamReader(parse.GetValue(file)!.FullName)) entries = ThreatStatusStore.ParseTsv(reader);
            entries = Resolve(entries, parse.GetValue(model));
            return await ChangeAsync(parse, store, async db => await ThreatStatusStore.SetAsync(db, entries, TimeProvider.System, ct) >= 0,
                $"{entries.Count} threat statuses imported.", ct);
        }, ct));

        var root = new Command("threats", "Manage the threat statuses (IUCN categories) that obscure observations' positions.")
        {
            list, set, remove, import,
        };
        store.AddTo(root);
        root.Options.Add(model);
        return root;
    }

    /// <summary>
    /// The names in the checklist's spelling. A name it lacks is still stored (statuses outlive models),
    /// with a one-line warning, since it will obscure nothing until a model knows it by that spelling.
    /// </summary>
    private static List<ThreatStatusEntry> Resolve(List<ThreatStatusEntry> entries, string? modelDirectory)
    {
        var path = Path.Combine(modelDirectory ?? ModelBundle.DefaultDirectory, "checklist.tsv");
        if (modelDirectory is null && !File.Exists(path))
        {
            Console.Error.WriteLine($"florascope: warning: no checklist at {path}: names stored as given, unchecked.");
            return entries;
        }
        var (resolved, unknown) = ThreatStatusStore.ResolveNames(entries, Checklist.Load(path));
        if (unknown.Count > 0)
            Console.Error.WriteLine($"florascope: warning: not in the checklist {path}, stored as given: {string.Join(", ", unknown)}.");
        return resolved;
    }

    /// <summary>Applies a change, then brings the affected observations' public positions in line.</summary>
    private static async Task<int> ChangeAsync(ParseResult parse, DatabaseOptions store, Func<FlorascopeDb, Task<bool>> change, string done, CancellationToken ct)
    {
        await using var db = store.Open(parse);
        await change(db);
        var key = GeoprivacyKey.FromEnvironment(db, store.Settings(parse).DataDirectory);
        var refreshed = await PublicPositions.RefreshAsync(db, key, ct);
        Console.WriteLine($"{done} Public positions updated: {refreshed} observations.");
        return ExitCodes.Ok;
    }

    private static Task<int> Run(Func<Task<int>> body, CancellationToken ct) => CliRunner.RunAsync(async () =>
    {
        try { return await body(); }
        catch (ThreatStatusException e) { throw new ArgumentException(e.Message, e); }
    }, ct);
}
