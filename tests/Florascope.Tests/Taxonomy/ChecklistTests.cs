using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Taxonomy;

public sealed class ChecklistTests
{
    private static readonly Lazy<Checklist> Demo = new(() => Checklist.Load(RepoPaths.Checklist));

    [Fact]
    public void DemoChecklistHas46TaxaAndFourProjects()
    {
        var checklist = Demo.Value;
        Assert.Equal(46, checklist.Taxa.Count);
        Assert.Equal(["all", "namerica", "useful", "weurope"], checklist.Projects);
        Assert.True(checklist.HasProject("namerica"));
        Assert.False(checklist.HasProject("asia"));
        Assert.All(checklist.Taxa, t => Assert.True(t.InProject(Checklist.AllProject)));
        Assert.All(checklist.Taxa, t => Assert.NotEmpty(t.Projects));
    }

    [Fact]
    public void RowsAreReadIntoTheirFields()
    {
        var t = Demo.Value.Taxa[Demo.Value.IndexOf("Hyacinthoides non-scripta")];
        Assert.Equal("(L.) Chouard ex Rothm.", t.Authorship);
        Assert.Equal("Hyacinthoides non-scripta (L.) Chouard ex Rothm.", t.ScientificName);
        Assert.Equal("species", t.Rank);
        Assert.Equal("Hyacinthoides", t.Genus);
        Assert.Equal("Asparagaceae", t.Family);
        Assert.Equal("5304283", t.GbifKey);
        Assert.Equal("971733-1", t.PowoId);
        Assert.Equal("flower", t.DemoOrgan);
        Assert.Equal(["weurope"], t.Projects);
        Assert.Equal(["common bluebell", "English bluebell"], t.CommonNames["en"]);
        Assert.True(t.InProject("weurope"));
        Assert.False(t.InProject("namerica"));

        // An empty gbifKey cell is no key at all.
        Assert.Null(Demo.Value.Taxa[Demo.Value.IndexOf("Ranunculus acris")].GbifKey);
    }

    [Theory]
    [InlineData("Iris × germanica")]
    [InlineData("iris_×_germanica")]
    [InlineData("IRIS × GERMANICA")]
    [InlineData("  Iris   ×  germanica ")]
    [InlineData("Iris_×_Germanica")]
    public void NamesMatchWhateverTheCaseUnderscoresAndSpacing(string name)
    {
        var i = Demo.Value.IndexOf(name);
        Assert.True(i >= 0, $"'{name}' not found");
        Assert.Equal("Iris × germanica", Demo.Value.Taxa[i].ScientificNameWithoutAuthor);
    }

    [Theory]
    [InlineData("Iris x germanica")] // a letter x is not the hybrid sign
    [InlineData("Iris")]
    [InlineData("Quercus robur")]
    [InlineData("")]
    public void UnknownNamesAreMinusOne(string name) => Assert.Equal(-1, Demo.Value.IndexOf(name));

    [Fact]
    public void NameKeyFoldsCaseUnderscoresAndSpaces()
    {
        Assert.Equal("iris × germanica", Checklist.NameKey("Iris_×_GERMANICA"));
        Assert.Equal("capsella bursa-pastoris", Checklist.NameKey(" Capsella__bursa-pastoris "));
        Assert.Equal(Checklist.NameKey("Betula utilis var. jacquemontii"), Checklist.NameKey("betula_utilis_var._jacquemontii"));
        // Composed and decomposed accents compare equal.
        Assert.Equal(Checklist.NameKey("Ros\u00e9"), Checklist.NameKey("Rose\u0301"));
    }

    [Fact]
    public void EveryValFolderIsAChecklistTaxon()
    {
        foreach (var dir in Directory.GetDirectories(RepoPaths.ValPhotos))
            Assert.True(Demo.Value.IndexOf(Path.GetFileName(dir)) >= 0, $"{Path.GetFileName(dir)} is not in the checklist");
    }

