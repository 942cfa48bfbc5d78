using Florascope.Bundles;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

/// <summary>`florascope flora build` as a person runs it: a small flora from a loopback server, and one-line refusals.</summary>
[Trait("Category", "Slow")]
public sealed class FloraCliTests
{
    private const string Meta = """
        <?xml version="1.0" encoding="UTF-8"?>
        <archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="metadata.xml">
          <core encoding="ENCODING" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
            <files><location>occurrence.txt</location></files>
            <id index="0" />
            <field index="0" term="http://rs.gbif.org/terms/1.0/gbifID"/>
            <field index="1" term="http://rs.tdwg.org/dwc/terms/kingdom"/>
            <field index="2" term="http://rs.tdwg.org/dwc/terms/taxonRank"/>
            <field index="3" term="http://rs.gbif.org/terms/1.0/speciesKey"/>
            <field index="4" term="http://rs.gbif.org/terms/1.0/species"/>
          </core>
          <extension encoding="UTF-8" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.gbif.org/terms/1.0/Multimedia">
            <files><location>multimedia.txt</location></files>
            <coreid index="0" />
            <field index="1" term="http://purl.org/dc/terms/type"/>
            <field index="2" term="http://purl.org/dc/terms/identifier"/>
            <field index="3" term="http://purl.org/dc/terms/license"/>
          </extension>
        </archive>
        """;

    private const string Occurrences = "gbifID\tkingdom\ttaxonRank\tspeciesKey\tspecies\n1\tPlantae\tSPECIES\t5394163\tTaraxacum officinale\n2\tPlantae\tSPECIES\t5394163\tTaraxacum officinale\n";
    private const string Multimedia = "gbifID\ttype\tidentifier\tlicense\n1\tStillImage\thttp://127.0.0.1:9/a.jpg\thttp://creativecommons.org/licenses/by/4.0/\n";

