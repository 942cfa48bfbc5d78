using System.Globalization;
using System.Text;
using System.Xml;

namespace Florascope.DarwinCore;

/// <summary>A dataset licence GBIF accepts: its URI and its title.</summary>
public sealed record DatasetLicence(string Uri, string Title);

/// <summary>eml.xml, the dataset's metadata in the Ecological Metadata Language profile GBIF reads (EML 2.1.1).</summary>
public static class EmlWriter
{
    public const string EmlNamespace = "eml://ecoinformatics.org/eml-2.1.1";

    /// <summary>The default citation when the settings give none.</summary>
    public static string Citation(DatasetMetadata metadata, DateTimeOffset published, string archiveUrl) =>
        metadata.Citation ?? $"{metadata.CreatorName} ({published.Year.ToString(CultureInfo.InvariantCulture)}). {metadata.Title}. Darwin Core Archive, {archiveUrl}";

    public static void Write(Stream stream, DatasetMetadata metadata, DatasetCoverage coverage, DatasetLicence licence, DateTimeOffset published, string archiveUrl)
    {
        using var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CloseOutput = false });
        w.WriteStartDocument();
        w.WriteStartElement("eml", "eml", EmlNamespace);
        w.WriteAttributeString("packageId", archiveUrl);
        w.WriteAttributeString("system", "http://gbif.org");
        w.WriteAttributeString("scope", "system");
        w.WriteAttributeString("xml", "lang", null, metadata.Language);
        w.WriteStartElement("dataset");
        w.WriteElementString("alternateIdentifier", archiveUrl);
        w.WriteElementString("title", metadata.Title);
        Party(w, "creator", metadata);
        Party(w, "metadataProvider", metadata);
        w.WriteElementString("pubDate", published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteElementString("language", metadata.Language);
        w.WriteStartElement("abstract");
        w.WriteElementString("para", metadata.Abstract);
        w.WriteEndElement();
        w.WriteStartElement("intellectualRights");
        w.WriteStartElement("para");
        w.WriteString("This work is licensed under a ");
        w.WriteStartElement("ulink");
        w.WriteAttributeString("url", licence.Uri);
        w.WriteElementString("citetitle", licence.Title);
        w.WriteEndElement();
        w.WriteString(". Each record states its own licence (dcterms:license); this is the most restrictive of them.");
        w.WriteEndElement();
        w.WriteEndElement();
        if (coverage.West is not null || coverage.FirstEvent is not null)
        {
            w.WriteStartElement("coverage");
            if (coverage is { West: { } west, East: { } east, North: { } north, South: { } south })
            {
                w.WriteStartElement("geographicCoverage");
                w.WriteElementString("geographicDescription", "Bounding box of the public positions of the records.");
                w.WriteStartElement("boundingCoordinates");
                w.WriteElementString("westBoundingCoordinate", Number(west));
                w.WriteElementString("eastBoundingCoordinate", Number(east));
                w.WriteElementString("northBoundingCoordinate", Number(north));
                w.WriteElementString("southBoundingCoordinate", Number(south));
                w.WriteEndElement();
                w.WriteEndElement();
            }
            if (coverage is { FirstEvent: { } first, LastEvent: { } last })
            {
                w.WriteStartElement("temporalCoverage");
                w.WriteStartElement("rangeOfDates");
                w.WriteStartElement("beginDate");
                w.WriteElementString("calendarDate", first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndElement();
                w.WriteStartElement("endDate");
                w.WriteElementString("calendarDate", last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        Party(w, "contact", metadata);
        w.WriteEndElement();
        w.WriteStartElement("additionalMetadata");
        w.WriteStartElement("metadata");
        w.WriteStartElement("gbif");
        w.WriteElementString("citation", Citation(metadata, published, archiveUrl));
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void Party(XmlWriter w, string element, DatasetMetadata metadata)
    {
        w.WriteStartElement(element);
        w.WriteElementString("organizationName", metadata.CreatorName);
        if (metadata.ContactEmail.Length > 0) w.WriteElementString("electronicMailAddress", metadata.ContactEmail);
        w.WriteEndElement();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
