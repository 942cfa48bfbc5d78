namespace Florascope.Floras;

/// <summary>The taxon an occurrence is rolled up to: a species of the GBIF backbone.</summary>
public sealed record FloraTaxon(string SpeciesKey, string Name, string Authorship, string Genus, string Family);

/// <summary>One photo of an occurrence (a StillImage row of the Simple Multimedia extension) with its credits.</summary>
public sealed record FloraPhoto(string OccurrenceId, string Url, PhotoLicence Licence, string? Creator, string? RightsHolder,
    string? Publisher, string? Created, string? References);

/// <summary>An occurrence kept for the flora, its photos kept (allowed licence, image), its GBIF page.</summary>
public sealed record FloraOccurrence(string OccurrenceId, FloraTaxon Taxon, string OccurrenceUrl, IReadOnlyList<FloraPhoto> Photos);

/// <summary>What one filter left out (reason as printed: "not Plantae", "above species rank", "licence not allowed"...).</summary>
public sealed record LeftOut(string Reason, int Occurrences, int Photos);

/// <summary>How to cite the download: its DOI (https://doi.org/10.15468/dl.xxxx) and citation text, from citations.txt / metadata.xml.</summary>
public sealed record DownloadCitation(string? Doi, string? Text);

public sealed record GbifDownloadContents(IReadOnlyList<FloraOccurrence> Occurrences, IReadOnlyList<LeftOut> LeftOut, DownloadCitation Citation,
    int OccurrencesRead, int PhotosRead);

/// <summary>
/// Reads a GBIF occurrence download (Darwin Core Archive: occurrence.txt core keyed by gbifID,
/// multimedia.txt extension) through its meta.xml and keeps the photos a flora can learn from.
/// </summary>
public static class GbifDownload
{
    /// <summary>Malformed archives raise <see cref="DarwinCore.DwcaFormatException"/> with one clear line.</summary>
    public static GbifDownloadContents Read(string path, IReadOnlySet<PhotoLicence> licences, CancellationToken ct = default) =>
        throw new NotImplementedException();
}
