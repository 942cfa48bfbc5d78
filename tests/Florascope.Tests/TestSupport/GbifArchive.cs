using System.Globalization;
using System.IO.Compression;
using System.Text;
using Florascope.DarwinCore;
using Florascope.Floras;

namespace Florascope.Tests.TestSupport;

public sealed record GbifArchiveOptions
{
    /// <summary>Demo folder names (Bellis_perennis); null = all.</summary>
    public IReadOnlyList<string>? Taxa { get; init; }

    /// <summary>Per taxon, from the chosen split folder (first ones in ordinal order of file names).</summary>
    public int PhotosPerTaxon { get; init; } = int.MaxValue;

    /// <summary>data/demo-flora/&lt;Split&gt;/.</summary>
    public string Split { get; init; } = "train";

    /// <summary>Photos grouped into occurrences of 1..this many (deterministic).</summary>
    public int MaxPhotosPerOccurrence { get; init; } = 3;

    /// <summary>
    /// Rows each filter must leave out, with known counts (<see cref="GbifArchiveInfo.ExpectedLeftOut"/>): an Animalia
    /// occurrence, a GENUS-rank one, a species-rank one without speciesKey, a SUBSPECIES one rolled up (kept: one
    /// demo occurrence written at that rank), a Sound row and a CC BY-SA photo (on a kept occurrence), an
    /// all-rights-reserved photo and a row without identifier (on an occurrence left with no photo), and an
    /// occurrence without multimedia rows.
    /// </summary>
    public bool AddFilterCases { get; init; } = true;

    /// <summary>(path relative to data/demo-flora, photo index) -> URL; default: baseUrl + "/photos/" + relative path (URL-escaped per segment).</summary>
    public Func<string, int, string>? UrlFor { get; init; }
}

/// <summary>A kept photo: its URL in the archive, the demo file it stands for, its occurrence (gbifID) and demo folder.</summary>
public sealed record GbifArchivePhoto(string Url, string LocalFile, string OccurrenceId, string Taxon);

/// <summary>
/// The archive written: the photos the reader must keep (filter cases excluded), the counts each
/// filter must report (every reason of <see cref="LeftOut.Reasons"/>, zeros included), the download's DOI (https://doi.org/...).
/// </summary>
public sealed record GbifArchiveInfo(string ZipPath, IReadOnlyList<GbifArchivePhoto> Photos,
    IReadOnlyDictionary<string, (int Occurrences, int Photos)> ExpectedLeftOut, string Doi);

/// <summary>
/// Writes GBIF occurrence downloads for tests, in GBIF's layout: meta.xml (tab-separated, fieldsEnclosedBy="",
/// one header line), occurrence.txt with GBIF's columns in GBIF's order, verbatim.txt (also an Occurrence
/// row type, as an extension), multimedia.txt (Simple Multimedia), citations.txt, rights.txt and metadata.xml (EML with the DOI).
/// </summary>
public static class GbifArchive
{
    public const string DoiName = "10.15468/dl.fl0r4s";

    private const string Gbif = GbifTerms.Gbif;
    private const string Dwc = DwcTerms.Dwc;
    private const string Dc = DwcTerms.Dcterms;