    public static TheoryData<string, string> Malformed => new()
    {
        { "no-meta", "meta.xml" },
        { "not-a-zip", "zip" },
        { "wrong-columns", "column" },
        { "unknown-encoding", "encoding" },
        { "duplicate-ids", "1" },
        { "orphan-extension-row", "99" },
        { "meta-past-columns", "column 4" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AMalformedArchiveIsOneLineAndExitTwo(string kind, string mentioned)
    {
        using var temp = new TempDirectory();
        var zip = Path.Combine(temp.Path, kind + ".zip");
        var entries = new Dictionary<string, string>
        {
            ["meta.xml"] = Meta.Replace("ENCODING", "UTF-8", StringComparison.Ordinal),
            ["occurrence.txt"] = Occurrences,
            ["multimedia.txt"] = Multimedia,
        };
        switch (kind)
        {
            case "no-meta": entries.Remove("meta.xml"); break;
            case "wrong-columns": entries["occurrence.txt"] = Occurrences + "3\tPlantae\tSPECIES\n"; break;
            case "unknown-encoding": entries["meta.xml"] = Meta.Replace("ENCODING", "X-NO-SUCH-CHARSET", StringComparison.Ordinal); break;
            case "duplicate-ids": entries["occurrence.txt"] = Occurrences + "1\tPlantae\tSPECIES\t5394163\tTaraxacum officinale\n"; break;
            case "meta-past-columns": entries["occurrence.txt"] = "gbifID\tkingdom\ttaxonRank\tspeciesKey\n1\tPlantae\tSPECIES\t5394163\n"; break;
            case "orphan-extension-row": entries["multimedia.txt"] = Multimedia + "99\tStillImage\thttp://127.0.0.1:9/b.jpg\thttp://creativecommons.org/licenses/by/4.0/\n"; break;
        }
        if (kind == "not-a-zip") File.WriteAllText(zip, "this is not a zip archive");
        else GbifArchive.Write(zip, entries);

        var r = await CliProcess.RunAsync("flora", "build", "--dwca", zip, "--out", Path.Combine(temp.Path, "out"), "--cache", Path.Combine(temp.Path, "cache"));
        var line = CliAssert.OneLineError(r);
        Assert.Contains(mentioned, line, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")), "nothing written");
    }

    [Theory]
    [InlineData("--licences", "CC-BY,GPL", "GPL")]
    [InlineData("--min-images", "1", "--min-images")]
    [InlineData("--concurrency", "0", "--concurrency")]
    public async Task ABadOptionIsOneLineAndExitTwo(string option, string value, string mentioned)
    {
        using var temp = new TempDirectory();
        var zip = Path.Combine(temp.Path, "download.zip");
        GbifArchive.Write(zip, new Dictionary<string, string> { ["meta.xml"] = Meta.Replace("ENCODING", "UTF-8", StringComparison.Ordinal), ["occurrence.txt"] = Occurrences, ["multimedia.txt"] = Multimedia });
        var r = await CliProcess.RunAsync("flora", "build", "--dwca", zip, "--out", Path.Combine(temp.Path, "out"), "--cache", Path.Combine(temp.Path, "cache"), option, value);
        Assert.Contains(mentioned, CliAssert.OneLineError(r), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildsASmallFloraAndPrintsWhatItKeptAndItsMetrics()
    {
        using var temp = new TempDirectory();
        await using var server = await PhotoServer.StartAsync(RepoPaths.DemoFlora);
        var zip = Path.Combine(temp.Path, "download.zip");
        var archive = GbifArchive.FromDemoFlora(zip, RepoPaths.Data, server.BaseUrl, new GbifArchiveOptions { Taxa = ["Taraxacum_officinale", "Ginkgo_biloba", "Zea_mays"], PhotosPerTaxon = 8 });
        var nonPlants = Path.Combine(temp.Path, "non-plants");
        foreach (var (side, count) in new[] { ("train", 20), ("val", 10) })
        {
            var to = Directory.CreateDirectory(Path.Combine(nonPlants, side)).FullName;
            foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Data, "non-plants", side)).Order(StringComparer.Ordinal).Take(count))
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
        // Vernacular names from a GBIF checklist archive: matched by GBIF key (Taraxacum officinale is 5394163
        // in the demo checklist) or, when the key differs, by name (Zea mays under another taxonID).
        var vernacular = Florascope.Tests.Floras.TestChecklists.Write(temp.Path, "vernacular.zip",
            taxa: ["5394163\tTaraxacum officinale F.H.Wigg.\tF.H.Wigg.\tspecies\t\taccepted\tTaraxacum\tAsteraceae",
                   "77\tZea mays L.\tL.\tspecies\t\taccepted\tZea\tPoaceae"],
            vernacular: ["5394163\tdandelion\ten", "5394163\tpissenlit\tfra", "77\tmaize\ten"]);
        var output = Path.Combine(temp.Path, "models", "small");
        var r = await CliProcess.RunAsync("flora", "build", "--dwca", zip, "--out", output, "--cache", Path.Combine(temp.Path, "cache"), "--non-plants", nonPlants,
            "--min-images", "4", "--train-views", "0", "--inference-views", "0", "--version", "small-flora", "--vernacular", vernacular);
        CliAssert.Ok(r);
        Assert.Contains("Model small-flora written to", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("flora: 3 species", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("validation: n=", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("left out: not Plantae", r.StdOut, StringComparison.Ordinal);
        Assert.Contains(archive.Doi, r.StdOut, StringComparison.Ordinal);
        var bundle = ModelBundle.Load(output);
        Assert.Equal("small-flora", bundle.Manifest.Version);
        Assert.Equal(3, bundle.Checklist.Taxa.Count);
        Assert.Equal(archive.Doi, bundle.Manifest.Source?.Doi);
        Assert.Contains("3 vernacular names", r.StdOut, StringComparison.Ordinal);
        var dandelion = bundle.Checklist.Taxa[bundle.Checklist.IndexOf("Taraxacum officinale")];
        Assert.Equal(["dandelion"], dandelion.NamesIn("en"));
        Assert.Equal(["pissenlit"], dandelion.NamesIn("fr"));
        Assert.Equal(["maize"], bundle.Checklist.Taxa[bundle.Checklist.IndexOf("Zea mays")].NamesIn("en"));
        Assert.Equal("5394163", dandelion.GbifKey);
    }
}
