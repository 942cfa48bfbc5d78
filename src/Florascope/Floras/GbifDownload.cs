using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Florascope.DarwinCore;

namespace Florascope.Floras;

/// <summary>The taxon an occurrence is rolled up to: a species of the GBIF backbone.</summary>
public sealed record FloraTaxon(string SpeciesKey, string Name, string Authorship, string Genus, string Family);

/// <summary>One photo of an occurrence (a StillImage row of the Simple Multimedia extension) with its credits.</summary>
/// <remarks><see cref="LicenceText"/> is the licence as the archive gave it (its URL names the version, which attribution must state).</remarks>
public sealed record FloraPhoto(string OccurrenceId, string Url, PhotoLicence Licence, string? Creator, string? RightsHolder,
    string? Publisher, string? Created, string? References, string? LicenceText = null);

/// <summary>An occurrence kept for the flora, its photos kept (allowed licence, image), its GBIF page.</summary>
public sealed record FloraOccurrence(string OccurrenceId, FloraTaxon Taxon, string OccurrenceUrl, IReadOnlyList<FloraPhoto> Photos);

/// <summary>What one filter left out (reason as printed: "not Plantae", "above species rank", "licence not allowed"...).</summary>
public sealed record LeftOut(string Reason, int Occurrences, int Photos)
{
    // Occurrence filters: the occurrence and all its multimedia rows are left out.
    public const string NotPlantae = "not Plantae";
    public const string AboveSpeciesRank = "above species rank";
    public const string NoSpeciesKey = "no species key";

    // Photo filters, on the rows of the occurrences that passed: photos only.
    public const string NotAStillImage = "not a still image";
    public const string LicenceNotAllowed = "licence not allowed";
    public const string NoUrl = "no URL";

    /// <summary>Occurrences that passed but kept no photo (photos counted under their own reasons).</summary>
    public const string NoPhotoLeft = "no photo left";

    /// <summary>Every reason, in the order the filters apply (and are printed).</summary>
    public static IReadOnlyList<string> Reasons { get; } = [NotPlantae, AboveSpeciesRank, NoSpeciesKey, NotAStillImage, NoUrl, LicenceNotAllowed, NoPhotoLeft];
}

/// <summary>How to cite the download: its DOI (https://doi.org/10.15468/dl.xxxx) and citation text, from citations.txt / metadata.xml.</summary>
public sealed record DownloadCitation(string? Doi, string? Text);

/// <summary>
/// What was kept, and what each filter left out; <see cref="OccurrencesRead"/> and <see cref="PhotosRead"/>
/// (every core row, every multimedia row) equal the kept ones plus the left-out ones.
/// </summary>
public sealed record GbifDownloadContents(IReadOnlyList<FloraOccurrence> Occurrences, IReadOnlyList<LeftOut> LeftOut, DownloadCitation Citation,
    int OccurrencesRead, int PhotosRead);

/// <summary>
/// Reads a GBIF occurrence download (Darwin Core Archive: occurrence.txt core keyed by gbifID,
/// multimedia.txt extension) through its meta.xml and keeps the photos a flora can learn from.
/// </summary>
public static partial class GbifDownload
{
    private const string OccurrencePage = "https://www.gbif.org/occurrence/";

    /// <summary>GBIF's ranks at species level or below (its Rank enum), and Darwin Core's lower-case forms.</summary>
    private static readonly HashSet<string> SpeciesOrBelow = new(StringComparer.OrdinalIgnoreCase)
    {
        "SPECIES", "INFRASPECIFIC_NAME", "SUBSPECIES", "INFRASUBSPECIFIC_NAME", "VARIETY", "SUBVARIETY", "FORM", "FORMA",
        "SUBFORM", "CONVARIETY", "PROLES", "NATIO", "RACE", "ABERRATION", "MORPH", "FORMA_SPECIALIS", "CULTIVAR",
        "CULTIVAR_GROUP", "GREX", "STRAIN", "PATHOVAR", "BIOVAR", "CHEMOVAR", "MORPHOVAR", "PHAGOVAR", "SEROVAR", "CHEMOFORM",
    };

    private static readonly HashSet<string> CoreTerms = new(StringComparer.Ordinal)
    {
        GbifTerms.GbifId, DwcTerms.Kingdom, DwcTerms.TaxonRank, GbifTerms.SpeciesKey, GbifTerms.Species, GbifTerms.AcceptedScientificName, DwcTerms.Genus, DwcTerms.Family,
    };

