using System.Xml.Linq;
using Florascope.DarwinCore;
using Florascope.Data.Observations;
using Florascope.Data.OpenData;

namespace Florascope.Tests.DarwinCore;

/// <summary>The pure parts of the export: open licences, coverage, eml.xml.</summary>
public sealed class EmlAndLicenceTests
{
    [Fact]
    public void OnlyGbifsThreeLicencesAreExportedAndTheDatasetTakesTheMostRestrictive()
    {
        Assert.Equal(["cc-by", "cc0", "cc-by-nc"], Licenses.All.Where(l => OpenLicences.Of(l) is not null));
        Assert.Null(OpenLicences.Of("cc-by-sa"));
        Assert.All(OpenLicences.Exported, l => Assert.StartsWith("http://creativecommons.org/", OpenLicences.Of(l)!.Uri, StringComparison.Ordinal));
        Assert.True(OpenLicences.Restriction("cc-by-nc") > OpenLicences.Restriction("cc-by"));
        Assert.True(OpenLicences.Restriction("cc-by") > OpenLicences.Restriction("cc0"));
        Assert.Equal(OpenLicences.Of("cc-by"), OpenLicences.Dataset(null));
    }

    [Fact]
    public void CoverageIsTheExtentOfWhatWasSeen()
    {
        var c = DatasetCoverage.Empty
            .WithPosition(43.6, 3.9).WithPosition(51.5, -0.1).WithPosition(48.8, 2.3)
            .WithEvent(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.FromHours(2)))
            .WithEvent(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero))
            .WithEvent(new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal((-0.1, 3.9, 43.6, 51.5), (c.West, c.East, c.South, c.North));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero), c.FirstEvent);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.FromHours(2)), c.LastEvent);
    }

    [Fact]
    public void AnEmptyDatasetHasNoCoverageAndTheDefaultCitation()
    {
        using var stream = new MemoryStream();
        var published = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        EmlWriter.Write(stream, new DatasetMetadata(), DatasetCoverage.Empty, OpenLicences.Dataset(null), published, "https://f.example.org/open-data/dwca.zip");
        stream.Position = 0;
        var doc = XDocument.Load(stream);
        Assert.Equal(EmlWriter.EmlNamespace, doc.Root!.Name.NamespaceName);
        Assert.Empty(doc.Descendants("coverage"));
        Assert.Empty(doc.Descendants("electronicMailAddress"));
        Assert.Equal("2026-11-30", doc.Descendants("pubDate").Single().Value);
        Assert.Equal("Florascope (2026). Florascope observations. Darwin Core Archive, https://f.example.org/open-data/dwca.zip", doc.Descendants("citation").Single().Value);
    }
}
