using System.Globalization;
using System.Text;

namespace Florascope.Challenges;

/// <summary>The name of a challenge in URLs: lower-case ASCII letters, digits and single '-'. Pure.</summary>
public static class ChallengeSlug
{
    public const int MaxLength = 64;

    /// <summary>A slug made from a name: accents dropped, other characters as '-', runs of '-' merged; empty when nothing is left.</summary>
    public static string From(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(lower);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        return slug.Length > MaxLength ? slug[..MaxLength].TrimEnd('-') : slug;
    }

    /// <summary>Whether a given slug is acceptable as it is.</summary>
    public static bool IsValid(string slug) =>
        slug.Length is > 0 and <= MaxLength && slug[0] != '-' && slug[^1] != '-' && !slug.Contains("--", StringComparison.Ordinal)
        && slug.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