    private static readonly HashSet<string> MediaTerms = new(StringComparer.Ordinal)
    {
        DwcTerms.Type, DwcTerms.Format, DwcTerms.Identifier, DwcTerms.License, DwcTerms.Creator, DwcTerms.RightsHolder, GbifTerms.Publisher, DwcTerms.Created, DwcTerms.References,
    };

    /// <summary>Malformed archives raise <see cref="DarwinCore.DwcaFormatException"/> with one clear line.</summary>
    public static GbifDownloadContents Read(string path, IReadOnlySet<PhotoLicence> licences, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(licences);
        // One error type for every bad --dwca argument, so the command reports them all alike.
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DwcaFormatException($"No such file or folder: {path}");
        using var archive = DwcArchive.Open(path);
        // Cheap checks of meta.xml before reading millions of rows.
        var core = archive.Core;
        if (core.RowType != DwcTerms.OccurrenceRowType)
            throw new DwcaFormatException($"meta.xml: the core is {core.RowType}, not an Occurrence core ({DwcTerms.OccurrenceRowType}): not a GBIF occurrence download.");
        if (core.IdIndex is null) throw new DwcaFormatException("meta.xml: the Occurrence core has no <id> (GBIF keys it by gbifID).");
        RequireTerms(core, "the Occurrence core", DwcTerms.Kingdom, DwcTerms.TaxonRank, GbifTerms.SpeciesKey, GbifTerms.Species);
        var media = archive.Extension(DwcTerms.MultimediaRowType)
            ?? throw new DwcaFormatException($"meta.xml: no Multimedia extension ({DwcTerms.MultimediaRowType}): a GBIF \"Darwin Core Archive\" download has multimedia.txt.");
        if (media.IdIndex is null) throw new DwcaFormatException("meta.xml: the Multimedia extension has no <coreid>.");
        RequireTerms(media, "the Multimedia extension", DwcTerms.Identifier);
        var citation = ReadCitation(archive);

        var reasons = LeftOut.Reasons;
        var leftOccurrences = new int[reasons.Count];
        var leftPhotos = new int[reasons.Count];
        var reasonIndex = reasons.Select((r, i) => (r, i)).ToDictionary(p => p.r, p => p.i, StringComparer.Ordinal);

        // Core: read once; kept occurrences in a dictionary, the others reduced to their reason.
        var kept = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var order = new List<Candidate>();
        var leftOut = new Dictionary<string, byte>(StringComparer.Ordinal);
        var species = new Dictionary<string, SpeciesInfo>(StringComparer.Ordinal);
        var occurrencesRead = 0;
        foreach (var row in archive.Read(core, CoreTerms))
        {
            ct.ThrowIfCancellationRequested();
            occurrencesRead++;
            var id = row.Id;
            if (string.IsNullOrEmpty(id)) throw new DwcaFormatException($"{row.Location} line {row.Line}: no occurrence id (gbifID).");
            if (kept.ContainsKey(id) || leftOut.ContainsKey(id))
                throw new DwcaFormatException($"{row.Location} line {row.Line}: occurrence id {id} appears twice (duplicate gbifID).");
            var reason = OccurrenceFilter(row);
            if (reason is not null)
            {
                var i = reasonIndex[reason];
                leftOut[id] = (byte)i;
                leftOccurrences[i]++;
                continue;
            }
            var key = row[GbifTerms.SpeciesKey]!;
            if (!species.TryGetValue(key, out var info))
                species[key] = info = new SpeciesInfo(row[GbifTerms.Species]!.Trim(), row[DwcTerms.Genus]?.Trim() ?? "", row[DwcTerms.Family]?.Trim() ?? "");
            // The authorship belongs to the species: only a row at species rank says it.
            if (info.Authorship is null && string.Equals(row[DwcTerms.TaxonRank]?.Trim(), "SPECIES", StringComparison.OrdinalIgnoreCase))
                info.Authorship = Authorship(info.Name, row[GbifTerms.AcceptedScientificName]);
            var candidate = new Candidate(id, key, OccurrencePage + Uri.EscapeDataString(row[GbifTerms.GbifId] ?? id));
            kept[id] = candidate;
            order.Add(candidate);
        }

        // Multimedia: streamed, each row joined to its occurrence.
        var photosRead = 0;
        // Credits repeat across rows (one publisher, a few photographers): one string each, not one per photo.
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Pooled(string? value)
        {
            if (Optional(value) is not { } v) return null;
            if (pool.TryGetValue(v, out var same)) return same;
            if (pool.Count < 1_000_000) pool[v] = v;
            return v;
        }
        foreach (var row in archive.Read(media, MediaTerms))
        {
            ct.ThrowIfCancellationRequested();
            photosRead++;
            var id = row.Id;
            if (string.IsNullOrEmpty(id) || !kept.TryGetValue(id, out var candidate))
            {
                if (!string.IsNullOrEmpty(id) && leftOut.TryGetValue(id, out var left))
                {
                    leftPhotos[left]++;
                    continue;
                }
                throw new DwcaFormatException($"{row.Location} line {row.Line}: coreid '{id}' has no occurrence in {core.Locations[0]} (an orphan extension row).");
            }
            var reason = PhotoFilter(row, licences, out var url, out var licence);
            if (reason is not null)
            {
                leftPhotos[reasonIndex[reason]]++;
                continue;
            }
            (candidate.Photos ??= []).Add(new FloraPhoto(candidate.Id, url!, licence, Pooled(row[DwcTerms.Creator]), Pooled(row[DwcTerms.RightsHolder]),
                Pooled(row[GbifTerms.Publisher]), Optional(row[DwcTerms.Created]), Optional(row[DwcTerms.References]), Pooled(row[DwcTerms.License])));
        }

        var taxa = species.ToDictionary(s => s.Key, s => new FloraTaxon(s.Key, s.Value.Name, s.Value.Authorship ?? "", s.Value.Genus, s.Value.Family), StringComparer.Ordinal);
        var occurrences = new List<FloraOccurrence>(order.Count);
        foreach (var c in order)
        {
            if (c.Photos is null) leftOccurrences[reasonIndex[LeftOut.NoPhotoLeft]]++;
            else occurrences.Add(new FloraOccurrence(c.Id, taxa[c.SpeciesKey], c.OccurrenceUrl, c.Photos));
        }
        var report = reasons.Select((r, i) => new LeftOut(r, leftOccurrences[i], leftPhotos[i])).ToList();
        return new GbifDownloadContents(occurrences, report, citation, occurrencesRead, photosRead);
    }

