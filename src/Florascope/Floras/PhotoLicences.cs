namespace Florascope.Floras;

/// <summary>The licences a photo of a GBIF download can carry (GBIF writes them as URLs or as its enum names).</summary>
public enum PhotoLicence
{
    Unknown,
    Cc0,
    CcBy,
    CcByNc,
    CcBySa,
    CcByNcSa,
    CcByNd,
    CcByNcNd,
    PublicDomainMark,
}

/// <summary>Maps GBIF's licence forms to <see cref="PhotoLicence"/> and back to codes ("CC-BY") and URLs.</summary>
public static class PhotoLicences
{
    /// <summary>The default of <c>flora build --licences</c>: the licences GBIF itself accepts for records.</summary>
    public static IReadOnlySet<PhotoLicence> Default { get; } = new HashSet<PhotoLicence> { PhotoLicence.Cc0, PhotoLicence.CcBy, PhotoLicence.CcByNc };

    /// <summary>
    /// A licence as GBIF writes it ("http://creativecommons.org/licenses/by-nc/4.0/legalcode",
    /// "https://creativecommons.org/publicdomain/zero/1.0/", "CC_BY_4_0", "CC0_1_0", "CC BY-NC 4.0"...);
    /// <see cref="PhotoLicence.Unknown"/> for anything else, empty included.
    /// </summary>
    public static PhotoLicence FromGbif(string? value) => throw new NotImplementedException();

    /// <summary>The short code people type and read: CC0, CC-BY, CC-BY-NC, CC-BY-SA, CC-BY-NC-SA, CC-BY-ND, CC-BY-NC-ND, PDM, unknown.</summary>
    public static string Code(PhotoLicence licence) => throw new NotImplementedException();

    /// <summary>The canonical URL of the licence (4.0 legal code for CC licences), null for <see cref="PhotoLicence.Unknown"/>.</summary>
    public static string? Url(PhotoLicence licence) => throw new NotImplementedException();

    /// <summary>A comma-separated list of codes ("CC0,CC-BY,CC-BY-NC", any case); ArgumentException naming the unknown code.</summary>
    public static IReadOnlySet<PhotoLicence> ParseList(string list) => throw new NotImplementedException();
}
