using System.Text;
using Florascope.DarwinCore;
using Florascope.Floras;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>A GBIF occurrence download read through its meta.xml: filters with their counts, credits, citation, and clear errors.</summary>
public sealed class GbifDownloadTests
{
    private const string BaseUrl = "http://127.0.0.1:9";
    private static readonly string[] Slice = ["Acer_campestre", "Iris_×_germanica", "Rosa"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheDemoArchiveReadsBackWithTheCountsOfEachFilter()
    {
        using var temp = new TempDirectory();
        var info = GbifArchive.FromDemoFlora(Path.Combine(temp.Path, "download.zip"), RepoPaths.DemoFlora, BaseUrl,
            new GbifArchiveOptions { Taxa = Slice, PhotosPerTaxon = 10 });
        var read = GbifDownload.Read(info.ZipPath, PhotoLicences.Default, Ct);

        Assert.Equal(LeftOut.Reasons, read.LeftOut.Select(l => l.Reason));
        Assert.Equal(info.ExpectedLeftOut.OrderBy(e => e.Key, StringComparer.Ordinal),
            read.LeftOut.Select(l => KeyValuePair.Create(l.Reason, (l.Occurrences, l.Photos))).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal((1, 2), info.ExpectedLeftOut[LeftOut.NotPlantae]);
        Assert.Equal((0, 2), info.ExpectedLeftOut[LeftOut.LicenceNotAllowed]);
        Assert.Equal((2, 0), info.ExpectedLeftOut[LeftOut.NoPhotoLeft]);

        var photos = read.Occurrences.SelectMany(o => o.Photos).ToList();
        Assert.Equal(30, info.Photos.Count);
        Assert.Equal(info.Photos.Select(p => (p.Url, p.OccurrenceId)), photos.Select(p => (p.Url, p.OccurrenceId)));
        // The arithmetic: everything read is either kept or counted under one reason.
        Assert.Equal(read.OccurrencesRead, read.Occurrences.Count + read.LeftOut.Sum(l => l.Occurrences));
        Assert.Equal(read.PhotosRead, photos.Count + read.LeftOut.Sum(l => l.Photos));
        Assert.Equal(info.Photos.Select(p => p.OccurrenceId).Distinct().Count() + 5, read.OccurrencesRead);

        var first = read.Occurrences[0];
        Assert.Equal("https://www.gbif.org/occurrence/" + first.OccurrenceId, first.OccurrenceUrl);
        Assert.All(photos, p => Assert.Contains(p.Licence, PhotoLicences.Default));
        Assert.Contains(photos, p => p.Licence == PhotoLicence.Cc0);
        Assert.StartsWith("Test Photographer ", first.Photos[0].Creator, StringComparison.Ordinal);
        Assert.Equal("Florascope demo photos", first.Photos[0].Publisher);
        Assert.NotNull(first.Photos[0].RightsHolder);
        Assert.StartsWith($"{BaseUrl}/photos/train/Iris_%C3%97_germanica/", info.Photos.First(p => p.Taxon == "Iris_×_germanica").Url, StringComparison.Ordinal);

        // The first occurrence of the first taxon is written at SUBSPECIES rank: rolled up to its species,
        // whose authorship comes from another occurrence at species rank.
        var taxa = read.Occurrences.Select(o => o.Taxon).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["Acer campestre", "Iris × germanica", "Rosa"], taxa.Select(t => t.Name));
        Assert.Equal(new FloraTaxon("3189863", "Acer campestre", "L.", "Acer", "Sapindaceae"), taxa[0]);
        Assert.Same(taxa[0], read.Occurrences.First(o => o.OccurrenceId == info.Photos[0].OccurrenceId).Taxon);

        Assert.Equal(new DownloadCitation(info.Doi, $"GBIF.org (1 December 2026) GBIF Occurrence Download {info.Doi}"), read.Citation);
    }

    [Fact]
    public void TheWholeDemoFloraComesBackAsItsFortySixSpecies()
    {
        using var temp = new TempDirectory();
        var info = GbifArchive.FromDemoFlora(Path.Combine(temp.Path, "download.zip"), RepoPaths.Data, BaseUrl);
        var read = GbifDownload.Read(info.ZipPath, PhotoLicences.Default, Ct);
        var taxa = read.Occurrences.Select(o => o.Taxon).Distinct().ToList();
        Assert.Equal(46, taxa.Count);
        Assert.Equal(46, taxa.Select(t => t.SpeciesKey).Distinct().Count());
        Assert.Equal(info.Photos.Count, read.Occurrences.Sum(o => o.Photos.Count));
        Assert.Equal(info.Photos.Select(p => p.Taxon.Replace('_', ' ')).Distinct().Order(StringComparer.Ordinal), taxa.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(taxa, t => Assert.NotEqual("", t.Authorship));
        Assert.InRange(read.Occurrences.Max(o => o.Photos.Count), 2, 3);
    }

    [Fact]
    public void OtherLicenceChoicesLeaveOtherPhotosOut()
    {
        using var temp = new TempDirectory();
        var info = GbifArchive.FromDemoFlora(Path.Combine(temp.Path, "download.zip"), RepoPaths.DemoFlora, BaseUrl,
            new GbifArchiveOptions { Taxa = Slice, PhotosPerTaxon = 8, AddFilterCases = false });
        var read = GbifDownload.Read(info.ZipPath, new HashSet<PhotoLicence> { PhotoLicence.Cc0 }, Ct);
        var kept = read.Occurrences.SelectMany(o => o.Photos).ToList();
        Assert.NotEmpty(kept);
        Assert.All(kept, p => Assert.Equal(PhotoLicence.Cc0, p.Licence));
        Assert.Equal(info.Photos.Count - kept.Count, read.LeftOut.Single(l => l.Reason == LeftOut.LicenceNotAllowed).Photos);
        Assert.Equal(read.PhotosRead, kept.Count + read.LeftOut.Sum(l => l.Photos));
        Assert.Equal(read.OccurrencesRead, read.Occurrences.Count + read.LeftOut.Sum(l => l.Occurrences));
    }

    // A small archive in GBIF's layout, columns in an order of its own: the reader must follow meta.xml.
    private const string Meta = """
        <?xml version="1.0" encoding="utf-8"?>
        <archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="metadata.xml">
          <core encoding="UTF-8" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.tdwg.org/dwc/terms/Occurrence">
            <files><location>occurrence.txt</location></files>
            <id index="0" />
            <field index="0" term="http://rs.gbif.org/terms/1.0/gbifID"/>
            <field index="1" term="http://rs.tdwg.org/dwc/terms/family"/>
            <field index="2" term="http://rs.tdwg.org/dwc/terms/genus"/>
            <field index="3" term="http://rs.tdwg.org/dwc/terms/taxonRank"/>
            <field index="4" term="http://rs.tdwg.org/dwc/terms/kingdom"/>
            <field index="5" term="http://rs.gbif.org/terms/1.0/speciesKey"/>
            <field index="6" term="http://rs.gbif.org/terms/1.0/species"/>
            <field index="7" term="http://rs.gbif.org/terms/1.0/acceptedScientificName"/>
          </core>
          <extension encoding="UTF-8" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1" rowType="http://rs.gbif.org/terms/1.0/Multimedia">
            <files><location>multimedia.txt</location></files>
            <coreid index="0" />
            <field index="0" term="http://rs.gbif.org/terms/1.0/gbifID"/>
            <field index="1" term="http://purl.org/dc/terms/type"/>
            <field index="2" term="http://purl.org/dc/terms/format"/>
            <field index="3" term="http://purl.org/dc/terms/identifier"/>
            <field index="4" term="http://purl.org/dc/terms/license"/>
            <field index="5" term="http://purl.org/dc/terms/creator"/>
          </extension>
        </archive>
        """;

    private const string OccurrenceHeader = "gbifID\tfamily\tgenus\ttaxonRank\tkingdom\tspeciesKey\tspecies\tacceptedScientificName\n";
    private const string MultimediaHeader = "gbifID\ttype\tformat\tidentifier\tlicense\tcreator\n";

    private static string Occ(string id, string rank, string key, string species, string accepted, string kingdom = "Plantae") =>
        $"{id}\tAsteraceae\t{species.Split(' ')[0]}\t{rank}\t{kingdom}\t{key}\t{species}\t{accepted}\n";

    private static string Media(string id, string url, string licence = "CC_BY_4_0", string type = "StillImage", string format = "image/jpeg", string creator = "Ann") =>
        $"{id}\t{type}\t{format}\t{url}\t{licence}\t{creator}\n";

    private static string Zip(TempDirectory temp, IReadOnlyDictionary<string, string> entries)
    {
        var path = Path.Combine(temp.Path, Guid.NewGuid().ToString("N") + ".zip");
        GbifArchive.Write(path, entries);
        return path;
    }

    private static string Zip(TempDirectory temp, string occurrences, string multimedia, params (string Name, string Text)[] more)
    {
        var entries = new Dictionary<string, string> { ["meta.xml"] = Meta, ["occurrence.txt"] = OccurrenceHeader + occurrences, ["multimedia.txt"] = MultimediaHeader + multimedia };
        foreach (var (name, text) in more) entries[name] = text;
        return Zip(temp, entries);
    }

    [Fact]
    public void AuthorshipComesFromARowAtSpeciesRankElseStaysEmpty()
    {
        using var temp = new TempDirectory();
        var zip = Zip(temp,
            Occ("1", "SUBSPECIES", "100", "Bellis perennis", "Bellis perennis subsp. x Author") +
            Occ("2", "SPECIES", "100", "Bellis perennis", "Bellis perennis L.") +
            Occ("3", "VARIETY", "200", "Achillea millefolium", "Achillea millefolium var. y Other") +
            Occ("4", "SPECIES", "300", "Iris × germanica", "Iris ×germanica L."),
            Media("1", "http://127.0.0.1/1.jpg") + Media("2", "http://127.0.0.1/2.jpg") + Media("3", "http://127.0.0.1/3.jpg") + Media("4", "http://127.0.0.1/4.jpg"));
        var read = GbifDownload.Read(zip, PhotoLicences.Default, Ct);
        var taxa = read.Occurrences.ToDictionary(o => o.OccurrenceId, o => o.Taxon);
        Assert.Equal(new FloraTaxon("100", "Bellis perennis", "L.", "Bellis", "Asteraceae"), taxa["1"]);
        Assert.Same(taxa["1"], taxa["2"]);
        Assert.Equal("", taxa["3"].Authorship);
        Assert.Equal("Achillea millefolium", taxa["3"].Name);
        Assert.Equal("L.", taxa["4"].Authorship);
        Assert.Equal(new DownloadCitation(null, null), read.Citation);
    }

    [Fact]
    public void PhotosAreStillImagesWithAnHttpUrlAndAnAllowedLicence()
    {
        using var temp = new TempDirectory();
        var zip = Zip(temp, Occ("1", "SPECIES", "100", "Bellis perennis", "Bellis perennis L."),
            Media("1", "http://127.0.0.1/a.png", type: "", format: "image/png") +
            Media("1", "https://127.0.0.1/b.jpg", type: "http://purl.org/dc/dcmitype/StillImage", format: "", creator: "") +
            Media("1", "http://127.0.0.1/c.mp4", type: "", format: "video/mp4") +
            Media("1", "http://127.0.0.1/d.jpg", type: "MovingImage") +
            Media("1", "ftp://127.0.0.1/e.jpg") +
            Media("1", "file:///etc/passwd") +
            Media("1", "not a url") +
            Media("1", "http://127.0.0.1/f.jpg", licence: "http://creativecommons.org/licenses/by-nd/4.0/") +
            Media("1", "http://127.0.0.1/g.jpg", licence: ""));
        var read = GbifDownload.Read(zip, PhotoLicences.Default, Ct);
        var photos = Assert.Single(read.Occurrences).Photos;
        Assert.Equal(["http://127.0.0.1/a.png", "https://127.0.0.1/b.jpg"], photos.Select(p => p.Url));
        Assert.Equal("Ann", photos[0].Creator);
        Assert.Null(photos[1].Creator);
        var left = read.LeftOut.ToDictionary(l => l.Reason, l => (l.Occurrences, l.Photos));
        Assert.Equal((0, 2), left[LeftOut.NotAStillImage]);
        Assert.Equal((0, 3), left[LeftOut.NoUrl]);
        Assert.Equal((0, 2), left[LeftOut.LicenceNotAllowed]);
        Assert.Equal(9, read.PhotosRead);
    }

    [Fact]
    public void OccurrenceFiltersCountTheirOccurrencesAndAllTheirRows()
    {
        using var temp = new TempDirectory();
        var zip = Zip(temp,
            Occ("1", "SPECIES", "100", "Apis mellifera", "Apis mellifera L.", kingdom: "Animalia") +
            Occ("2", "GENUS", "", "", "Rosa L.") +
            Occ("3", "SPECIES_AGGREGATE", "", "", "Taraxacum officinale agg.") +
            Occ("4", "", "", "", "") +
            Occ("5", "SPECIES", "", "Bellis perennis", "Bellis perennis L.") +
            Occ("6", "SPECIES", "100", "Bellis perennis", "Bellis perennis L."),
            Media("1", "http://127.0.0.1/1.jpg") + Media("1", "http://127.0.0.1/1.mp3", type: "Sound") + Media("2", "http://127.0.0.1/2.jpg") +
            Media("5", "http://127.0.0.1/5.jpg") + Media("6", "http://127.0.0.1/6.jpg"));
        var read = GbifDownload.Read(zip, PhotoLicences.Default, Ct);
        var left = read.LeftOut.ToDictionary(l => l.Reason, l => (l.Occurrences, l.Photos));
        Assert.Equal((1, 2), left[LeftOut.NotPlantae]);
        Assert.Equal((3, 1), left[LeftOut.AboveSpeciesRank]);
        Assert.Equal((1, 1), left[LeftOut.NoSpeciesKey]);
        Assert.Equal("6", Assert.Single(read.Occurrences).OccurrenceId);
        Assert.Equal((6, 5), (read.OccurrencesRead, read.PhotosRead));
    }

    [Fact]
    public void TheCitationComesFromCitationsTxtElseMetadataXml()
    {
        using var temp = new TempDirectory();
        const string eml = """
            <?xml version="1.0" encoding="utf-8"?>
            <eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1"><dataset>
              <alternateIdentifier>https://www.gbif.org/occurrence/download/0001</alternateIdentifier>
              <alternateIdentifier>doi:10.15468/dl.abc123</alternateIdentifier>
              <title>GBIF Occurrence Download 10.15468/dl.abc123</title></dataset></eml:eml>
            """;
        var row = Occ("1", "SPECIES", "100", "Bellis perennis", "Bellis perennis L.");
        var fromEml = GbifDownload.Read(Zip(temp, row, "", ("metadata.xml", eml)), PhotoLicences.Default, Ct).Citation;
        Assert.Equal(new DownloadCitation("https://doi.org/10.15468/dl.abc123", "GBIF Occurrence Download https://doi.org/10.15468/dl.abc123"), fromEml);

        const string citations = "Please cite this data as follows, and pay attention to the rights documented in the rights.txt:\n" +
            "Please respect the rights declared for each dataset in the download:\nSome dataset. https://doi.org/10.15468/zzz999\n" +
            "GBIF.org (5 May 2025) GBIF Occurrence Download https://doi.org/10.15468/dl.xyz789\n";
        var fromText = GbifDownload.Read(Zip(temp, row, "", ("citations.txt", citations), ("metadata.xml", eml)), PhotoLicences.Default, Ct).Citation;
        Assert.Equal(new DownloadCitation("https://doi.org/10.15468/dl.xyz789", "GBIF.org (5 May 2025) GBIF Occurrence Download https://doi.org/10.15468/dl.xyz789"), fromText);
    }

    [Fact]
    public void AFileInIso88591DeclaredAsSuchIsReadRight()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "latin1.zip");
        GbifArchive.Write(path, new Dictionary<string, byte[]>
        {
            ["meta.xml"] = Encoding.UTF8.GetBytes(Meta.Replace("<core encoding=\"UTF-8\"", "<core encoding=\"ISO-8859-1\"", StringComparison.Ordinal)),
            ["occurrence.txt"] = Encoding.Latin1.GetBytes(OccurrenceHeader + Occ("1", "SPECIES", "100", "Rosa × alba", "Rosa × alba Müll.")),
            ["multimedia.txt"] = Encoding.UTF8.GetBytes(MultimediaHeader + Media("1", "http://127.0.0.1/1.jpg", creator: "Zoé")),
        });
        var occurrence = Assert.Single(GbifDownload.Read(path, PhotoLicences.Default, Ct).Occurrences);
        Assert.Equal(("Rosa × alba", "Müll."), (occurrence.Taxon.Name, occurrence.Taxon.Authorship));
        Assert.Equal("Zoé", occurrence.Photos[0].Creator);
    }

