namespace Florascope.DarwinCore;

/// <summary>The row types and term URIs of the Darwin Core, Dublin Core and GBIF vocabularies the archives use.</summary>
public static class DwcTerms
{
    public const string Dwc = "http://rs.tdwg.org/dwc/terms/";
    public const string Dcterms = "http://purl.org/dc/terms/";

    public const string OccurrenceRowType = Dwc + "Occurrence";
    public const string MultimediaRowType = "http://rs.gbif.org/terms/1.0/Multimedia";

    public const string OccurrenceId = Dwc + "occurrenceID";
    public const string BasisOfRecord = Dwc + "basisOfRecord";
    public const string EventDate = Dwc + "eventDate";
    public const string RecordedBy = Dwc + "recordedBy";
    public const string DecimalLatitude = Dwc + "decimalLatitude";
    public const string DecimalLongitude = Dwc + "decimalLongitude";
    public const string GeodeticDatum = Dwc + "geodeticDatum";
    public const string CoordinateUncertaintyInMeters = Dwc + "coordinateUncertaintyInMeters";
    public const string InformationWithheld = Dwc + "informationWithheld";
    public const string DataGeneralizations = Dwc + "dataGeneralizations";
    public const string CountryCode = Dwc + "countryCode";
    public const string ScientificName = Dwc + "scientificName";
    public const string ScientificNameAuthorship = Dwc + "scientificNameAuthorship";
    public const string TaxonRank = Dwc + "taxonRank";
    public const string Kingdom = Dwc + "kingdom";
    public const string Family = Dwc + "family";
    public const string Genus = Dwc + "genus";
    public const string TaxonId = Dwc + "taxonID";
    public const string IdentificationVerificationStatus = Dwc + "identificationVerificationStatus";

    public const string License = Dcterms + "license";
    public const string Modified = Dcterms + "modified";
    public const string Identifier = Dcterms + "identifier";
    public const string Type = Dcterms + "type";
    public const string Format = Dcterms + "format";
    public const string RightsHolder = Dcterms + "rightsHolder";
    public const string Creator = Dcterms + "creator";
    public const string Created = Dcterms + "created";
    public const string References = Dcterms + "references";

    /// <summary>The last segment of a term URI ("http://rs.tdwg.org/dwc/terms/eventDate" -> "eventDate"), used as a column header.</summary>
    public static string ShortName(string term)
    {
        var cut = Math.Max(term.LastIndexOf('/'), term.LastIndexOf('#'));
        return cut >= 0 && cut < term.Length - 1 ? term[(cut + 1)..] : term;
    }
}
