using Florascope.DarwinCore;
using Florascope.Floras;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>ChecklistArchive.Read: a Darwin Core checklist (Taxon core, Vernacular Names extension) through its meta.xml.</summary>
public sealed class ChecklistArchiveTests
{
    [Fact]
    public void ReadsAcceptedNamesSynonymsAndVernacularNames()
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path), TestContext.Current.CancellationToken);

        Assert.Equal(9, contents.Taxa.Count);
        Assert.Equal(6, contents.Taxa.Count(t => t.IsAccepted));
        var leucanthemum = contents.Taxa.Single(t => t.TaxonId == "1");
        Assert.Equal("Leucanthemum vulgare", leucanthemum.CanonicalName);
        Assert.Equal("Lam.", leucanthemum.Authorship);
        Assert.Null(leucanthemum.AcceptedTaxonId);
        Assert.Equal([new VernacularName("Marguerite des prés", "fr")], leucanthemum.VernacularNames);
        var synonym = contents.Taxa.Single(t => t.TaxonId == "2");
        Assert.Equal(("Chrysanthemum leucanthemum", "1", "synonym"), (synonym.CanonicalName, synonym.AcceptedTaxonId, synonym.TaxonomicStatus));
        // Authorship written only inside scientificName.
        var leontodon = contents.Taxa.Single(t => t.TaxonId == "4");
        Assert.Equal(("Leontodon taraxacum", "L.", "3"), (leontodon.CanonicalName, leontodon.Authorship, leontodon.AcceptedTaxonId));
        // An empty acceptedNameUsageID, and "doubtful" without one, stand as accepted.
        Assert.True(contents.Taxa.Single(t => t.TaxonId == "3").IsAccepted);
        Assert.True(contents.Taxa.Single(t => t.TaxonId == "9").IsAccepted);
        // ISO 639-2 "fra" and "en-GB" mapped; Klingon left out and counted.
        Assert.Equal([new VernacularName("Pâquerette", "fr"), new VernacularName("daisy", "en")], contents.Taxa.Single(t => t.TaxonId == "7").VernacularNames);
        Assert.Equal([new VernacularName("Spitzwegerich", "de"), new VernacularName("ribwort plantain", "en")], contents.Taxa.Single(t => t.TaxonId == "8").VernacularNames);
        Assert.Equal(1, contents.VernacularNamesSkipped);
    }

    [Fact]
    public void WithoutTheVernacularExtensionNamesAreEmpty()
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path, meta: TestChecklists.Meta(vernacular: false)), TestContext.Current.CancellationToken);
        Assert.All(contents.Taxa, t => Assert.Empty(t.VernacularNames));
    }

    [Fact]
    public void SynonymChainsLeadToTheAcceptedName()
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path, taxa:
        [
            "1\tLeucanthemum vulgare Lam.\tLam.\tspecies\t\taccepted\tLeucanthemum\tAsteraceae",
            "2\tChrysanthemum leucanthemum L.\tL.\tspecies\t1\tsynonym\tChrysanthemum\tAsteraceae",
            "3\tLeucanthemum leucanthemum (L.) Rydb.\t(L.) Rydb.\tspecies\t2\tsynonym\tLeucanthemum\tAsteraceae",
        ], vernacular: []), TestContext.Current.CancellationToken);
        Assert.Equal("1", contents.Taxa.Single(t => t.TaxonId == "3").AcceptedTaxonId);
    }

    /// <summary>
    /// 20,000 rows, each the synonym of the one before (or after: the first row's walk then resolves
    /// them all): followed from scratch for each row, such a chain costs n²/2 look-ups (a hostile
    /// archive could hang the import); each row is resolved once here.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALongSynonymChainIsResolvedInOnePass(bool acceptedLast)
    {
        const int n = 20_000;
        using var temp = new TempDirectory();
        var rows = Enumerable.Range(0, n).Select(k =>
        {
            var (next, accepted) = acceptedLast ? (k + 1, k == n - 1) : (k - 1, k == 0);
            return $"{k}\tChainus number{k} L.\tL.\tspecies\t{(accepted ? "" : next.ToString(System.Globalization.CultureInfo.InvariantCulture))}\t{(accepted ? "accepted" : "synonym")}\tChainus\tChainaceae";
        });
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path, taxa: rows, vernacular: []), TestContext.Current.CancellationToken);
        var root = acceptedLast ? $"{n - 1}" : "0";
        Assert.Equal(n, contents.Taxa.Count);
        Assert.Null(contents.Taxa.Single(t => t.TaxonId == root).AcceptedTaxonId);
        Assert.All(contents.Taxa.Where(t => t.TaxonId != root), t => Assert.Equal(root, t.AcceptedTaxonId));
    }

    [Fact]
    public void ACycleOfSynonymsIsOneLineNamingATaxonOfIt()
    {
        using var temp = new TempDirectory();
        var path = TestChecklists.Write(temp.Path, taxa:
        [
            "1\tLeucanthemum vulgare Lam.\tLam.\tspecies\t\taccepted\tLeucanthemum\tAsteraceae",
            // 5 and 6 lead into the cycle 2 -> 3 -> 4 -> 2.
            "5\tChrysanthemum pratense Salisb.\tSalisb.\tspecies\t2\tsynonym\tChrysanthemum\tAsteraceae",
            "2\tChrysanthemum leucanthemum L.\tL.\tspecies\t3\tsynonym\tChrysanthemum\tAsteraceae",
            "3\tLeucanthemum leucanthemum (L.) Rydb.\t(L.) Rydb.\tspecies\t4\tsynonym\tLeucanthemum\tAsteraceae",
            "4\tTanacetum leucanthemum (L.) Sch.Bip.\t(L.) Sch.Bip.\tspecies\t2\tsynonym\tTanacetum\tAsteraceae",
            "6\tMatricaria leucanthemum (L.) Scop.\t(L.) Scop.\tspecies\t4\tsynonym\tMatricaria\tAsteraceae",
        ], vernacular: []);
        var e = Assert.Throws<DwcaFormatException>(() => ChecklistArchive.Read(path, TestContext.Current.CancellationToken));
        Assert.Equal("taxon.txt, line 4: the acceptedNameUsageID chain of taxon '2' ('Chrysanthemum leucanthemum L.') is a cycle.", e.Message);
    }

    /// <summary>A misapplied name carries the spelling of another species: it is left out (and counted), never made a synonym.</summary>
    [Fact]
    public void MisappliedNamesAreLeftOutAndCounted()
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path, taxa:
        [
            "1\tLeucanthemum ircutianum DC.\tDC.\tspecies\t\taccepted\tLeucanthemum\tAsteraceae",
            "2\tLeucanthemum vulgare auct. non Lam.\t\tspecies\t1\tmisapplied\tLeucanthemum\tAsteraceae",
            "3\tChrysanthemum ircutianum (DC.) Turcz.\t(DC.) Turcz.\tspecies\t1\tsynonym\tChrysanthemum\tAsteraceae",
            "4\tLeucanthemum vulgare sensu Smith\t\tspecies\t1\tMISAPPLIED\tLeucanthemum\tAsteraceae",
            // Left out too, whatever they point at: nothing, or themselves.
            "5\tLeucanthemum vulgare sensu Jones\t\tspecies\t\tmisapplied\tLeucanthemum\tAsteraceae",
            "6\tLeucanthemum vulgare sensu Brown\t\tspecies\t6\tmisapplied\tLeucanthemum\tAsteraceae",
        ], vernacular: ["2\tmarguerite\tfr", "1\tgrande marguerite\tfr"]), TestContext.Current.CancellationToken);
        Assert.Equal(["1", "3"], contents.Taxa.Select(t => t.TaxonId));
        Assert.Equal("1", contents.Taxa[1].AcceptedTaxonId);
        Assert.Equal(4, contents.MisappliedNamesSkipped);
        Assert.Equal([new VernacularName("grande marguerite", "fr")], contents.Taxa[0].VernacularNames);
        Assert.False(ChecklistArchive.IsSynonymStatus("misapplied"));
        Assert.True(ChecklistArchive.IsMisappliedStatus("MISAPPLIED"));
    }

    /// <summary>
    /// The Darwin Core text guide lets the core's &lt;id&gt; be any column: extension rows point at it
    /// (coreid), while acceptedNameUsageID still names a taxonID.
    /// </summary>
    [Fact]
    public void VernacularRowsJoinTheCoresIdColumnEvenWhenItIsNotTaxonId()
    {
        using var temp = new TempDirectory();
        var meta = TestChecklists.Meta().Replace("<id index=\"0\"/>", "<id index=\"8\"/>", StringComparison.Ordinal);
        Assert.Contains("<id index=\"8\"/>", meta, StringComparison.Ordinal);
        var taxa = TestChecklists.Taxa.Select(r => $"{r}\tkey-{r.Split('\t')[0]}");
        var path = TestChecklists.Write(temp.Path, meta: meta, taxonHeader: TestChecklists.TaxonHeader + "\tid", taxa: taxa,
            vernacular: TestChecklists.Vernacular.Select(v => "key-" + v));
        var contents = ChecklistArchive.Read(path, TestContext.Current.CancellationToken);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9"], contents.Taxa.Select(t => t.TaxonId));
        Assert.Equal("1", contents.Taxa.Single(t => t.TaxonId == "2").AcceptedTaxonId);
        Assert.Equal([new VernacularName("Pâquerette", "fr"), new VernacularName("daisy", "en")], contents.Taxa.Single(t => t.TaxonId == "7").VernacularNames);
        Assert.Equal([new VernacularName("Marguerite des prés", "fr")], contents.Taxa.Single(t => t.TaxonId == "1").VernacularNames);

        // A coreid naming a taxonID rather than the <id> column is an orphan.
        var byTaxonId = TestChecklists.Write(temp.Path, "by-taxon-id.zip", meta: meta, taxonHeader: TestChecklists.TaxonHeader + "\tid", taxa: taxa, vernacular: ["7\tdaisy\ten"]);
        var e = Assert.Throws<DwcaFormatException>(() => ChecklistArchive.Read(byTaxonId, TestContext.Current.CancellationToken));
        Assert.Contains("vernacularname.txt, line 2: vernacular name of taxon '7'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GbifsCanonicalNameTermIsUsedWhenPresent()
    {
        using var temp = new TempDirectory();
        var meta = TestChecklists.Meta(vernacular: false).Replace("term=\"http://rs.tdwg.org/dwc/terms/family\"/>",
            "term=\"http://rs.tdwg.org/dwc/terms/family\"/>\n    <field index=\"8\" term=\"http://rs.gbif.org/terms/1.0/canonicalName\"/>", StringComparison.Ordinal);
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path, meta: meta, taxonHeader: TestChecklists.TaxonHeader + "\tcanonicalName", taxa:
            ["1\tHyacinthoides non-scripta (L.) Chouard ex Rothm.\t\tspecies\t\taccepted\tHyacinthoides\tAsparagaceae\tHyacinthoides non-scripta"]),
            TestContext.Current.CancellationToken);
        var t = Assert.Single(contents.Taxa);
        Assert.Equal(("Hyacinthoides non-scripta", "(L.) Chouard ex Rothm."), (t.CanonicalName, t.Authorship));
    }

    [Theory]
    [InlineData("Leucanthemum vulgare Lam.", "", "Leucanthemum vulgare")]
    [InlineData("Leucanthemum vulgare Lam.", "Lam.", "Leucanthemum vulgare")]
    [InlineData("Hyacinthoides non-scripta (L.) Chouard ex Rothm.", "", "Hyacinthoides non-scripta")]
    [InlineData("Betula utilis var. jacquemontii (Spach) H.J.P.Winkl.", "", "Betula utilis var. jacquemontii")]
    [InlineData("Iris × germanica L.", "", "Iris × germanica")]
    [InlineData("Rosa L.", "", "Rosa")]
    [InlineData("Capsella bursa-pastoris (L.) Medik.", "", "Capsella bursa-pastoris")]
    [InlineData("Aster amellus de Candolle", "", "Aster amellus")]
    [InlineData("Zea mays", "", "Zea mays")]
    public void TheCanonicalNameLeavesTheAuthorshipOut(string scientificName, string authorship, string canonical) =>
        Assert.Equal(canonical, ScientificNames.Canonical(scientificName, authorship));

    [Theory]
    [InlineData("fr", "fr")]
    [InlineData("FR", "fr")]
    [InlineData("fra", "fr")]
    [InlineData("fre", "fr")]
    [InlineData("ger", "de")]
    [InlineData("zho", "zh")]
    [InlineData("pt-BR", "pt")]
    [InlineData("tlh", null)]
    [InlineData("sv", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void LanguagesMapToTheThirteen(string? code, string? expected) => Assert.Equal(expected, ChecklistArchive.LanguageCode(code));

    public static TheoryData<string, string> Malformed
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (kind, expected) in MalformedCases) data.Add(kind, expected);
            return data;
        }
    }

    public static readonly (string Kind, string Expected)[] MalformedCases =
    [
        ("no-meta", "no 'meta.xml'"),
        ("occurrence-core", "not a Taxon core"),
        ("short-row", "taxon.txt line 4: 7 columns where the header has 8"),
        ("long-row", "taxon.txt line 3: 9 columns where the header has 8"),
        ("unknown-encoding", "encoding 'x-klingon'"),
        ("duplicate-id", "taxon.txt, line 3: duplicate taxonID '1' (first at taxon.txt, line 2)"),
        ("orphan-vernacular", "vernacularname.txt, line 3: vernacular name of taxon '42'"),
        ("missing-accepted", "taxon.txt, line 3: synonym 'Chrysanthemum leucanthemum L.' points to acceptedNameUsageID '99'"),
        ("cycle", "taxon.txt, line 3: the acceptedNameUsageID chain of taxon '2'"),
        ("synonym-without-accepted", "taxon.txt, line 3: 'Chrysanthemum leucanthemum L.' is a synonym without acceptedNameUsageID"),
        ("no-name", "taxon.txt, line 2: taxon '1' has no scientificName"),
        ("not-zip", "Not a zip archive"),
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedArchiveIsOneLineNamingFileAndLine(string kind, string expected)
    {
        using var temp = new TempDirectory();
        var path = WriteMalformed(temp.Path, kind);
        var e = Assert.Throws<DwcaFormatException>(() => ChecklistArchive.Read(path, TestContext.Current.CancellationToken));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>One malformed archive per kind (shared with the command-line tests).</summary>
    public static string WriteMalformed(string folder, string kind)
    {
        const string leucanthemum = "1\tLeucanthemum vulgare Lam.\tLam.\tspecies\t\taccepted\tLeucanthemum\tAsteraceae";
        return kind switch
        {
            "no-meta" => TestChecklists.Write(folder, withMeta: false),
            "occurrence-core" => TestChecklists.Write(folder, meta: TestChecklists.Meta(coreRowType: "http://rs.tdwg.org/dwc/terms/Occurrence")),
            "short-row" => TestChecklists.Write(folder, taxa: [leucanthemum, "2\tRanunculus acris L.\tL.\tspecies\t\taccepted\tRanunculus\tRanunculaceae", "3\tRosa L.\tL.\tgenus\t\taccepted\tRosa"], vernacular: []),
            "long-row" => TestChecklists.Write(folder, taxa: [leucanthemum, "2\tRanunculus acris L.\tL.\tspecies\t\taccepted\tRanunculus\tRanunculaceae\textra"], vernacular: []),
            "unknown-encoding" => TestChecklists.Write(folder, meta: TestChecklists.Meta(encoding: "x-klingon")),
            "duplicate-id" => TestChecklists.Write(folder, taxa: [leucanthemum, leucanthemum], vernacular: []),
            "orphan-vernacular" => TestChecklists.Write(folder, taxa: [leucanthemum], vernacular: ["1\tmarguerite\tfr", "42\tghost\ten"]),
            "missing-accepted" => TestChecklists.Write(folder, taxa: [leucanthemum, "2\tChrysanthemum leucanthemum L.\tL.\tspecies\t99\tsynonym\tChrysanthemum\tAsteraceae"], vernacular: []),
            "cycle" => TestChecklists.Write(folder, taxa: [leucanthemum, "2\tChrysanthemum leucanthemum L.\tL.\tspecies\t3\tsynonym\tChrysanthemum\tAsteraceae",
                "3\tLeucanthemum leucanthemum (L.) Rydb.\t(L.) Rydb.\tspecies\t2\tsynonym\tLeucanthemum\tAsteraceae"], vernacular: []),
            "synonym-without-accepted" => TestChecklists.Write(folder, taxa: [leucanthemum, "2\tChrysanthemum leucanthemum L.\tL.\tspecies\t\tsynonym\tChrysanthemum\tAsteraceae"], vernacular: []),
            "no-name" => TestChecklists.Write(folder, taxa: ["1\t\tLam.\tspecies\t\taccepted\tLeucanthemum\tAsteraceae"], vernacular: []),
            "not-zip" => WriteText(Path.Combine(folder, "checklist.zip"), "this is not a zip"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static string WriteText(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }
}
