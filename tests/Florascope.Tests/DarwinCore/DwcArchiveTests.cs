using System.IO.Compression;
using System.Text;
using Florascope.DarwinCore;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.DarwinCore;

/// <summary>The Darwin Core Archive reader follows meta.xml: column order, defaults, separators, quotes, encodings.</summary>
public sealed class DwcArchiveTests
{
    private const string Meta = """
        <?xml version="1.0" encoding="UTF-8"?>
        <archive xmlns="http://rs.tdwg.org/dwc/text/" metadata="eml.xml">
          <core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" encoding="UTF-8" fieldsTerminatedBy="\t" linesTerminatedBy="\n" fieldsEnclosedBy="" ignoreHeaderLines="1">
            <files><location>occ.tsv</location></files>
            <id index="2"/>
            <field index="0" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
            <field index="2" term="http://rs.tdwg.org/dwc/terms/occurrenceID"/>
            <field index="1" term="http://rs.tdwg.org/dwc/terms/decimalLatitude"/>
            <field term="http://rs.tdwg.org/dwc/terms/basisOfRecord" default="HumanObservation"/>
            <field index="3" term="http://rs.tdwg.org/dwc/terms/countryCode" default="FR"/>
          </core>
          <extension rowType="http://rs.gbif.org/terms/1.0/Multimedia" encoding="ISO-8859-1" fieldsTerminatedBy="," fieldsEnclosedBy="&quot;" ignoreHeaderLines="0">
            <files><location>media.csv</location></files>
            <coreid index="1"/>
            <field index="0" term="http://purl.org/dc/terms/identifier"/>
            <field index="2" term="http://purl.org/dc/terms/creator"/>
          </extension>
        </archive>
        """;

    private static MemoryStream Zip(params (string Name, byte[] Data)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
                using (var s = zip.CreateEntry(name).Open()) s.Write(data);
        stream.Position = 0;
        return stream;
    }

    private static (string, byte[]) Utf8(string name, string text) => (name, Encoding.UTF8.GetBytes(text));

    private static MemoryStream HandWritten() => Zip(
        Utf8("meta.xml", Meta),
        Utf8("occ.tsv", "name\tlat\tid\tcountry\nBellis perennis\t48.5\tobs-1\t\nRosa canina\t\tobs-2\tES\n"),
        ("media.csv", Encoding.Latin1.GetBytes("http://x/1.jpg,obs-1,\"Zoé, a photographer\"\nhttp://x/2.jpg,obs-2,Jos\u00e9\n")));

    [Fact]
    public void RecordsFollowMetaXmlNotColumnPositions()
    {
        using var archive = DwcArchive.Open(HandWritten());
        Assert.Equal(DwcTerms.OccurrenceRowType, archive.Core.RowType);
        Assert.Equal('\t', archive.Core.FieldsTerminatedBy);
        Assert.Null(archive.Core.FieldsEnclosedBy);
        var records = archive.Read(archive.Core).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("obs-1", records[0].Id);
        Assert.Equal("Bellis perennis", records[0][DwcTerms.ScientificName]);
        Assert.Equal("48.5", records[0][DwcTerms.DecimalLatitude]);
        Assert.Equal("obs-1", records[0][DwcTerms.OccurrenceId]);
        // Defaults: a constant field, and a column whose empty cell takes the default.
        Assert.Equal("HumanObservation", records[0][DwcTerms.BasisOfRecord]);
        Assert.Equal("FR", records[0][DwcTerms.CountryCode]);
        Assert.Equal("ES", records[1][DwcTerms.CountryCode]);
        Assert.Null(records[1][DwcTerms.DecimalLatitude]);
    }

    [Fact]
    public void ExtensionsAreJoinedByCoreIdWithTheirOwnSeparatorQuotesAndEncoding()
    {
        using var archive = DwcArchive.Open(HandWritten());
        var media = archive.Extension(DwcTerms.MultimediaRowType)!;
        var rows = archive.Read(media).ToList();
        Assert.Equal(["obs-1", "obs-2"], rows.Select(r => r.Id));
        Assert.Equal("Zoé, a photographer", rows[0][DwcTerms.Creator]);
        Assert.Equal("José", rows[1][DwcTerms.Creator]);
        Assert.Equal("http://x/2.jpg", rows[1][DwcTerms.Identifier]);
    }

