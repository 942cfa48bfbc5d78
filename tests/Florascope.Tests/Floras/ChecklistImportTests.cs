using Florascope.Data.Floras;
using Florascope.Data.Observations;
using Florascope.Floras;
using Florascope.Taxonomy;
using Florascope.Tests.Observatory;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Floras;

public sealed class SqliteChecklistImportTests(SqliteStorageFixture fixture)
    : ChecklistImportTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresChecklistImportTests(PostgresStorageFixture fixture)
    : ChecklistImportTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>ChecklistProjects on every database provider: import, replace in one transaction, read back, synonyms in identifications.</summary>
public abstract class ChecklistImportTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChecklistArchiveContents Contents(IEnumerable<string>? taxa = null)
    {
        using var temp = new TempDirectory();
        return ChecklistArchive.Read(TestChecklists.Write(temp.Path, taxa: taxa, vernacular: taxa is null ? null : []), Ct);
    }

    [Fact]
    public async Task AnImportIsStoredAndReadBackAsAFlora()
    {
        var code = ProjectCode.Parse("meadows-a");
        await using (var db = fixture.NewContext())
        {
            var report = await ChecklistProjects.ImportAsync(db, code, " Meadows ", "Meadow plants", "/tmp/x/checklist.zip", Contents(), StorageFixture.Checklist, fixture.Clock, Ct);
            Assert.Equal(new ChecklistImportReport("meadows-a", 6, 3, 5, 1, 4, 2, Replaced: false), report);
        }
        await using (var db = fixture.NewContext())
        {
            var row = await db.ChecklistProjects.SingleAsync(p => p.Code == "meadows-a", Ct);
            Assert.Equal(("Meadows", "Meadow plants", "checklist.zip", 6, 3, 5), (row.Title, row.Description, row.SourceFile, row.AcceptedCount, row.SynonymCount, row.VernacularCount));
            Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime, row.ImportedUtc);
            var flora = Assert.Single(await ChecklistProjects.LoadAsync(db, Ct), f => f.Code == code);
            Assert.Equal(6, flora.Names.Count);
            var bellis = flora.Names.Single(n => n.CanonicalName == "Bellis perennis");
            Assert.Equal(["Pâquerette"], bellis.CommonNames["fr"]);
            Assert.Equal(["Chrysanthemum leucanthemum"], flora.Names.Single(n => n.CanonicalName == "Leucanthemum vulgare").Synonyms);
            var composed = StorageFixture.Checklist.WithProjects([flora]);
            Assert.Equal(4, composed.Taxa.Count(t => t.InProject("meadows-a")));
        }
    }

    [Fact]
    public async Task ReimportingACodeReplacesItAndChangesTheVersion()
    {
        var code = ProjectCode.Parse("meadows-b");
        string before;
        await using (var db = fixture.NewContext())
        {
            await ChecklistProjects.ImportAsync(db, code, "Meadows", null, "a.zip", Contents(), StorageFixture.Checklist, fixture.Clock, Ct);
            before = await ChecklistProjects.VersionAsync(db, Ct);
            var report = await ChecklistProjects.ImportAsync(db, code, "Meadows 2", null, "b.zip", Contents(["1\tRanunculus acris L.\tL.\tspecies\t\taccepted\tRanunculus\tRanunculaceae"]),
                StorageFixture.Checklist, fixture.Clock, Ct);
            Assert.True(report.Replaced);
            Assert.Equal((1, 0, 1, 0), (report.Accepted, report.Synonyms, report.Identifiable, report.KnownOnly));
        }
        await using (var db = fixture.NewContext())
        {
            Assert.NotEqual(before, await ChecklistProjects.VersionAsync(db, Ct));
            var flora = Assert.Single(await ChecklistProjects.LoadAsync(db, Ct), f => f.Code == code);
            Assert.Equal("Meadows 2", flora.Title);
            Assert.Equal(["Ranunculus acris"], flora.Names.Select(n => n.CanonicalName));
            var project = await db.ChecklistProjects.SingleAsync(p => p.Code == "meadows-b", Ct);
            Assert.Equal(1, await db.ChecklistNames.CountAsync(n => n.ProjectId == project.Id, Ct));
        }
    }

    [Fact]
    public async Task AFailedReimportKeepsTheOldProject()
    {
        var code = ProjectCode.Parse("meadows-c");
        await using (var db = fixture.NewContext())
            await ChecklistProjects.ImportAsync(db, code, "Meadows", null, "a.zip", Contents(), StorageFixture.Checklist, fixture.Clock, Ct);
        // Two rows with one taxonID (the reader refuses them; built by hand here) break the
        // unique index inside the transaction, after the old project was deleted in it.
        var row = Contents().Taxa[0];
        var broken = new ChecklistArchiveContents([row, row]);
        await using (var db = fixture.NewContext())
            await Assert.ThrowsAsync<DbUpdateException>(() => ChecklistProjects.ImportAsync(db, code, "Broken", null, "b.zip", broken, StorageFixture.Checklist, fixture.Clock, Ct));
        await using (var db = fixture.NewContext())
        {
            var flora = Assert.Single(await ChecklistProjects.LoadAsync(db, Ct), f => f.Code == code);
            Assert.Equal(("Meadows", 6), (flora.Title, flora.Names.Count));
        }
    }

    [Theory]
    [InlineData("weurope", "one of the model's own projects")]
    [InlineData("", "title")]
    public async Task BadImportsAreRefusedBeforeAnythingIsStored(string code, string expected)
    {
        var title = code.Length == 0 ? "   " : "Clash";
        await using var db = fixture.NewContext();
        var e = await Assert.ThrowsAsync<ChecklistImportException>(() => ChecklistProjects.ImportAsync(db, ProjectCode.Parse(code.Length == 0 ? "untitled" : code),
            title, null, "a.zip", Contents(), StorageFixture.Checklist, fixture.Clock, Ct));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.False(await db.ChecklistProjects.AnyAsync(p => p.Code == "weurope" || p.Code == "untitled", Ct));
    }

    /// <summary>Also: the longest code (40 characters) fits an observation's project column.</summary>
    [Fact]
    public async Task AnIdentificationBySynonymStoresTheAcceptedName()
    {
        const string code = "meadows-of-the-longest-code-allowed-0040";
        await using (var db = fixture.NewContext())
            await ChecklistProjects.ImportAsync(db, ProjectCode.Parse(code), "Meadows", null, "a.zip", Contents(), StorageFixture.Checklist, fixture.Clock, Ct);
        Checklist composed;
        await using (var db = fixture.NewContext())
            composed = StorageFixture.Checklist.WithProjects(await ChecklistProjects.LoadAsync(db, Ct));
        var author = await fixture.NewUserAsync();
        var other = await fixture.NewUserAsync();
        await using (var db = fixture.NewContext())
        {
            var valid = ObservationWriter.Validate(new NewObservation
            {
                Photos = [new NewPhoto(TestSupport.Photos.Plant("Leucanthemum_vulgare", 0).Data, "flower")],
                Project = code,
                TaxonName = "Chrysanthemum leucanthemum",
            }, composed, fixture.Clock.GetUtcNow().UtcDateTime);
            var created = await ObservationWriter.CreateAsync(db, fixture.Photos, composed, author, valid, fixture.Clock, Ct);
            Assert.Equal(("Leucanthemum vulgare", code), (created.TaxonName, created.Project));
            var identification = await ObservationWriter.IdentifyAsync(db, composed, created.Id, other, "anemone_nemorosa", fixture.Clock, Ct);
            Assert.Equal("Anemonoides nemorosa", identification.TaxonName);
        }
    }
}
