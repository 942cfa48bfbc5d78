using Florascope.Floras;

namespace Florascope.Tests.Floras;

/// <summary>Every licence form GBIF writes maps to its licence; anything else is Unknown.</summary>
public sealed class PhotoLicencesTests
{
    [Theory]
    [InlineData("http://creativecommons.org/licenses/by/4.0/legalcode", PhotoLicence.CcBy)]
    [InlineData("https://creativecommons.org/licenses/by/4.0/", PhotoLicence.CcBy)]
    [InlineData("http://creativecommons.org/licenses/by/4.0", PhotoLicence.CcBy)]
    [InlineData("https://creativecommons.org/licenses/by/2.0/", PhotoLicence.CcBy)]
    [InlineData("http://creativecommons.org/licenses/by/3.0/fr/", PhotoLicence.CcBy)]
    [InlineData("https://creativecommons.org/licenses/by/4.0/deed.fr", PhotoLicence.CcBy)]
    [InlineData("HTTP://CreativeCommons.org/licenses/BY/4.0/LEGALCODE", PhotoLicence.CcBy)]
    [InlineData("http://creativecommons.org/licenses/by-nc/4.0/legalcode", PhotoLicence.CcByNc)]
    [InlineData("https://creativecommons.org/licenses/by-nc/2.5/", PhotoLicence.CcByNc)]
    [InlineData("http://creativecommons.org/licenses/by-sa/4.0/", PhotoLicence.CcBySa)]
    [InlineData("http://creativecommons.org/licenses/by-nc-sa/3.0/legalcode", PhotoLicence.CcByNcSa)]
    [InlineData("http://creativecommons.org/licenses/by-nd/4.0/", PhotoLicence.CcByNd)]
    [InlineData("http://creativecommons.org/licenses/by-nc-nd/4.0/", PhotoLicence.CcByNcNd)]
    [InlineData("http://creativecommons.org/licenses/by-nd-nc/1.0/", PhotoLicence.CcByNcNd)]
    [InlineData("http://creativecommons.org/publicdomain/zero/1.0/legalcode", PhotoLicence.Cc0)]
    [InlineData("https://creativecommons.org/publicdomain/zero/1.0/", PhotoLicence.Cc0)]
    [InlineData("http://creativecommons.org/publicdomain/mark/1.0/", PhotoLicence.PublicDomainMark)]
    [InlineData("CC_BY_4_0", PhotoLicence.CcBy)]
    [InlineData("CC0_1_0", PhotoLicence.Cc0)]
    [InlineData("CC_BY_NC_4_0", PhotoLicence.CcByNc)]
    [InlineData("CC BY-NC 4.0", PhotoLicence.CcByNc)]
    [InlineData("CC BY 4.0", PhotoLicence.CcBy)]
    [InlineData("CC BY-SA 3.0", PhotoLicence.CcBySa)]
    [InlineData("CC0 1.0", PhotoLicence.Cc0)]
    [InlineData("cc0", PhotoLicence.Cc0)]
    [InlineData("CC-BY-NC", PhotoLicence.CcByNc)]
    [InlineData(" CC-BY ", PhotoLicence.CcBy)]
    [InlineData("Public Domain Mark", PhotoLicence.PublicDomainMark)]
    [InlineData("PDM", PhotoLicence.PublicDomainMark)]
    public void GbifFormsMapToTheirLicence(string value, PhotoLicence expected) => Assert.Equal(expected, PhotoLicences.FromGbif(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("All rights reserved")]
    [InlineData("UNSPECIFIED")]
    [InlineData("UNSUPPORTED")]
    [InlineData("http://creativecommons.org/licenses/by/5.0/")]
    [InlineData("http://creativecommons.org/licenses/by-sa-nd/4.0/")]
    [InlineData("http://creativecommons.org/licenses/nc/4.0/")]
    [InlineData("http://creativecommons.org/publicdomain/zero/2.0/")]
    [InlineData("https://example.org/licenses/by/4.0/")]
    [InlineData("https://creativecommons.org/licenses/by/4.0/extra/path/")]
    [InlineData("CC_BY_9_0")]
    [InlineData("CC BY-NC 4.0 or else")]
    [InlineData("BY")]
    public void AnythingElseIsUnknown(string? value) => Assert.Equal(PhotoLicence.Unknown, PhotoLicences.FromGbif(value));

    [Fact]
    public void CodesAndUrlsRoundTrip()
    {
        foreach (var licence in Enum.GetValues<PhotoLicence>().Where(l => l != PhotoLicence.Unknown))
        {
            Assert.Equal(licence, PhotoLicences.FromGbif(PhotoLicences.Code(licence)));
            Assert.Equal(licence, PhotoLicences.FromGbif(PhotoLicences.Url(licence)));
        }
        Assert.Equal("CC-BY-NC-SA", PhotoLicences.Code(PhotoLicence.CcByNcSa));
        Assert.Equal("https://creativecommons.org/licenses/by-nc/4.0/legalcode", PhotoLicences.Url(PhotoLicence.CcByNc));
        Assert.Equal("unknown", PhotoLicences.Code(PhotoLicence.Unknown));
        Assert.Null(PhotoLicences.Url(PhotoLicence.Unknown));
    }

    [Fact]
    public void ListsParseInAnyCaseAndNameTheUnknownCode()
    {
        Assert.Equal(PhotoLicences.Default.Order(), PhotoLicences.ParseList("CC0,CC-BY,CC-BY-NC").Order());
        Assert.Equal([PhotoLicence.CcBy, PhotoLicence.CcBySa], PhotoLicences.ParseList(" cc-by , Cc-By-Sa ,").Order());
        Assert.Contains("'CC-BY-XX'", Assert.Throws<ArgumentException>(() => PhotoLicences.ParseList("CC0,CC-BY-XX")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PhotoLicences.ParseList(" , "));
    }
}