    [Fact]
    public void AnUnpackedFolderReadsTheSame()
    {
        using var temp = new TempDirectory();
        using (var zip = new ZipArchive(HandWritten())) zip.ExtractToDirectory(temp.Path);
        using var archive = DwcArchive.Open(temp.Path);
        Assert.Equal(["obs-1", "obs-2"], archive.Read(archive.Core).Select(r => r.Id));
    }

    [Theory]
    [InlineData("<archive", "not well-formed")]
    [InlineData("<archive xmlns=\"http://rs.tdwg.org/dwc/text/\"></archive>", "exactly one <core>")]
    [InlineData("<archive><core><files><location>a.txt</location></files></core></archive>", "has no rowType")]
    [InlineData("<archive><core rowType=\"x\"></core></archive>", "has no <files><location>")]
    [InlineData("<archive><core rowType=\"x\"><files><location>a</location></files><field index=\"one\" term=\"t\"/></core></archive>", "index 'one'")]
    [InlineData("<archive><core rowType=\"x\"><files><location>a</location></files><field term=\"t\"/></core></archive>", "neither index nor default")]
    [InlineData("<archive><core rowType=\"x\" fieldsTerminatedBy=\"::\"><files><location>a</location></files></core></archive>", "exactly one character")]
    [InlineData("<archive><core rowType=\"x\" fieldsEnclosedBy=\"'\"><files><location>a</location></files></core></archive>", "not supported")]
    [InlineData("<archive><core rowType=\"x\" encoding=\"klingon-8\"><files><location>a</location></files></core></archive>", "encoding 'klingon-8'")]
    [InlineData("<archive><core rowType=\"x\" ignoreHeaderLines=\"-1\"><files><location>a</location></files></core></archive>", "ignoreHeaderLines")]
    [InlineData("<!DOCTYPE archive [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><archive>&x;</archive>", "not well-formed")]
    public void AMalformedMetaXmlGivesAClearError(string meta, string expected)
    {
        var e = Assert.Throws<DwcaFormatException>(() => DwcArchive.Open(Zip(Utf8("meta.xml", meta))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFilesAndNonZipsAreClearErrors()
    {
        Assert.Contains("no 'meta.xml'", Assert.Throws<DwcaFormatException>(() => DwcArchive.Open(Zip(Utf8("occ.txt", "a")))).Message, StringComparison.Ordinal);
        Assert.Contains("Not a zip", Assert.Throws<DwcaFormatException>(() => DwcArchive.Open(new MemoryStream("hello"u8.ToArray()))).Message, StringComparison.Ordinal);
        using var archive = DwcArchive.Open(Zip(Utf8("meta.xml", Meta)));
        Assert.Contains("no 'occ.tsv'", Assert.Throws<DwcaFormatException>(() => archive.Read(archive.Core).ToList()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetaXmlRoundTrips()
    {
        var descriptor = Florascope.Data.OpenData.DwcaWriter.Descriptor();
        using var stream = new MemoryStream();
        MetaXml.Write(stream, descriptor);
        stream.Position = 0;
        var read = MetaXml.Parse(stream);
        Assert.Equal(descriptor.Core.Fields, read.Core.Fields);
        Assert.Equal(('\t', (char?)null, 1, 0), (read.Core.FieldsTerminatedBy, read.Core.FieldsEnclosedBy, read.Core.IgnoreHeaderLines, read.Core.IdIndex));
        Assert.Equal(DwcTerms.MultimediaRowType, Assert.Single(read.Extensions).RowType);
        Assert.Equal(descriptor.Extensions[0].Fields, read.Extensions[0].Fields);
        Assert.Equal("eml.xml", read.Metadata);
        Assert.Contains("fieldsTerminatedBy=\"\\t\"", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(120, "2026-04-01T18:45:30+02:00")]
    [InlineData(-330, "2026-04-01T11:15:30-05:30")]
    [InlineData(null, "2026-04-01T16:45:30Z")]
    [InlineData(20 * 60, "2026-04-01T16:45:30Z")]
    public void EventDatesAreLocalTimeWithTheObserversOffsetElseUtc(int? offset, string expected) =>
        Assert.Equal(expected, DwcFormat.EventDate(new DateTime(2026, 4, 1, 16, 45, 30, DateTimeKind.Utc), offset));

    [Fact]
    public void TextStaysOnOneLine() => Assert.Equal("a b c", DwcFormat.Text("a\tb\nc"));
}