    /// <summary>A subset of GBIF's interpreted columns, in the order GBIF writes them (dcterms, dwc, then GBIF's own).</summary>
    private static readonly string[] OccurrenceColumns =
    [
        Gbif + "gbifID", Dc + "accessRights", Dc + "bibliographicCitation", Dc + "language", Dc + "license", Dc + "modified", Dc + "publisher",
        Dc + "references", Dc + "rightsHolder", Dc + "type", Dwc + "institutionID", Dwc + "collectionID", Dwc + "datasetID", Dwc + "institutionCode",
        Dwc + "collectionCode", Dwc + "datasetName", Dwc + "ownerInstitutionCode", Dwc + "basisOfRecord", Dwc + "informationWithheld",
        Dwc + "dataGeneralizations", Dwc + "dynamicProperties", Dwc + "occurrenceID", Dwc + "catalogNumber", Dwc + "recordNumber", Dwc + "recordedBy",
        Dwc + "recordedByID", Dwc + "individualCount", Dwc + "sex", Dwc + "lifeStage", Dwc + "reproductiveCondition", Dwc + "establishmentMeans",
        Dwc + "occurrenceStatus", Dwc + "associatedMedia", Dwc + "occurrenceRemarks", Dwc + "eventDate", Dwc + "eventTime", Dwc + "year", Dwc + "month",
        Dwc + "day", Dwc + "habitat", Dwc + "countryCode", Dwc + "stateProvince", Dwc + "locality", Dwc + "decimalLatitude", Dwc + "decimalLongitude",
        Dwc + "coordinateUncertaintyInMeters", Dwc + "identifiedBy", Dwc + "dateIdentified", Dwc + "taxonID", Dwc + "scientificName", Dwc + "kingdom",
        Dwc + "phylum", Dwc + "class", Dwc + "order", Dwc + "family", Dwc + "genus", Dwc + "genericName", Dwc + "specificEpithet",
        Dwc + "infraspecificEpithet", Dwc + "taxonRank", Dwc + "verbatimTaxonRank", Dwc + "vernacularName", Dwc + "taxonomicStatus",
        Gbif + "datasetKey", Gbif + "publishingCountry", Gbif + "lastInterpreted", Gbif + "issue", Gbif + "mediaType", Gbif + "hasCoordinate",
        Gbif + "hasGeospatialIssues", Gbif + "taxonKey", Gbif + "acceptedTaxonKey", Gbif + "kingdomKey", Gbif + "phylumKey", Gbif + "classKey",
        Gbif + "orderKey", Gbif + "familyKey", Gbif + "genusKey", Gbif + "speciesKey", Gbif + "species", Gbif + "acceptedScientificName",
        Gbif + "verbatimScientificName", Gbif + "protocol", Gbif + "lastParsed", Gbif + "lastCrawled", Gbif + "repatriated", Gbif + "iucnRedListCategory",
    ];

    private static readonly string[] VerbatimColumns =
        [Gbif + "gbifID", Dwc + "occurrenceID", Dwc + "scientificName", Dwc + "kingdom", Dwc + "taxonRank", Dwc + "recordedBy", Dwc + "eventDate"];

    /// <summary>GBIF's Simple Multimedia columns, in its order.</summary>
    private static readonly string[] MultimediaColumns =
    [
        Gbif + "gbifID", Dc + "type", Dc + "format", Dc + "identifier", Dc + "references", Dc + "title", Dc + "description", Dc + "source",
        Dc + "audience", Dc + "created", Dc + "creator", Dc + "contributor", Dc + "publisher", Dc + "license", Dc + "rightsHolder",
    ];

    // MADE UP for the tests: the demo photos carry no open licences of their own. The forms are GBIF's
    // (URLs with and without legalcode, http and https, its enum names), all of them allowed by default.
    private static readonly string[] MadeUpLicences =
    [
        "http://creativecommons.org/licenses/by/4.0/legalcode", "https://creativecommons.org/publicdomain/zero/1.0/", "CC_BY_NC_4_0",
        "http://creativecommons.org/licenses/by-nc/4.0/", "CC_BY_4_0", "https://creativecommons.org/licenses/by/4.0/", "CC0_1_0",
        "http://creativecommons.org/licenses/by-nc/4.0/legalcode",
    ];

