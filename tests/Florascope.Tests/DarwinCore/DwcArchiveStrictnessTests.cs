using System.IO.Compression;
using System.Text;
using Florascope.DarwinCore;

namespace Florascope.Tests.DarwinCore;

/// <summary>The reader's strictness: rows know their file and line, column counts must match, invalid bytes are refused.</summary>
public sealed class DwcArchiveStrictnessTests
{
    private static string Meta(string encoding, int header) => $"""
        <archive xmlns="http://rs.tdwg.org/dwc/text/">
          <core rowType="http://rs.tdwg.org/dwc/terms/Occurrence" encoding="{encoding}" fieldsTerminatedBy="\t" fieldsEnclosedBy="" ignoreHeaderLines="{header}">
            <files><location>occ.txt</location></files>
            <id index="0"/>
            <field index="1" term="http://rs.tdwg.org/dwc/terms/scientificName"/>
            <field index="2" term="http://rs.tdwg.org/dwc/terms/kingdom"/>
          </core>
        </archive>
        """;

    private static DwcArchive Archive(string meta, byte[] data)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("meta.xml").Open()) s.Write(Encoding.UTF8.GetBytes(meta));
            using (var s = zip.CreateEntry("occ.txt").Open()) s.Write(data);
        }
        stream.Position = 0;
        return DwcArchive.Open(stream);
    }

    [Fact]
    public void RecordsKnowTheirFileAndLineAndCanBeNarrowedToSomeTerms()
    {
        using var archive = Archive(Meta("UTF-8", 1), "id\tname\tkingdom\n1\tBellis perennis\tPlantae\n\n2\tRosa canina\tPlantae\n"u8.ToArray());
        var rows = archive.Read(archive.Core).ToList();
        Assert.Equal([("occ.txt", 2), ("occ.txt", 4)], rows.Select(r => (r.Location, r.Line)));
        var narrow = archive.Read(archive.Core, new HashSet<string> { DwcTerms.Kingdom }).First();
        Assert.Equal("1", narrow.Id);
        Assert.Equal("Plantae", narrow[DwcTerms.Kingdom]);
        Assert.Null(narrow[DwcTerms.ScientificName]);
    }

    [Theory]
    [InlineData(1, "id\tname\tkingdom\n1\tBellis perennis\tPlantae\n2\tRosa canina\n", "occ.txt line 3: 2 columns where the header has 3.")]
    [InlineData(0, "1\tBellis perennis\tPlantae\n2\tRosa canina\tPlantae\textra\n", "occ.txt line 2: 4 columns where the first row has 3.")]
    public void ARowWithAnotherColumnCountIsRefused(int header, string data, string expected)
    {
        using var archive = Archive(Meta("UTF-8", header), Encoding.UTF8.GetBytes(data));
        Assert.Equal(expected, Assert.Throws<DwcaFormatException>(() => archive.Read(archive.Core).ToList()).Message);
    }

    [Fact]
    public void AMetaXmlThatPointsPastTheColumnsIsRefused()
    {
        using var archive = Archive(Meta("UTF-8", 1), Encoding.UTF8.GetBytes("id\tscientificName\n1\tBellis perennis\n"));
        var e = Assert.Throws<DwcaFormatException>(() => archive.Read(archive.Core).ToList());
        Assert.Equal("occ.txt: meta.xml reads http://rs.tdwg.org/dwc/terms/kingdom from column 2 but the file's first row has 2 columns (0 to 1).", e.Message);
    }

    [Theory]
    [InlineData("\n", 0)]
    [InlineData("\n1\tBellis perennis\tPlantae\n", 1)]
    public void ABlankFirstLineIsNoRowToMeasure(string data, int records)
    {
        using var archive = Archive(Meta("UTF-8", 0), Encoding.UTF8.GetBytes(data));
        Assert.Equal(records, archive.Read(archive.Core).Count());
    }

    [Fact]
    public void AHugeDescriptorIsRefusedBeforeItFillsMemory()
    {
        // 20 MB of comment compress to a few KB: the reader stops at 16 MB whatever the entry declares.
        var meta = Meta("UTF-8", 1).Replace("<archive ", "<!--" + new string(' ', 20 * 1024 * 1024) + "--><archive ", StringComparison.Ordinal);
        var e = Assert.Throws<DwcaFormatException>(() => Archive(meta, Encoding.UTF8.GetBytes("id\n")));
        Assert.Contains("meta.xml holds more than 16 MB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesInvalidInTheDeclaredEncodingAreRefusedWithTheirLine()
    {
        byte[] data = [.. "id\tname\tkingdom\n1\tBellis perennis\tPlantae\n2\tRosa "u8, 0xE9, 0xFF, .. "\tPlantae\n"u8];
        using var archive = Archive(Meta("UTF-8", 1), data);
        Assert.Equal("occ.txt line 3: bytes that are not valid UTF-8 (the encoding meta.xml declares for it).",
            Assert.Throws<DwcaFormatException>(() => archive.Read(archive.Core).ToList()).Message);
        // The same bytes declared as ISO-8859-1 are text.
        using var latin1 = Archive(Meta("ISO-8859-1", 1), data);
        Assert.Equal("Rosa éÿ", latin1.Read(latin1.Core).Last()[DwcTerms.ScientificName]);
    }
}
