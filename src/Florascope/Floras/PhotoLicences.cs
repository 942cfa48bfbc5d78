using System.Text.RegularExpressions;

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
public static partial class PhotoLicences
{
    /// <summary>The default of <c>flora build --licences</c>: the licences GBIF itself accepts for records.</summary>
    public static IReadOnlySet<PhotoLicence> Default { get; } = new HashSet<PhotoLicence> { PhotoLicence.Cc0, PhotoLicence.CcBy, PhotoLicence.CcByNc };

    /// <summary>
    /// A licence as GBIF writes it ("http://creativecommons.org/licenses/by-nc/4.0/legalcode",
    /// "https://creativecommons.org/publicdomain/zero/1.0/", "CC_BY_4_0", "CC0_1_0", "CC BY-NC 4.0"...);
    /// <see cref="PhotoLicence.Unknown"/> for anything else, empty included.
    /// </summary>
    public static PhotoLicence FromGbif(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return PhotoLicence.Unknown;
        var text = value.Trim();
        if (LicenceUrl().Match(text) is { Success: true } url)
            return url.Groups["kind"].Value.ToLowerInvariant() switch
            {
                "licenses" => Combination(url.Groups["code"].Value.Split('-'), url.Groups["version"]),
                _ => PublicDomain(url.Groups["code"].Value, url.Groups["version"]),
            };
        if (text.Contains("://", StringComparison.Ordinal)) return PhotoLicence.Unknown;
        // The enum names (CC_BY_NC_4_0), the codes (CC-BY-NC) and the labels (CC BY-NC 4.0) are one shape: tokens then a version.
        if (LicenceText().Match(text) is not { Success: true } words) return PhotoLicence.Unknown;
        var tokens = words.Groups["code"].Value.ToUpperInvariant().Split([' ', '_', '-'], StringSplitOptions.RemoveEmptyEntries);
        var version = words.Groups["version"];
        if (tokens is ["PDM"] || string.Join(' ', tokens) == "PUBLIC DOMAIN MARK")
            return !version.Success || version.Value.Replace('_', '.') == "1.0" ? PhotoLicence.PublicDomainMark : PhotoLicence.Unknown;
        if (tokens is ["CC0"] || tokens is ["CC", "ZERO"]) return !version.Success || version.Value.Replace('_', '.') == "1.0" ? PhotoLicence.Cc0 : PhotoLicence.Unknown;
        return tokens is ["CC", .. var rest] ? Combination(rest, version) : PhotoLicence.Unknown;
    }

    private static PhotoLicence PublicDomain(string code, Group version)
    {
        if (version.Success && version.Value != "1.0") return PhotoLicence.Unknown;
        return code.ToLowerInvariant() switch
        {
            "zero" => PhotoLicence.Cc0,
            "mark" => PhotoLicence.PublicDomainMark,
            _ => PhotoLicence.Unknown,
        };
    }

    /// <summary>BY with NC and at most one of SA and ND, in any order (the 1.0 URLs wrote "by-nd-nc"); versions 1.0 to 4.0.</summary>
    private static PhotoLicence Combination(IReadOnlyList<string> parts, Group version)
    {
        if (version.Success && !KnownVersions.Contains(version.Value.Replace('_', '.'))) return PhotoLicence.Unknown;
        var set = parts.Select(p => p.ToUpperInvariant()).ToList();
        if (set.Count == 0 || set[0] != "BY" || set.Count != set.Distinct().Count()) return PhotoLicence.Unknown;
        var nc = set.Contains("NC");
        var sa = set.Contains("SA");
        var nd = set.Contains("ND");
        if (set.Count != 1 + (nc ? 1 : 0) + (sa ? 1 : 0) + (nd ? 1 : 0) || (sa && nd)) return PhotoLicence.Unknown;
        return (nc, sa, nd) switch
        {
            (false, false, false) => PhotoLicence.CcBy,
            (true, false, false) => PhotoLicence.CcByNc,
            (false, true, false) => PhotoLicence.CcBySa,
            (true, true, false) => PhotoLicence.CcByNcSa,
            (false, false, true) => PhotoLicence.CcByNd,
            _ => PhotoLicence.CcByNcNd,
        };
    }

    private static readonly HashSet<string> KnownVersions = ["1.0", "2.0", "2.1", "2.5", "3.0", "4.0"];

    // creativecommons.org/licenses/by-nc/4.0/, .../legalcode, .../deed.fr, ported licences (.../3.0/fr/), publicdomain/zero|mark/1.0.
    [GeneratedRegex(@"^https?://(www\.)?creativecommons\.org/(?<kind>licenses|publicdomain)/(?<code>[a-z-]+)(/(?<version>\d\.\d))?(/[a-z]{2}(-[a-z]{2})?)?(/(legalcode(\.[a-z-]+)?|deed\.[a-z-]+)?)?/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LicenceUrl();

    [GeneratedRegex(@"^(?<code>[A-Za-z0-9]+([ _-]+[A-Za-z]+)*?)([ _-]+(?<version>\d[._]\d))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LicenceText();

    /// <summary>The short code people type and read: CC0, CC-BY, CC-BY-NC, CC-BY-SA, CC-BY-NC-SA, CC-BY-ND, CC-BY-NC-ND, PDM, unknown.</summary>
    public static string Code(PhotoLicence licence) => licence switch
    {
        PhotoLicence.Cc0 => "CC0",
        PhotoLicence.CcBy => "CC-BY",
        PhotoLicence.CcByNc => "CC-BY-NC",
        PhotoLicence.CcBySa => "CC-BY-SA",
        PhotoLicence.CcByNcSa => "CC-BY-NC-SA",
        PhotoLicence.CcByNd => "CC-BY-ND",
        PhotoLicence.CcByNcNd => "CC-BY-NC-ND",
        PhotoLicence.PublicDomainMark => "PDM",
        _ => "unknown",
    };

    /// <summary>The canonical URL of the licence (4.0 legal code for CC licences), null for <see cref="PhotoLicence.Unknown"/>.</summary>
    public static string? Url(PhotoLicence licence) => licence switch
    {
        PhotoLicence.Cc0 => "https://creativecommons.org/publicdomain/zero/1.0/legalcode",
        // The mark is no licence and has no legal code, only its deed.
        PhotoLicence.PublicDomainMark => "https://creativecommons.org/publicdomain/mark/1.0/",
        PhotoLicence.Unknown => null,
        _ => $"https://creativecommons.org/licenses/{Code(licence)[3..].ToLowerInvariant()}/4.0/legalcode",
    };

    /// <summary>A comma-separated list of codes ("CC0,CC-BY,CC-BY-NC", any case); ArgumentException naming the unknown code.</summary>
    public static IReadOnlySet<PhotoLicence> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var set = new HashSet<PhotoLicence>();
        foreach (var item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var licence = FromGbif(item);
            if (licence == PhotoLicence.Unknown)
                throw new ArgumentException($"Unknown licence '{item}': expected a comma-separated list of {string.Join(", ", Enum.GetValues<PhotoLicence>().Where(l => l != PhotoLicence.Unknown).Select(Code))}.", nameof(list));
            set.Add(licence);
        }
        return set.Count > 0 ? set : throw new ArgumentException("No licence given: expected a comma-separated list such as CC0,CC-BY,CC-BY-NC.", nameof(list));
    }
}
