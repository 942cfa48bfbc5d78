using System.IO.Compression;
using System.Text;

namespace Florascope.Tests.Floras;

/// <summary>
/// Darwin Core checklist archives built in the tests, in GBIF's checklist layout (tab-separated,
/// one header line): real synonyms of demo taxa, two accepted names the demo model lacks, and
/// vernacular names with ISO 639-1 and 639-2 codes.
/// </summary>
internal static class TestChecklists
{
    public const string TaxonHeader = "taxonID\tscientificName\tscientificNameAuthorship\ttaxonRank\tacceptedNameUsageID\ttaxonomicStatus\tgenus\tfamily";

    /// <summary>4 names the model knows (Leucanthemum vulgare, Taraxacum officinale, Anemonoides nemorosa, Ranunculus acris), 2 it lacks, 3 synonyms.</summary>
    public static readonly string[] Taxa =
    [
        "1\tLeucanthemum vulgare Lam.\tLam.\tspecies\t1\taccepted\tLeucanthemum\tAsteraceae",
        "2\tChrysanthemum leucanthemum L.\tL.\tspecies\t1\tsynonym\tChrysanthemum\tAsteraceae",
        "3\tTaraxacum officinale F.H.Wigg.\tF.H.Wigg.\tspecies\t\taccepted\tTaraxacum\tAsteraceae",
        // Authorship only inside scientificName, as some exports write it.
        "4\tLeontodon taraxacum L.\t\tspecies\t3\thomotypicSynonym\tLeontodon\tAsteraceae",
        "5\tAnemonoides nemorosa (L.) Holub\t(L.) Holub\tspecies\t5\taccepted\tAnemonoides\tRanunculaceae",
        "6\tAnemone nemorosa L.\tL.\tspecies\t5\theterotypicSynonym\tAnemone\tRanunculaceae",
        "7\tBellis perennis L.\tL.\tspecies\t7\taccepted\tBellis\tAsteraceae",
        "8\tPlantago lanceolata L.\tL.\tspecies\t8\taccepted\tPlantago\tPlantaginaceae",
        "9\tRanunculus acris L.\tL.\tspecies\t9\tdoubtful\tRanunculus\tRanunculaceae",
    ];

    public const string VernacularHeader = "taxonID\tvernacularName\tlanguage";

    public static readonly string[] Vernacular =
    [
        "7\tPâquerette\tfra",
        "7\tdaisy\ten",
        "8\tSpitzwegerich\tde",
        "8\tribwort plantain\ten-GB",
        "1\tMarguerite des prés\tfr",
        "8\tnuqDaq\ttlh",
    ];

    private const string VernacularExtension = """
          <extension encoding="UTF-8" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.gbif.org/terms/1.0/VernacularName">
            <files><location>vernacularname.txt</location></files>
            <coreid index="0"/>
            <field index="1" term="http://rs.tdwg.org/dwc/terms/vernacularName"/>
            <field index="2" term="http://purl.org/dc/terms/language"/>
          </extension>
        """;

    public static string Meta(bool vernacular = true, string encoding = "UTF-8", string coreRowType = "http://rs.tdwg.org/dwc/terms/Taxon") =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
          <core encoding="{encoding}" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="{coreRowType}">
            <files><location>taxon.txt</location></files>
            <id index="0"/>
            <field index="0" term="http://rs.tdwg.org/dwc/terms/taxonID"/>
            <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
            <field index="2" term="http://rs.tdwg.org/dwc/terms/scientificNameAuthorship"/>
            <field index="3" term="http://rs.tdwg.org/dwc/terms/taxonRank"/>
            <field index="4" term="http://rs.tdwg.org/dwc/terms/acceptedNameUsageID"/>
            <field index="5" term="http://rs.tdwg.org/dwc/terms/taxonomicStatus"/>
            <field index="6" term="http://rs.tdwg.org/dwc/terms/genus"/>
            <field index="7" term="http://rs.tdwg.org/dwc/terms/family"/>
          </core>
        {(vernacular ? VernacularExtension : "")}
        </archive>
        """;

    /// <summary>A zip holding these entries (name -> UTF-8 text); a null text leaves the entry out.</summary>
    public static string Zip(string folder, string fileName, IReadOnlyDictionary<string, string?> entries)
    {
        var path = Path.Combine(folder, fileName);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, text) in entries)
        {
            if (text is null) continue;
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(new UTF8Encoding(false).GetBytes(text));
        }
        return path;
    }

    /// <summary>The standard archive, with its parts replaceable: taxa rows, vernacular rows, meta.xml.</summary>
    public static string Write(string folder, string fileName = "checklist.zip", IEnumerable<string>? taxa = null, IEnumerable<string>? vernacular = null,
        string? meta = null, bool withMeta = true, string taxonHeader = TaxonHeader) =>
        Zip(folder, fileName, new Dictionary<string, string?>
        {
            ["meta.xml"] = withMeta ? meta ?? Meta() : null,
            ["taxon.txt"] = string.Join('\n', [taxonHeader, .. taxa ?? Taxa]) + "\n",
            ["vernacularname.txt"] = string.Join('\n', [VernacularHeader, .. vernacular ?? Vernacular]) + "\n",
        });
}
