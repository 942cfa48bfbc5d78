namespace Florascope.Publishing;

/// <summary>What may prefix the absolute URLs Florascope writes (API answers, archives, pages).</summary>
public static class BaseUrl
{
    /// <summary>An absolute http or https URL without query, fragment or user info (a path is allowed).</summary>
    public static bool IsValid(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}
