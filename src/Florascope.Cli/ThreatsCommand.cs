using System.CommandLine;
using Florascope.Data;
using Florascope.Data.Privacy;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope threats list|set|remove|import</c>: the taxa whose observations are obscured, on the
/// server's database (like user and apikey). Every change refreshes the public positions it affects.
/// </summary>
public static class ThreatsCommand
{
    public static Command Create()
    {
        var store = new DatabaseOptions();

        var list = new Command("list", "List the threat statuses (scientific name, IUCN category, source, updated).");
        list.SetAction(parse => Run(() =>
        {
            using var db = store.Open(parse);
            Console.WriteLine($"{"scientific name",-36} {"cat",-3} {"obscures",-8}  {"updated (UTC)",-16}  source");
            foreach (var t in ThreatStatusStore.ListAsync(db).GetAwaiter().GetResult())
            {
                var obscures = IucnCategories.Parse(t.Category) is { } c && IucnCategories.Obscures(c);
                Console.WriteLine($"{t.ScientificName,-36} {t.Category,-3} {(obscures ? "yes" : "no"),-8}  {t.UpdatedUtc:yyyy-MM-dd HH:mm}  {t.Source}");
            }
            return ExitCodes.Ok;
        }));

        var setName = new Argument<string>("name") { Description = "Scientific name without author, as in the checklist (e.g. \"Fritillaria meleagris\")." };
        var setCategory = new Argument<string>("category") { Description = "IUCN category: EX, EW, CR, EN, VU, NT (these obscure), LC, DD, NE." };
        var source = new Option<string?>("--source") { Description = "Where the status comes from (e.g. \"IUCN Red List 2025-1\")." };
        var set = new Command("set", "Set (add or replace) a taxon's threat status.") { setName, setCategory, source };
        set.SetAction(parse => Run(() =>
        {
            var entry = new ThreatStatusEntry(ThreatStatusStore.NormalizeName(parse.GetValue(setName)!), ThreatStatusStore.ParseCategory(parse.GetValue(setCategory)!),
                parse.GetValue(source) is { Length: > 0 } s ? s.Trim() : null);
            if (entry.Source is { Length: > ThreatStatusStore.MaxSource }) throw new ThreatStatusException($"A source has at most {ThreatStatusStore.MaxSource} characters.");
            return Change(parse, store, db => ThreatStatusStore.SetAsync(db, [entry], TimeProvider.System).GetAwaiter().GetResult() > 0,
                $"{entry.ScientificName}: {entry.Category}{(IucnCategories.Obscures(entry.Category) ? " (observations obscured)" : "")}.");
        }));

        var removeName = new Argument<string>("name") { Description = "Scientific name without author." };
        var remove = new Command("remove", "Remove a taxon's threat status.") { removeName };
        remove.SetAction(parse => Run(() =>
        {
            var name = ThreatStatusStore.NormalizeName(parse.GetValue(removeName)!);
            return Change(parse, store, db => ThreatStatusStore.RemoveAsync(db, name).GetAwaiter().GetResult()
                ? true : throw new ThreatStatusException($"'{name}' has no threat status."), $"{name}: status removed.");
        }));

        var file = new Argument<FileInfo>("file") { Description = "Tab-separated: scientificName, category, source (header line; # comments)." };
        var import = new Command("import", "Add or replace the statuses of a file (all or nothing), e.g. data/threat-statuses.tsv.") { file };
        import.SetAction(parse => Run(() =>
        {
            using var reader = new StreamReader(parse.GetValue(file)!.FullName);
            var entries = ThreatStatusStore.ParseTsv(reader);
            return Change(parse, store, db => ThreatStatusStore.SetAsync(db, entries, TimeProvider.System).GetAwaiter().GetResult() >= 0,
                $"{entries.Count} threat statuses imported.");
        }));

        var root = new Command("threats", "Manage the threat statuses (IUCN categories) that obscure observations' positions.")
        {
            list, set, remove, import,
        };
        store.AddTo(root);
        return root;
    }

    /// <summary>Applies a change, then brings the affected observations' public positions in line.</summary>
    private static int Change(ParseResult parse, DatabaseOptions store, Func<FlorascopeDb, bool> change, string done)
    {
        using var db = store.Open(parse);
        change(db);
        var key = GeoprivacyKey.FromEnvironment(store.Settings(parse).DataDirectory);
        var refreshed = PublicPositions.RefreshAsync(db, key).GetAwaiter().GetResult();
        Console.WriteLine($"{done} Public positions updated: {refreshed} observations.");
        return ExitCodes.Ok;
    }

    private static int Run(Func<int> body) => CliRunner.Run(() =>
    {
        try { return body(); }
        catch (ThreatStatusException e) { throw new ArgumentException(e.Message, e); }
    });
}