    /// <summary>Why an occurrence is left out, or null when it is a plant identified to species (or below).</summary>
    private static string? OccurrenceFilter(DwcRecord row)
    {
        if (!string.Equals(row[DwcTerms.Kingdom]?.Trim(), "Plantae", StringComparison.OrdinalIgnoreCase)) return LeftOut.NotPlantae;
        if (row[DwcTerms.TaxonRank]?.Trim() is not { } rank || !SpeciesOrBelow.Contains(rank)) return LeftOut.AboveSpeciesRank;
        if (string.IsNullOrWhiteSpace(row[GbifTerms.SpeciesKey]) || string.IsNullOrWhiteSpace(row[GbifTerms.Species])) return LeftOut.NoSpeciesKey;
        return null;
    }

    /// <summary>Why a multimedia row is left out, or null when it is a photo with a URL under an allowed licence.</summary>
    private static string? PhotoFilter(DwcRecord row, IReadOnlySet<PhotoLicence> licences, out string? url, out PhotoLicence licence)
    {
        url = null;
        licence = PhotoLicence.Unknown;
        if (!IsStillImage(row[DwcTerms.Type], row[DwcTerms.Format])) return LeftOut.NotAStillImage;
        url = row[DwcTerms.Identifier]?.Trim();
        if (!IsHttpUrl(url)) return LeftOut.NoUrl;
        licence = PhotoLicences.FromGbif(row[DwcTerms.License]);
        return licences.Contains(licence) ? null : LeftOut.LicenceNotAllowed;
    }

