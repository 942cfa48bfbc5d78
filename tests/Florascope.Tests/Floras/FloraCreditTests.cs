using Florascope.Bundles;
using Florascope.Floras;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>The pure parts of a flora build: how a GBIF photo is credited, and a checklist that survives odd names.</summary>
public sealed class FloraCreditTests
{
    [Theory]
    [InlineData(PhotoLicence.CcBy, "http://creativecommons.org/licenses/by/2.0/", "CC-BY 2.0")]
    [InlineData(PhotoLicence.CcByNc, "CC_BY_NC_4_0", "CC-BY-NC 4.0")]
    [InlineData(PhotoLicence.Cc0, "http://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0 1.0")]
    [InlineData(PhotoLicence.CcBySa, "https://creativecommons.org/licenses/by-sa/3.0/fr/", "CC-BY-SA 3.0")]
    [InlineData(PhotoLicence.CcBy, "http://creativecommons.org/licenses/by/2.5/", "CC-BY 2.5")]
    [InlineData(PhotoLicence.CcBySa, "CC_BY_SA_2_5", "CC-BY-SA 2.5")]
    [InlineData(PhotoLicence.CcBy, null, "CC-BY")]
    [InlineData(PhotoLicence.CcBy, "CC BY", "CC-BY")]
    public void TheLicenceKeepsItsVersion(PhotoLicence licence, string? text, string expected) =>
        Assert.Equal(expected, FloraBuilder.LicenceName(licence, text));

    [Theory]
    [InlineData("2021-06-03", "2021-06-03")]
    [InlineData("2021-06-03T10:15:00Z", "2021-06-03")]
    [InlineData("2021-06-03T23:30:00-05:00", "2021-06-03")]
    [InlineData("yesterday", null)]
    [InlineData("", null)]
    public void TheCreatedDateIsItsDatePart(string created, string? expected) =>
        Assert.Equal(expected is null ? null : DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FloraBuilder.CreatedDate(created));

    [Fact]
    public void APhotoIsCreditedToItsCreatorWithItsHolderLicenceAndOccurrence()
    {
        var taxon = new FloraTaxon("5394163", "Taraxacum officinale", "F.H.Wigg.", "Taraxacum", "Asteraceae");
        var photo = new FloraPhoto("42", "https://example.org/a.jpg", PhotoLicence.CcByNc, "Ana Silva", "Ana Silva & co", "iNaturalist", "2024-05-01", null,
            "http://creativecommons.org/licenses/by-nc/4.0/");
        var occurrence = new FloraOccurrence("42", taxon, "https://www.gbif.org/occurrence/42", [photo]);
        var credit = FloraBuilder.Credit(occurrence, photo);
        Assert.Equal(new ReferenceCredit("Ana Silva", "CC-BY-NC 4.0", "© Ana Silva & co, CC-BY-NC 4.0, via GBIF https://www.gbif.org/occurrence/42",
            new DateOnly(2024, 5, 1), "https://www.gbif.org/occurrence/42"), credit);

        var anonymous = FloraBuilder.Credit(occurrence, photo with { Creator = null, RightsHolder = null, Publisher = null, Created = null });
        Assert.Equal("unknown", anonymous.Author);
        Assert.Null(anonymous.Date);
    }

    [Fact]
    public void NamesWithTabsOrLineBreaksDoNotBreakTheChecklistFile()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "checklist.tsv");
        ChecklistWriter.Write(new Checklist([new Taxon
        {
            ScientificNameWithoutAuthor = "Taraxacum officinale",
            CommonNames = new Dictionary<string, IReadOnlyList<string>> { ["en"] = ["common\tdandelion", "lion's\r\ntooth", "a|b"] },
        }]), path);
        var back = Checklist.Load(path);
        Assert.Equal(["common dandelion", "lion's tooth", "a/b"], back.Taxa[0].NamesIn("en"));
    }
}
