using Microsoft.Extensions.Options;

namespace Florascope.Web.Hosting;

/// <summary>The one base of every absolute URL the server writes (Florascope:PublicBaseUrl).</summary>
public static class PublicUrls
{
    /// <summary>
    /// PublicBaseUrl when set (without a trailing slash), else the request's scheme, Host and path
    /// base: the Host header is only written back when no public URL is configured.
    /// </summary>
    public static string BaseUrl(HttpRequest request)
    {
        var configured = request.HttpContext.RequestServices.GetRequiredService<IOptions<FlorascopeOptions>>().Value.PublicBaseUrl;
        return configured is { Length: > 0 } ? configured.TrimEnd('/') : $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    /// <summary>Refuses at start a PublicBaseUrl that is not an absolute http(s) URL without query or fragment.</summary>
    public static void Validate(string publicBaseUrl)
    {
        if (publicBaseUrl.Length == 0) return;
        if (!Florascope.Publishing.BaseUrl.IsValid(publicBaseUrl))
            throw new InvalidOperationException($"Florascope:PublicBaseUrl must be an absolute http or https URL such as https://florascope.example.org, not '{publicBaseUrl}'.");
    }
}
