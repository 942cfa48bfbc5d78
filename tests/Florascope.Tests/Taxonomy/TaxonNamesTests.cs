using Florascope.Taxonomy;

namespace Florascope.Tests.Taxonomy;

/// <summary>Typed names to taxa (TaxonNames.Resolve) and the pages' autocompletion (TaxonSearch.Suggest), on a hand-made checklist.</summary>
public sealed class TaxonNamesTests
{
    private static Taxon T(string name, string projects, Dictionary<string, string> names, params string[] synonyms) => new()
    {
        ScientificNameWithoutAuthor = name,
        Projects = projects.Split(',', StringSplitOptions.RemoveEmptyEntries),
        Synonyms = synonyms,
        CommonNames = names.ToDictionary(x => x.Key, x => (IReadOnlyList<string>)x.Value.Split('|', StringSplitOptions.RemoveEmptyEntries)),
    };

    private static readonly Checklist Flora = new(
    [
        T("Leucanthemum vulgare", "weurope", new() { ["en"] = "oxeye daisy", ["fr"] = "grande marguerite", ["de"] = "Wiesen-Margerite", ["ja"] = "フランスギク" },
            "Chrysanthemum leucanthemum"),
        T("Bellis perennis", "weurope", new() { ["en"] = "common daisy|daisy", ["fr"] = "pâquerette", ["es"] = "margarita" }),
        T("Cornus florida", "namerica", new() { ["en"] = "flowering dogwood", ["fr"] = "cornouiller fleuri", ["ru"] = "Кизил цветущий" }),
        T("Tulipa", "useful", new() { ["en"] = "tulip", ["fr"] = "tulipe", ["ar"] = "توليب" }),
        T("Helianthus annuus", "useful", new() { ["en"] = "sunflower|common sunflower", ["fr"] = "tournesol", ["es"] = "girasol" }),
        // Two taxa share a common name: a typed "margarita" must not pick one silently.
        T("Argyranthemum frutescens", "useful", new() { ["en"] = "marguerite daisy", ["es"] = "margarita" }),
        // A genus whose scientific name is also another taxon's common name.
        T("Rosa", "useful", new() { ["en"] = "rose", ["fr"] = "rosier" }),
        T("Rosmarinus officinalis", "useful", new() { ["en"] = "rosemary", ["de"] = "Rosmarin", ["it"] = "rosa marina" }),
    ]);

    private static string Accepted(string typed) =>
        Assert.IsType<NameResolution.Found>(TaxonNames.Resolve(Flora, typed)).Taxon.ScientificNameWithoutAuthor;

    [Theory]
    [InlineData("flowering dogwood", "Cornus florida")]
    [InlineData("Oxeye Daisy", "Leucanthemum vulgare")]
    [InlineData("  oxeye   daisy ", "Leucanthemum vulgare")]
    [InlineData("tulip", "Tulipa")]
    [InlineData("TULIPE", "Tulipa")]
    [InlineData("paquerette", "Bellis perennis")]
    [InlineData("PÂQUERETTE", "Bellis perennis")]
    [InlineData("wiesen-margerite", "Leucanthemum vulgare")]
    [InlineData("кизил цветущий", "Cornus florida")]
    [InlineData("フランスギク", "Leucanthemum vulgare")]
    [InlineData("توليب", "Tulipa")]
    [InlineData("sunflower", "Helianthus annuus")]
    public void AVernacularNameInAnyLanguageNamesItsTaxonWhateverTheCaseAccentsAndSpacing(string typed, string expected) =>
        Assert.Equal(expected, Accepted(typed));

    [Fact]
    public void ScientificNamesAndSynonymsResolveAndSayWhatTheyAre()
    {
        Assert.Equal(new NameResolution.Found(Flora.Taxa[0], NameKind.Scientific), TaxonNames.Resolve(Flora, "leucanthemum_vulgare"));
        Assert.Equal(new NameResolution.Found(Flora.Taxa[0], NameKind.Synonym), TaxonNames.Resolve(Flora, "Chrysanthemum  leucanthemum"));
        Assert.Equal(new NameResolution.Found(Flora.Taxa[0], NameKind.Vernacular), TaxonNames.Resolve(Flora, "grande marguerite"));
        // The genus Rosa stays the genus, although "rosa marina" starts so and "rose" is close.
        Assert.Equal("Rosa", Accepted("rosa"));
    }

