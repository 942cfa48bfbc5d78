using Florascope.Data.Floras;
using Florascope.Data.Observations;
using Florascope.Floras;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>Checklist.WithProjects (pure): an imported checklist composed into the model's checklist; ProjectCode.</summary>
public sealed class ImportedFlorasTests
{
    private static readonly Lazy<Checklist> Demo = new(() => Checklist.Load(RepoPaths.Checklist));

    internal static ImportedFlora TestFlora(string code = "meadows")
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path));
        return ChecklistProjects.ToFlora(ProjectCode.Parse(code), "Meadows", "Meadow plants", contents.Taxa);
    }

    [Fact]
    public void KnownNamesJoinTheProjectAndTheOthersAreKnownOnly()
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);

        Assert.Equal(["Anemonoides nemorosa", "Leucanthemum vulgare", "Ranunculus acris", "Taraxacum officinale"],
            composed.Taxa.Where(t => t.InProject("meadows")).Select(t => t.ScientificNameWithoutAuthor).Order(StringComparer.Ordinal));
        Assert.Equal(["Bellis perennis", "Plantago lanceolata"], composed.KnownOnly("meadows").Select(t => t.ScientificNameWithoutAuthor));
        Assert.True(composed.HasProject("meadows"));
        Assert.Equal(["all", "meadows", "namerica", "useful", "weurope"], composed.Projects);
        // Same taxa, same order: the model's heads still line up.
        Assert.Equal(Demo.Value.Taxa.Select(t => t.ScientificNameWithoutAuthor), composed.Taxa.Select(t => t.ScientificNameWithoutAuthor));
        var meadows = ProjectCatalogue.Describe(composed).Single(p => p.Id == "meadows");
        Assert.Equal(("Meadows", 4, 2, true), (meadows.Title, meadows.TaxonCount, meadows.KnownOnly, meadows.Imported));
        // The bundle's own checklist is unchanged.
        Assert.False(Demo.Value.HasProject("meadows"));
    }

    [Theory]
    [InlineData("Chrysanthemum leucanthemum", "Leucanthemum vulgare")]
    [InlineData("chrysanthemum_LEUCANTHEMUM", "Leucanthemum vulgare")]
    [InlineData("Leontodon taraxacum", "Taraxacum officinale")]
    [InlineData("Anemone nemorosa", "Anemonoides nemorosa")]
    [InlineData("Leucanthemum vulgare", "Leucanthemum vulgare")]
    public void SynonymsResolveToTheAcceptedTaxon(string typed, string accepted)
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        var i = composed.IndexOf(typed);
        Assert.True(i >= 0, typed);
        Assert.Equal(accepted, composed.Taxa[i].ScientificNameWithoutAuthor);
        Assert.Equal(-1, Demo.Value.IndexOf("Chrysanthemum leucanthemum"));
    }

    [Fact]
    public void TheNameSearchFindsTheAcceptedTaxonBySynonym()
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        Assert.Equal(["Leucanthemum vulgare"], TaxonSearch.Find(composed, "all", "chrysanth", "en").Select(t => t.ScientificNameWithoutAuthor));
        Assert.Equal(["Leucanthemum vulgare"], TaxonSearch.Find(composed, "meadows", "Chrysanthemum leuc", "fr").Select(t => t.ScientificNameWithoutAuthor));
        // The species list of an imported project: identifiable and known-only names, by name.
        Assert.Equal([("Bellis perennis", false)], TaxonSearch.FindWithKnownOnly(composed, "meadows", "paquer", "fr").Select(x => (x.Taxon.ScientificNameWithoutAuthor, x.Identifiable)));
        Assert.Equal(6, TaxonSearch.FindWithKnownOnly(composed, "meadows", null, "en").Count());
    }

    [Fact]
    public void VernacularNamesFillOnlyMissingLanguages()
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        var leucanthemum = composed.Taxa[composed.IndexOf("Leucanthemum vulgare")];
        Assert.Equal(Demo.Value.Taxa[Demo.Value.IndexOf("Leucanthemum vulgare")].NamesIn("fr"), leucanthemum.NamesIn("fr"));
    }

    [Fact]
    public void TheBundlesOwnProjectsWin()
    {
        var clash = TestFlora("weurope");
        var composed = Demo.Value.WithProjects([clash]);
        Assert.Empty(composed.ImportedProjects);
        Assert.Equal(Demo.Value.Taxa.Count(t => t.InProject("weurope")), composed.Taxa.Count(t => t.InProject("weurope")));
    }

    [Fact]
    public void AModelTaxonNamedByASynonymMatchesTheAcceptedName()
    {
        // The checklist accepts a name the model spells as one of its synonyms.
        var flora = new ImportedFlora(ProjectCode.Parse("renamed"), "Renamed", "",
            [new FloraName("Scilla non-scripta", "(L.) Hoffmanns. & Link", "species", "Scilla", "Asparagaceae", ["Hyacinthoides non-scripta"], new Dictionary<string, IReadOnlyList<string>>())]);
        var composed = Demo.Value.WithProjects([flora]);
        Assert.Empty(composed.KnownOnly("renamed"));
        Assert.Equal("Hyacinthoides non-scripta", composed.Taxa[composed.IndexOf("Scilla non-scripta")].ScientificNameWithoutAuthor);
    }

    /// <summary>
    /// A synonym spelled as an accepted name (of this checklist, or another taxon of the model) names
    /// that species: it is dropped, so that name never resolves to, nor finds, this taxon.
    /// </summary>
    [Fact]
    public void ASynonymSpelledAsAnAcceptedNameIsDropped()
    {
        var none = new Dictionary<string, IReadOnlyList<string>>();
        var flora = new ImportedFlora(ProjectCode.Parse("sloppy"), "Sloppy", "",
        [
            new FloraName("Leucanthemum vulgare", "Lam.", "species", "Leucanthemum", "Asteraceae",
                ["Bellis perennis", "Taraxacum officinale", "Chrysanthemum leucanthemum"], none),
            new FloraName("Bellis perennis", "L.", "species", "Bellis", "Asteraceae", ["bellis_PERENNIS", "Leucanthemum vulgare"], none),
        ]);
        var composed = Demo.Value.WithProjects([flora]);
        var leucanthemum = composed.Taxa[composed.IndexOf("Leucanthemum vulgare")];
        Assert.Equal(["Chrysanthemum leucanthemum"], leucanthemum.Synonyms);
        Assert.Equal(-1, composed.IndexOf("Bellis perennis"));
        Assert.Equal("Taraxacum officinale", composed.Taxa[composed.IndexOf("Taraxacum officinale")].ScientificNameWithoutAuthor);
        Assert.Equal(["Taraxacum officinale"], TaxonSearch.Find(composed, "all", "Taraxacum off", "en").Select(t => t.ScientificNameWithoutAuthor));
        var bellis = Assert.Single(composed.KnownOnly("sloppy"));
        Assert.Equal(("Bellis perennis", 0), (bellis.ScientificNameWithoutAuthor, bellis.Synonyms.Count));
        Assert.Equal([("Bellis perennis", false)], TaxonSearch.FindWithKnownOnly(composed, "sloppy", "Bellis", "en").Select(x => (x.Taxon.ScientificNameWithoutAuthor, x.Identifiable)));
    }

    /// <summary>
    /// "Leucanthemum vulgare auct." misapplied to L. ircutianum: as a synonym it would put the model's
    /// L. vulgare in the project and send "Leucanthemum ircutianum" to it. Left out, ircutianum is known only.
    /// </summary>
    [Fact]
    public void AMisappliedNameNeverAttachesTheSpeciesItIsSpelledAs()
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path, taxa:
        [
            "1\tLeucanthemum ircutianum DC.\tDC.\tspecies\t\taccepted\tLeucanthemum\tAsteraceae",
            "2\tLeucanthemum vulgare auct. non Lam.\t\tspecies\t1\tmisapplied\tLeucanthemum\tAsteraceae",
        ], vernacular: []), TestContext.Current.CancellationToken);
        var composed = Demo.Value.WithProjects([ChecklistProjects.ToFlora(ProjectCode.Parse("ircutianum"), "I", "", contents.Taxa)]);
        Assert.DoesNotContain(composed.Taxa, t => t.InProject("ircutianum"));
        Assert.Equal(["Leucanthemum ircutianum"], composed.KnownOnly("ircutianum").Select(t => t.ScientificNameWithoutAuthor));
        Assert.Equal(-1, composed.IndexOf("Leucanthemum ircutianum"));
        Assert.Empty(composed.Taxa[composed.IndexOf("Leucanthemum vulgare")].Synonyms);
    }

    /// <summary>A name with 20,000 synonyms (a long chain in the archive ends so): each is attached once, in linear time.</summary>
    [Fact]
    public void ThousandsOfSynonymsOfOneNameAreAttachedInOnePass()
    {
        var many = Enumerable.Range(0, 20_000).Select(k => $"Chainus number{(char)('a' + k % 26)}{k / 26}").ToList();
        var flora = new ImportedFlora(ProjectCode.Parse("chain"), "Chain", "",
            [new FloraName("Leucanthemum vulgare", "Lam.", "species", "Leucanthemum", "Asteraceae", [.. many, .. many], new Dictionary<string, IReadOnlyList<string>>())]);
        var composed = Demo.Value.WithProjects([flora]);
        var leucanthemum = composed.IndexOf("Leucanthemum vulgare");
        Assert.Equal(many.Count, composed.Taxa[leucanthemum].Synonyms.Count);
        Assert.Equal(leucanthemum, composed.IndexOf(many[^1]));
    }

    /// <summary>The map's and the observation list's taxon filter: the typed name as the checklist stores it.</summary>
    [Theory]
    [InlineData("Chrysanthemum leucanthemum", "Leucanthemum vulgare")]
    [InlineData("leucanthemum_VULGARE", "Leucanthemum vulgare")]
    [InlineData("anemone nemorosa", "Anemonoides nemorosa")]
    [InlineData("Nonexistia fictiva", "Nonexistia fictiva")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void TheObservationTaxonFilterResolvesSynonymsAndCase(string? typed, string? stored)
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        Assert.Equal(stored, ObservationQueries.TaxonFilter(typed, composed));
        Assert.Equal(string.IsNullOrEmpty(typed) ? null : typed, ObservationQueries.TaxonFilter(typed, null));
    }

    [Theory]
    [InlineData("meadows", true)]
    [InlineData("flora-de-france-2025", true)]
    [InlineData("ab", true)]
    [InlineData("a", false)]
    [InlineData("Meadows", false)]
    [InlineData("méadows", false)]
    [InlineData("mea dows", false)]
    [InlineData("mea_dows", false)]
    [InlineData("all", false)]
    [InlineData("best", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a1234567890123456789012345678901234567890", false)]
    public void ProjectCodes(string? text, bool valid)
    {
        Assert.Equal(valid, ProjectCode.TryParse(text, out var code));
        if (valid) Assert.Equal(text, code.Value);
        else Assert.Throws<ArgumentException>(() => ProjectCode.Parse(text));
    }
}
