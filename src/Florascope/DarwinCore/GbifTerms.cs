namespace Florascope.DarwinCore;

/// <summary>The terms GBIF adds to its occurrence downloads (http://rs.gbif.org/terms/1.0/), beside the Darwin Core ones.</summary>
public static class GbifTerms
{
    public const string Gbif = "http://rs.gbif.org/terms/1.0/";

    public const string GbifId = Gbif + "gbifID";
    public const string SpeciesKey = Gbif + "speciesKey";
    public const string Species = Gbif + "species";
    public const string AcceptedScientificName = Gbif + "acceptedScientificName";
    public const string TaxonKey = Gbif + "taxonKey";
    public const string DatasetKey = Gbif + "datasetKey";

    /// <summary>The Darwin Core Occurrence row type: the core of a download, and also its verbatim.txt extension.</summary>
    public const string OccurrenceRowType = DwcTerms.OccurrenceRowType;
    public const string MultimediaRowType = DwcTerms.MultimediaRowType;

    /// <summary>The publisher of a Simple Multimedia row (dcterms).</summary>
    public const string Publisher = DwcTerms.Dcterms + "publisher";
}
