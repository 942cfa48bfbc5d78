using Florascope.DarwinCore;
using Florascope.Data.Observations;

namespace Florascope.Data.OpenData;

/// <summary>
/// Which observation licences are published as open data, and their URIs: GBIF accepts only CC0,
/// CC BY and CC BY-NC, so records under any other licence (CC BY-SA) are counted and left out.
/// </summary>
public static class OpenLicences
{
    public static IReadOnlyList<string> Exported { get; } = ["cc0", "cc-by", "cc-by-nc"];

    /// <summary>The licence's URI, or null when it is not exported.</summary>
    public static DatasetLicence? Of(string license) => license switch
    {
        "cc0" => new("http://creativecommons.org/publicdomain/zero/1.0/legalcode", "Public Domain (CC0 1.0)"),
        "cc-by" => new("http://creativecommons.org/licenses/by/4.0/legalcode", "Creative Commons Attribution (CC-BY) 4.0"),
        "cc-by-nc" => new("http://creativecommons.org/licenses/by-nc/4.0/legalcode", "Creative Commons Attribution Non Commercial (CC-BY-NC) 4.0"),
        _ => null,
    };

    /// <summary>How restrictive an exported licence is (the dataset states the most restrictive of its records').</summary>
    public static int Restriction(string license) => license switch { "cc0" => 0, "cc-by" => 1, "cc-by-nc" => 2, _ => 3 };

    /// <summary>The dataset's licence: the most restrictive of the records', CC BY for an empty dataset.</summary>
    public static DatasetLicence Dataset(string? mostRestrictive) => Of(mostRestrictive ?? Licenses.Default)!;
}