    /// <summary>GBIF writes the type as "StillImage"; other producers leave it empty and give only the format.</summary>
    public static bool IsStillImage(string? type, string? format)
    {
        type = type?.Trim();
        if (!string.IsNullOrEmpty(type))
            return type.Equals("StillImage", StringComparison.OrdinalIgnoreCase) || type.Equals("http://purl.org/dc/dcmitype/StillImage", StringComparison.OrdinalIgnoreCase);
        return format?.Trim().ToLowerInvariant() is "image/jpeg" or "image/jpg" or "image/png";
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    /// <summary>
    /// The authorship in GBIF's acceptedScientificName ("Bellis perennis L." -> "L."), empty when the name
    /// does not start with the species (GBIF writes hybrids both "Iris ×germanica" and "Iris × germanica").
    /// </summary>
    public static string Authorship(string species, string? acceptedScientificName)
    {
        if (string.IsNullOrWhiteSpace(acceptedScientificName)) return "";
        var name = Squeeze(species);
        var full = Squeeze(acceptedScientificName);
        return full.StartsWith(name + " ", StringComparison.Ordinal) ? full[(name.Length + 1)..].Trim() : "";

        static string Squeeze(string s) => string.Join(' ', s.Replace("× ", "×", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static void RequireTerms(ArchiveFile file, string what, params string[] terms)
    {
        foreach (var term in terms)
            if (!file.Fields.Any(f => f.Term == term))
                throw new DwcaFormatException($"meta.xml: {what} has no field {term}: not a GBIF occurrence download?");
    }

    private static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// The download's DOI and citation: citations.txt ("... GBIF.org (date) GBIF Occurrence Download https://doi.org/10.15468/dl.xxxx"),
    /// else metadata.xml (EML: the DOI as an alternateIdentifier, the citation in additionalMetadata); either may be missing.
    /// </summary>
    private static DownloadCitation ReadCitation(DwcArchive archive)
    {
        string? doi = null, text = null;
        using (var citations = archive.TryOpenEntry("citations.txt", DwcArchive.MaxDescriptorBytes))
            if (citations is not null) (doi, text) = FromCitations(citations);
        if (doi is null || text is null)
        {
            var location = archive.Descriptor.Metadata ?? "metadata.xml";
            using var metadata = archive.TryOpenEntry(location, DwcArchive.MaxDescriptorBytes);
            if (metadata is not null)
            {
                var (emlDoi, emlText) = FromEml(metadata, location);
                doi ??= emlDoi;
                text ??= emlText ?? (doi is null ? null : $"GBIF Occurrence Download {doi}");
            }
        }
        return new DownloadCitation(doi, text);
    }

    private static (string? Doi, string? Text) FromCitations(Stream stream)
    {
        // citations.txt also lists every constituent dataset with its own DOI: only the download's line counts.
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        string? fallback = null;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            line = line.Trim();
            if (line.Contains("GBIF Occurrence Download", StringComparison.OrdinalIgnoreCase))
                return (DoiIn(line), line);
            if (fallback is null && DownloadDoi().IsMatch(line)) fallback = line;
        }
        return fallback is null ? (null, null) : (DoiIn(fallback), fallback);
    }

    private static (string? Doi, string? Text) FromEml(Stream stream, string location)
    {
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new DwcaFormatException($"{location} is not well-formed XML: {e.Message}", e);
        }
        var identifiers = doc.Descendants().Where(e => e.Name.LocalName == "alternateIdentifier").Select(e => e.Value.Trim()).ToList();
        var doi = identifiers.Select(DoiIn).FirstOrDefault(d => d is not null && DownloadDoi().IsMatch(d))
            ?? identifiers.Select(DoiIn).FirstOrDefault(d => d is not null);
        var text = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "citation")?.Value.Trim();
        return (doi, string.IsNullOrEmpty(text) ? null : text);
    }

    /// <summary>A DOI in any of its written forms (10.x/y, doi:10.x/y, https://doi.org/10.x/y), as an https://doi.org/ URL.</summary>
    private static string? DoiIn(string text)
    {
        var match = DownloadDoi().Match(text);
        if (!match.Success) match = AnyDoi().Match(text);
        return match.Success ? "https://doi.org/" + match.Value.TrimEnd('.', ',', ';', ')') : null;
    }

    [GeneratedRegex(@"10\.15468/dl\.[A-Za-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex DownloadDoi();

    [GeneratedRegex(@"10\.\d{4,9}/[^\s""<>]+", RegexOptions.CultureInvariant)]
    private static partial Regex AnyDoi();

    private sealed class SpeciesInfo(string name, string genus, string family)
    {
        public string Name { get; } = name;
        public string Genus { get; } = genus;
        public string Family { get; } = family;
        public string? Authorship { get; set; }
    }

    private sealed class Candidate(string id, string speciesKey, string occurrenceUrl)
    {
        public string Id { get; } = id;
        public string SpeciesKey { get; } = speciesKey;
        public string OccurrenceUrl { get; } = occurrenceUrl;
        public List<FloraPhoto>? Photos { get; set; }
    }
}