    /// <summary>
    /// An archive built from the demo flora (<paramref name="dataDir"/>: data/demo-flora, or data/ holding it).
    /// Every demo taxon is written as a species (rank SPECIES, its checklist name as GBIF's species, its GBIF
    /// key or a made-up stable one), Rosa and Tulipa (genera in the demo) and the variety included, so that
    /// a flora built from the archive has the same taxa as the folder-trained demo; the filter cases test ranks.
    /// </summary>
    public static GbifArchiveInfo FromDemoFlora(string zipPath, string dataDir, string baseUrl, GbifArchiveOptions? options = null)
    {
        options ??= new GbifArchiveOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPhotosPerOccurrence, 1);
        var flora = File.Exists(Path.Combine(dataDir, "checklist.tsv")) ? dataDir : Path.Combine(dataDir, "demo-flora");
        var checklist = ReadChecklist(Path.Combine(flora, "checklist.tsv"));
        var splitDir = Path.Combine(flora, options.Split);
        IReadOnlyList<string> folders = options.Taxa ?? [.. checklist.Keys.Where(f => Directory.Exists(Path.Combine(splitDir, f))).Order(StringComparer.Ordinal)];
        string UrlFor(string relative, int index) => options.UrlFor?.Invoke(relative, index)
            ?? baseUrl.TrimEnd('/') + "/photos/" + string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));

        var occurrences = new List<Row>();
        var media = new List<Row>();
        var photos = new List<GbifArchivePhoto>();
        var nextId = 4_100_000_001L;
        var firstKept = (Row?)null;
        foreach (var folder in folders)
        {
            var taxon = checklist.GetValueOrDefault(folder) ?? throw new ArgumentException($"'{folder}' is not a demo taxon folder.", nameof(options));
            var files = Directory.GetFiles(Path.Combine(splitDir, folder))
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png")
                .Order(StringComparer.Ordinal).Take(options.PhotosPerTaxon).ToList();
            var taken = 0;
            var occurrenceIndex = 0;
            var firstOfTaxon = (Row?)null;
            while (taken < files.Count)
            {
                var size = (int)Math.Min(1 + (long)(FloraSelection.StableHash($"{folder}#{occurrenceIndex}") % (ulong)options.MaxPhotosPerOccurrence), files.Count - taken);
                var id = (nextId++).ToString(CultureInfo.InvariantCulture);
                var occurrence = PlantOccurrence(id, taxon, "SPECIES", occurrenceIndex);
                occurrences.Add(occurrence);
                firstKept ??= occurrence;
                if (firstOfTaxon is null) firstOfTaxon = occurrence;
                else if (options.AddFilterCases && occurrenceIndex == 1 && !occurrences.Any(o => o.Values[Dwc + "taxonRank"] == "SUBSPECIES"))
                    RollUp(firstOfTaxon, taxon);
                foreach (var file in files.Skip(taken).Take(size))
                {
                    var relative = $"{options.Split}/{folder}/{Path.GetFileName(file)}";
                    var url = UrlFor(relative, photos.Count);
                    media.Add(Photo(id, url, MadeUpLicences[photos.Count % MadeUpLicences.Length], photos.Count, baseUrl));
                    photos.Add(new GbifArchivePhoto(url, file, id, folder));
                }
                taken += size;
                occurrenceIndex++;
            }
        }

        var expected = LeftOut.Reasons.ToDictionary(r => r, _ => (Occurrences: 0, Photos: 0), StringComparer.Ordinal);
        if (options.AddFilterCases)
        {
            var cases = baseUrl.TrimEnd('/') + "/filter-cases/";
            void Count(string reason, int occurrencesLeft, int photosLeft) =>
                expected[reason] = (expected[reason].Occurrences + occurrencesLeft, expected[reason].Photos + photosLeft);

            var bee = new Row(new Dictionary<string, string>
            {
                [Gbif + "gbifID"] = (nextId++).ToString(CultureInfo.InvariantCulture), [Dwc + "kingdom"] = "Animalia", [Dwc + "phylum"] = "Arthropoda",
                [Dwc + "family"] = "Apidae", [Dwc + "genus"] = "Apis", [Dwc + "taxonRank"] = "SPECIES", [Gbif + "speciesKey"] = "1341976",
                [Gbif + "species"] = "Apis mellifera", [Gbif + "acceptedScientificName"] = "Apis mellifera Linnaeus, 1758",
                [Dwc + "scientificName"] = "Apis mellifera Linnaeus, 1758", [Dwc + "basisOfRecord"] = "HUMAN_OBSERVATION",
            });
            occurrences.Add(bee);
            media.Add(Photo(bee.Id, cases + "bee-1.jpg", "CC_BY_4_0", 1, baseUrl));
            media.Add(Photo(bee.Id, cases + "bee-2.jpg", "CC_BY_4_0", 2, baseUrl));
            Count(LeftOut.NotPlantae, 1, 2);

            var genus = new Row(new Dictionary<string, string>
            {
                [Gbif + "gbifID"] = (nextId++).ToString(CultureInfo.InvariantCulture), [Dwc + "kingdom"] = "Plantae", [Dwc + "family"] = "Rosaceae",
                [Dwc + "genus"] = "Rosa", [Dwc + "taxonRank"] = "GENUS", [Gbif + "taxonKey"] = "8629", [Gbif + "genusKey"] = "8629",
                [Gbif + "acceptedScientificName"] = "Rosa L.", [Dwc + "scientificName"] = "Rosa L.", [Dwc + "basisOfRecord"] = "HUMAN_OBSERVATION",
            });
            occurrences.Add(genus);
            media.Add(Photo(genus.Id, cases + "rosa.jpg", "CC0_1_0", 3, baseUrl));
            Count(LeftOut.AboveSpeciesRank, 1, 1);

            var bellis = new ChecklistTaxon("Bellis perennis", "L.", "Bellis", "Asteraceae", "3117424");
            var keyless = PlantOccurrence((nextId++).ToString(CultureInfo.InvariantCulture), bellis, "SPECIES", 0);
            keyless.Values.Remove(Gbif + "speciesKey");
            occurrences.Add(keyless);
            media.Add(Photo(keyless.Id, cases + "no-species-key.jpg", "CC_BY_4_0", 4, baseUrl));
            Count(LeftOut.NoSpeciesKey, 1, 1);

            // Photos that must go on an occurrence that is otherwise kept.
            var host = firstKept;
            var bare = PlantOccurrence((nextId++).ToString(CultureInfo.InvariantCulture), bellis, "SPECIES", 1);
            occurrences.Add(bare);
            host ??= bare;
            var sound = Photo(host.Id, cases + "song.mp3", "CC_BY_4_0", 5, baseUrl);
            sound.Values[Dc + "type"] = "Sound";
            sound.Values[Dc + "format"] = "audio/mpeg";
            media.Add(sound);
            Count(LeftOut.NotAStillImage, 0, 1);
            media.Add(Photo(host.Id, cases + "by-sa.jpg", "http://creativecommons.org/licenses/by-sa/4.0/", 6, baseUrl));
            Count(LeftOut.LicenceNotAllowed, 0, 1);
            // An occurrence whose photos are all refused: no photo left.
            media.Add(Photo(bare.Id, cases + "all-rights-reserved.jpg", "All rights reserved", 7, baseUrl));
            Count(LeftOut.LicenceNotAllowed, 0, 1);
            var noUrl = Photo(bare.Id, "", "CC_BY_4_0", 8, baseUrl);
            media.Add(noUrl);
            Count(LeftOut.NoUrl, 0, 1);
            Count(LeftOut.NoPhotoLeft, 1, 0);
            // An occurrence without any multimedia row.
            occurrences.Add(PlantOccurrence((nextId++).ToString(CultureInfo.InvariantCulture), bellis, "SPECIES", 2));
            Count(LeftOut.NoPhotoLeft, 1, 0);
        }

        var entries = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["meta.xml"] = Meta(),
            ["occurrence.txt"] = Table(OccurrenceColumns, occurrences),
            ["verbatim.txt"] = Table(VerbatimColumns, occurrences),
            ["multimedia.txt"] = Table(MultimediaColumns, media),
            ["citations.txt"] = Citations(),
            ["rights.txt"] = "Please respect the rights declared for each dataset in the download.\n\nDataset: Florascope demo photos (made up for tests)\n" +
                "Rights as supplied: Made up for the tests; the demo photos carry no open licences of their own.\n",
            ["metadata.xml"] = Eml(),
        };
        Write(zipPath, entries);
        return new GbifArchiveInfo(zipPath, photos, expected, "https://doi.org/" + DoiName);
    }

    /// <summary>A raw archive from given meta.xml / file contents (UTF-8), for the malformed-archive tests.</summary>
    public static void Write(string zipPath, IReadOnlyDictionary<string, string> entries) =>
        Write(zipPath, entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetBytes(e.Value), StringComparer.Ordinal));

    /// <summary>A raw archive from given bytes (files in another encoding, invalid bytes).</summary>
    public static void Write(string zipPath, IReadOnlyDictionary<string, byte[]> entries)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(zipPath)) is { } folder) Directory.CreateDirectory(folder);
        using var stream = File.Create(zipPath);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            entry.Write(data);
        }
    }

    /// <summary>The meta.xml GBIF writes: every file tab-separated, not enclosed, one header line, UTF-8.</summary>
    public static string Meta(string occurrenceFile = "occurrence.txt", string multimediaFile = "multimedia.txt")
    {
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<archive xmlns=\"http://rs.tdwg.org/dwc/text/\" metadata=\"metadata.xml\">\n");
        File(sb, "core", "id", DwcTerms.OccurrenceRowType, occurrenceFile, OccurrenceColumns);
        File(sb, "extension", "coreid", DwcTerms.OccurrenceRowType, "verbatim.txt", VerbatimColumns);
        File(sb, "extension", "coreid", DwcTerms.MultimediaRowType, multimediaFile, MultimediaColumns);
        sb.Append("</archive>\n");
        return sb.ToString();

        static void File(StringBuilder sb, string element, string id, string rowType, string location, string[] columns)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  <{element} encoding=\"UTF-8\" fieldsTerminatedBy=\"\\t\" linesTerminatedBy=\"\\n\" fieldsEnclosedBy=\"\" ignoreHeaderLines=\"1\" rowType=\"{rowType}\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"    <files>\n      <location>{location}</location>\n    </files>\n    <{id} index=\"0\" />\n");
            for (var i = 0; i < columns.Length; i++)
                sb.Append(CultureInfo.InvariantCulture, $"    <field index=\"{i}\" term=\"{columns[i]}\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"  </{element}>\n");
        }
    }

    /// <summary>GBIF's header line (short names) and one line per row, tab-separated, values without tabs or line breaks.</summary>
    private static string Table(string[] columns, IEnumerable<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin('\t', columns.Select(DwcTerms.ShortName)).Append('\n');
        foreach (var row in rows)
            sb.AppendJoin('\t', columns.Select(c => DwcFormat.Text(row.Values.GetValueOrDefault(c)))).Append('\n');
        return sb.ToString();
    }

    private static string Citations() =>
        "Please cite this data as follows, and pay attention to the rights documented in the rights.txt:\n" +
        $"GBIF.org (1 December 2026) GBIF Occurrence Download https://doi.org/{DoiName}\n\n" +
        "Please respect the rights declared for each dataset in the download:\n" +
        "Florascope demo photos (made up for tests). Occurrence dataset https://doi.org/10.15468/abc123 accessed via GBIF.org on 2026-12-01.\n";

    private static string Eml() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" xmlns:dc="http://purl.org/dc/terms/" packageId="{DoiName}" system="http://gbif.org" scope="system" xml:lang="eng">
          <dataset>
            <alternateIdentifier>{DoiName}</alternateIdentifier>
            <alternateIdentifier>https://www.gbif.org/occurrence/download/0000001-261201000000001</alternateIdentifier>
            <title xml:lang="eng">GBIF Occurrence Download {DoiName}</title>
            <creator><organizationName>GBIF Download Service</organizationName></creator>
            <pubDate>2026-12-01</pubDate>
            <language>ENGLISH</language>
            <abstract><para>A test download made up from Florascope's demo flora; its licences are made up too.</para></abstract>
          </dataset>
          <additionalMetadata>
            <metadata>
              <gbif>
                <citation identifier="{DoiName}">GBIF Occurrence Download {DoiName}</citation>
              </gbif>
            </metadata>
          </additionalMetadata>
        </eml:eml>
        """;

    private sealed record ChecklistTaxon(string Name, string Authorship, string Genus, string Family, string Key);

    private sealed record Row(Dictionary<string, string> Values)
    {
        public string Id => Values[Gbif + "gbifID"];
    }

    private static Row PlantOccurrence(string id, ChecklistTaxon taxon, string rank, int index)
    {
        var full = taxon.Authorship.Length > 0 ? $"{taxon.Name} {taxon.Authorship}" : taxon.Name;
        var words = taxon.Name.Split(' ');
        return new Row(new Dictionary<string, string>
        {
            [Gbif + "gbifID"] = id,
            [Dc + "license"] = "http://creativecommons.org/licenses/by-nc/4.0/legalcode",
            [Dc + "modified"] = "2026-05-02T10:00:00Z",
            [Dwc + "datasetName"] = "Florascope demo photos (made up for tests)",
            [Dwc + "basisOfRecord"] = "HUMAN_OBSERVATION",
            [Dwc + "occurrenceID"] = "urn:florascope:test:" + id,
            [Dwc + "recordedBy"] = "Test Observer " + (index % 5 + 1).ToString(CultureInfo.InvariantCulture),
            [Dwc + "occurrenceStatus"] = "PRESENT",
            [Dwc + "eventDate"] = $"2026-05-{index % 28 + 1:00}",
            [Dwc + "year"] = "2026",
            [Dwc + "month"] = "5",
            [Dwc + "day"] = (index % 28 + 1).ToString(CultureInfo.InvariantCulture),
            [Dwc + "countryCode"] = "FR",
            [Dwc + "decimalLatitude"] = "48.85",
            [Dwc + "decimalLongitude"] = "2.35",
            [Dwc + "scientificName"] = full,
            [Dwc + "kingdom"] = "Plantae",
            [Dwc + "phylum"] = "Tracheophyta",
            [Dwc + "family"] = taxon.Family,
            [Dwc + "genus"] = taxon.Genus,
            [Dwc + "genericName"] = taxon.Genus,
            [Dwc + "specificEpithet"] = words.Length > 1 ? words[^1] : "",
            [Dwc + "taxonRank"] = rank,
            [Dwc + "taxonomicStatus"] = "ACCEPTED",
            [Gbif + "datasetKey"] = "f1000000-0000-4000-8000-000000000046",
            [Gbif + "lastInterpreted"] = "2026-12-01T00:00:00.000Z",
            [Gbif + "mediaType"] = "StillImage",
            [Gbif + "hasCoordinate"] = "true",
            [Gbif + "hasGeospatialIssues"] = "false",
            [Gbif + "taxonKey"] = taxon.Key,
            [Gbif + "acceptedTaxonKey"] = taxon.Key,
            [Gbif + "kingdomKey"] = "6",
            [Gbif + "speciesKey"] = taxon.Key,
            [Gbif + "species"] = taxon.Name,
            [Gbif + "acceptedScientificName"] = full,
            [Gbif + "verbatimScientificName"] = full,
            [Gbif + "protocol"] = "DWC_ARCHIVE",
        });
    }

    /// <summary>Writes an occurrence at SUBSPECIES rank (a made-up subspecies of its species), which the reader rolls up.</summary>
    private static void RollUp(Row occurrence, ChecklistTaxon taxon)
    {
        var name = $"{taxon.Name} subsp. testensis";
        occurrence.Values[Dwc + "taxonRank"] = "SUBSPECIES";
        occurrence.Values[Dwc + "infraspecificEpithet"] = "testensis";
        occurrence.Values[Dwc + "scientificName"] = name + " Florascope";
        occurrence.Values[Gbif + "acceptedScientificName"] = name + " Florascope";
        occurrence.Values[Gbif + "taxonKey"] = "9" + taxon.Key;
        occurrence.Values[Gbif + "acceptedTaxonKey"] = "9" + taxon.Key;
    }

    private static Row Photo(string occurrenceId, string url, string licence, int index, string baseUrl) =>
        new(new Dictionary<string, string>
        {
            [Gbif + "gbifID"] = occurrenceId,
            [Dc + "type"] = "StillImage",
            [Dc + "format"] = "image/jpeg",
            [Dc + "identifier"] = url,
            [Dc + "references"] = baseUrl.TrimEnd('/') + "/observations/" + occurrenceId,
            [Dc + "created"] = $"2026-05-{index % 28 + 1:00}T10:00:00Z",
            [Dc + "creator"] = "Test Photographer " + (index % 7 + 1).ToString(CultureInfo.InvariantCulture),
            [Dc + "publisher"] = "Florascope demo photos",
            [Dc + "license"] = licence,
            [Dc + "rightsHolder"] = "Test Photographer " + (index % 7 + 1).ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>data/demo-flora/checklist.tsv by folder name (spaces as underscores); a made-up stable key where it has no gbifKey.</summary>
    private static Dictionary<string, ChecklistTaxon> ReadChecklist(string path)
    {
        var lines = System.IO.File.ReadAllLines(path, Encoding.UTF8);
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path} has no column {name}.");
        var (name, author, genus, family, key) = (Column("scientificNameWithoutAuthor"), Column("scientificNameAuthorship"), Column("genus"), Column("family"), Column("gbifKey"));
        var taxa = new Dictionary<string, ChecklistTaxon>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split('\t');
            var gbifKey = cells[key].Trim();
            // Made-up keys sit above GBIF's backbone range (about 12 million) so they collide with no real one.
            if (gbifKey.Length == 0) gbifKey = (900_000_000 + (long)(FloraSelection.StableHash("key:" + cells[name]) % 99_999_999)).ToString(CultureInfo.InvariantCulture);
            taxa[cells[name].Replace(' ', '_')] = new ChecklistTaxon(cells[name], cells[author], cells[genus], cells[family], gbifKey);
        }
        return taxa;
    }
}