    [Fact]
    public void NamesInFallsBackToEnglish()
    {
        var t = Demo.Value.Taxa[Demo.Value.IndexOf("Hyacinthoides non-scripta")];
        Assert.Equal(["jacinthe des bois"], t.NamesIn("fr"));
        Assert.Equal(["Atlantisches Hasenglöckchen"], t.NamesIn("de"));
        // No Polish, Portuguese or Arabic name in the checklist: English instead.
        Assert.Equal(["common bluebell", "English bluebell"], t.NamesIn("pl"));
        Assert.Equal(["common bluebell", "English bluebell"], t.NamesIn("pt"));
        Assert.Equal(["common bluebell", "English bluebell"], t.NamesIn("ar"));
        Assert.Equal(["common bluebell", "English bluebell"], t.NamesIn("xx"));
    }

    [Fact]
    public void NamesInIsEmptyWithoutAnyName()
    {
        var bare = new Taxon { ScientificNameWithoutAuthor = "Planta ignota" };
        Assert.Empty(bare.NamesIn("fr"));
        Assert.Equal("Planta ignota", bare.ScientificName);
    }

    [Fact]
    public void WriterRoundTrips()
    {
        using var dir = new TempDirectory();
        var first = Path.Combine(dir.Path, "first.tsv");
        var second = Path.Combine(dir.Path, "second.tsv");
        ChecklistWriter.Write(Demo.Value, first);
        var reloaded = Checklist.Load(first);

        Assert.Equal(Demo.Value.Projects, reloaded.Projects);
        Assert.Equal(Demo.Value.Taxa.Count, reloaded.Taxa.Count);
        for (var i = 0; i < reloaded.Taxa.Count; i++)
        {
            Taxon a = Demo.Value.Taxa[i], b = reloaded.Taxa[i];
            Assert.Equal(a.ScientificNameWithoutAuthor, b.ScientificNameWithoutAuthor);
            Assert.Equal(a.Authorship, b.Authorship);
            Assert.Equal(a.Rank, b.Rank);
            Assert.Equal(a.Genus, b.Genus);
            Assert.Equal(a.Family, b.Family);
            Assert.Equal(a.GbifKey, b.GbifKey);
            Assert.Equal(a.PowoId, b.PowoId);
            Assert.Equal(a.NativeRange, b.NativeRange);
            Assert.Equal(a.DemoOrgan, b.DemoOrgan);
            Assert.Equal(a.Projects, b.Projects);
            Assert.Equal(a.CommonNames.Keys.Order(StringComparer.Ordinal), b.CommonNames.Keys.Order(StringComparer.Ordinal));
            foreach (var (lang, names) in a.CommonNames) Assert.Equal(names, b.CommonNames[lang]);
        }

        // Writing what was read gives the same bytes: nothing drifts over repeated saves.
        ChecklistWriter.Write(reloaded, second);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        // UTF-8 without a byte order mark, like the source file.
        Assert.NotEqual(0xEF, File.ReadAllBytes(first)[0]);
    }

    [Fact]
    public void MissingFileAndBadRowsAreReported()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => Checklist.Load(Path.Combine(dir.Path, "none.tsv")));

        var header = File.ReadLines(RepoPaths.Checklist).First();
        var shortRow = dir.File("short.tsv", System.Text.Encoding.UTF8.GetBytes(header + "\nRosa\tL.\n"));
        var e = Assert.Throws<InvalidDataException>(() => Checklist.Load(shortRow));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);

        var noName = dir.File("noname.tsv", "a\tb\n1\t2\n"u8.ToArray());
        Assert.Throws<InvalidDataException>(() => Checklist.Load(noName));
    }

    [Fact]
    public void SearchKeyIgnoresAccentsAndCase()
    {
        Assert.Equal("renoncule acre", Checklist.SearchKey("Renoncule âcre"));
        Assert.Equal("erable champetre", Checklist.SearchKey("ÉRABLE champêtre"));
    }
}