    public static TheoryData<string, string> MalformedArchives() => new()
    {
        { "no-meta", "no 'meta.xml'" },
        { "missing", "No such file or folder" },
        { "not-a-zip", "Not a zip archive" },
        { "taxon-core", "not an Occurrence core" },
        { "no-multimedia", "no Multimedia extension" },
        { "no-species-key-term", "has no field http://rs.gbif.org/terms/1.0/speciesKey" },
        { "unknown-encoding", "encoding 'x-klingon-8'" },
        { "column-count", "occurrence.txt line 3: 9 columns where the header has 8" },
        { "short-row", "multimedia.txt line 2: 5 columns where the header has 6" },
        { "duplicate-id", "occurrence.txt line 3: occurrence id 1 appears twice" },
        { "orphan", "multimedia.txt line 3: coreid '7' has no occurrence in occurrence.txt" },
        { "invalid-utf8", "occurrence.txt line 3: bytes that are not valid UTF-8" },
        { "bad-metadata", "metadata.xml is not well-formed XML" },
    };

    [Theory]
    [MemberData(nameof(MalformedArchives))]
    public void AMalformedArchiveGivesOneClearLine(string kind, string expected)
    {
        using var temp = new TempDirectory();
        var good = Occ("1", "SPECIES", "100", "Bellis perennis", "Bellis perennis L.");
        var goodMedia = Media("1", "http://127.0.0.1/1.jpg");
        string path;
        switch (kind)
        {
            case "missing":
                path = Path.Combine(temp.Path, "nowhere.zip");
                break;
            case "not-a-zip":
                path = temp.File("download.zip", "PK but not really a zip"u8.ToArray());
                break;
            case "invalid-utf8":
                path = Path.Combine(temp.Path, "bad.zip");
                GbifArchive.Write(path, new Dictionary<string, byte[]>
                {
                    ["meta.xml"] = Encoding.UTF8.GetBytes(Meta),
                    ["occurrence.txt"] = [.. Encoding.UTF8.GetBytes(OccurrenceHeader + good), .. Encoding.Latin1.GetBytes(Occ("2", "SPECIES", "100", "Bellis perennis", "Bellis perennis Müll."))],
                    ["multimedia.txt"] = Encoding.UTF8.GetBytes(MultimediaHeader + goodMedia),
                });
                break;
            default:
                var entries = new Dictionary<string, string> { ["meta.xml"] = Meta, ["occurrence.txt"] = OccurrenceHeader + good, ["multimedia.txt"] = MultimediaHeader + goodMedia };
                switch (kind)
                {
                    case "no-meta": entries.Remove("meta.xml"); break;
                    case "taxon-core": entries["meta.xml"] = Meta.Replace("rowType=\"http://rs.tdwg.org/dwc/terms/Occurrence\"", "rowType=\"http://rs.tdwg.org/dwc/terms/Taxon\"", StringComparison.Ordinal); break;
                    case "no-multimedia": entries["meta.xml"] = Meta.Replace("rowType=\"http://rs.gbif.org/terms/1.0/Multimedia\"", "rowType=\"http://rs.gbif.org/terms/1.0/Reference\"", StringComparison.Ordinal); break;
                    case "no-species-key-term": entries["meta.xml"] = Meta.Replace("http://rs.gbif.org/terms/1.0/speciesKey", "http://rs.gbif.org/terms/1.0/taxonKey", StringComparison.Ordinal); break;
                    case "unknown-encoding": entries["meta.xml"] = Meta.Replace("<core encoding=\"UTF-8\"", "<core encoding=\"x-klingon-8\"", StringComparison.Ordinal); break;
                    case "column-count": entries["occurrence.txt"] += "2\tAsteraceae\tBellis\tSPECIES\tPlantae\t100\tBellis perennis\tBellis perennis L.\textra\n"; break;
                    case "short-row": entries["multimedia.txt"] = MultimediaHeader + "1\tStillImage\timage/jpeg\thttp://127.0.0.1/1.jpg\tCC_BY_4_0\n"; break;
                    case "duplicate-id": entries["occurrence.txt"] += good; break;
                    case "orphan": entries["multimedia.txt"] += Media("7", "http://127.0.0.1/7.jpg"); break;
                    case "bad-metadata": entries["metadata.xml"] = "<eml><dataset>"; break;
                }
                path = Zip(temp, entries);
                break;
        }
        var e = Assert.Throws<DwcaFormatException>(() => GbifDownload.Read(path, PhotoLicences.Default, Ct));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ACancelledReadStops()
    {
        using var temp = new TempDirectory();
        var zip = Zip(temp, Occ("1", "SPECIES", "100", "Bellis perennis", "Bellis perennis L."), Media("1", "http://127.0.0.1/1.jpg"));
        Assert.ThrowsAny<OperationCanceledException>(() => GbifDownload.Read(zip, PhotoLicences.Default, new CancellationToken(canceled: true)));
    }
}