    [Fact]
    public void ACommonNameOfSeveralTaxaIsAmbiguousWithAllOfThem()
    {
        var ambiguous = Assert.IsType<NameResolution.Ambiguous>(TaxonNames.Resolve(Flora, "Margarita"));
        Assert.Equal(["Bellis perennis", "Argyranthemum frutescens"], ambiguous.Candidates.Select(t => t.ScientificNameWithoutAuthor));
    }

    [Fact]
    public void EveryNameFieldRefusesASharedCommonNameNamingTheCandidates()
    {
        var e = Assert.Throws<Florascope.Data.Observations.ObservationException>(() => Florascope.Data.Observations.ObservationWriter.CanonicalName(Flora, " margarita "));
        Assert.Equal(Florascope.Data.Observations.ObservationError.Invalid, e.Kind);
        Assert.Equal("'margarita' is a common name of several taxa: Bellis perennis, Argyranthemum frutescens. Choose one of them.", e.Message);
        // The filters too: an unknown name stays as typed (it finds nothing), a shared one is refused.
        Assert.Throws<Florascope.Data.Observations.ObservationException>(() => Florascope.Data.Observations.ObservationQueries.TaxonFilter("Margarita", Flora));
        Assert.Equal("Tulipa", Florascope.Data.Observations.ObservationQueries.TaxonFilter("tulipe", Flora));
        Assert.Equal("no such plant", Florascope.Data.Observations.ObservationQueries.TaxonFilter("no such plant", Flora));
        Assert.Equal("Cornus florida", Florascope.Data.Observations.ObservationWriter.CanonicalName(Flora, "Flowering Dogwood"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("daisies")]
    [InlineData("dogwood")]
    [InlineData("oxeye daisy x")]
    public void APartOfANameOrAnUnknownOneResolvesToNothing(string? typed) =>
        Assert.IsType<NameResolution.Unknown>(TaxonNames.Resolve(Flora, typed));

    private static (string Name, string Matched, NameKind Kind)[] Suggest(string? prefix, string lang = "en", string project = Checklist.AllProject) =>
        [.. TaxonSearch.Suggest(Flora, project, prefix, lang).Select(m => (m.Taxon.ScientificNameWithoutAuthor, m.Matched, m.Kind))];

    [Fact]
    public void SuggestionsFindVernacularNamesOfEveryLanguageAndSayWhichNameMatched()
    {
        Assert.Equal([("Cornus florida", "flowering dogwood", NameKind.Vernacular)], Suggest("flowering d", "fr"));
        Assert.Equal([("Cornus florida", "flowering dogwood", NameKind.Vernacular)], Suggest("dogw"));
        Assert.Equal([("Helianthus annuus", "girasol", NameKind.Vernacular)], Suggest("GIRAS", "de"));
        Assert.Equal([("Cornus florida", "Кизил цветущий", NameKind.Vernacular)], Suggest("кизил"));
        Assert.Equal([("Leucanthemum vulgare", "Chrysanthemum leucanthemum", NameKind.Synonym)], Suggest("chrysanth"));
        Assert.Equal([("Leucanthemum vulgare", "Leucanthemum vulgare", NameKind.Scientific)], Suggest("leucanth"));
        Assert.Empty(Suggest("tulip", project: "weurope"));
    }

    [Fact]
    public void ThePagesLanguageIsRankedBeforeOtherLanguagesAndExactNamesFirst()
    {
        // "marg": French page: the French marguerite first, then the Spanish margarita of both taxa.
        Assert.Equal(
            [("Leucanthemum vulgare", "grande marguerite", NameKind.Vernacular), ("Argyranthemum frutescens", "marguerite daisy", NameKind.Vernacular),
             ("Bellis perennis", "margarita", NameKind.Vernacular)],
            Suggest("marg", "fr"));
        // Spanish page: margarita (whole name, Spanish) before words inside other languages' names.
        Assert.Equal(["Argyranthemum frutescens", "Bellis perennis", "Leucanthemum vulgare"], Suggest("marg", "es").Select(x => x.Name));
        Assert.Equal("margarita", Suggest("marg", "es")[0].Matched);
        // An exact name comes before names it only starts: "rosa" is the genus before rosemary's Italian name.
        Assert.Equal(["Rosa", "Rosmarinus officinalis"], Suggest("rosa", "it").Select(x => x.Name));
    }

    [Fact]
    public void AnEmptyPrefixListsTheProjectByScientificName() =>
        Assert.Equal(new[] { "Helianthus annuus", "Rosa", "Rosmarinus officinalis", "Tulipa", "Argyranthemum frutescens" }.Order(StringComparer.Ordinal),
            Suggest("", project: "useful").Select(x => x.Name));
}
