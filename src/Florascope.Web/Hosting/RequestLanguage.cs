using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace Florascope.Web.Hosting;

/// <summary>
/// The 13 languages of the pages and of the observatory API's messages, and how a request's language
/// is chosen: the "lang" cookie the language switch sets (js/shared.js), else the browser's
/// Accept-Language, else English. Only the UI culture follows the request: the formatting culture
/// stays invariant, so numbers in answers, exports and logs never change with the visitor.
/// The /v2 API keeps English whatever is asked (its clients match its messages).
/// </summary>
public static class RequestLanguage
{
    public const string Default = "en";
    public const string CookieName = "lang";

    /// <summary>The languages of the checklist's names; each has wwwroot/i18n/{code}.json.</summary>
    public static IReadOnlyList<string> Supported => Florascope.Taxonomy.Languages.All;

    public static bool IsSupported(string? code) => code is not null && Supported.Contains(code, StringComparer.Ordinal);

    public static IServiceCollection AddFlorascopeLanguages(this IServiceCollection services) =>
        services.AddSingleton<IStringLocalizerFactory, TranslationFilesLocalizerFactory>()
            .AddTransient(typeof(IStringLocalizer<>), typeof(StringLocalizer<>))
            .Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo(Default));
            o.SupportedCultures = [CultureInfo.InvariantCulture];
            o.SupportedUICultures = [.. Supported.Select(CultureInfo.GetCultureInfo)];
            o.FallBackToParentUICultures = true; // "pt-BR" -> "pt"
            o.RequestCultureProviders =
            [
                new CustomRequestCultureProvider(context => Task.FromResult(
                    IsSupported(context.Request.Cookies[CookieName]) ? new ProviderCultureResult(context.Request.Cookies[CookieName]!) : null)),
                new AcceptLanguageHeaderRequestCultureProvider { MaximumAcceptLanguageHeaderValuesToTry = 8 },
            ];
        });

    /// <summary>The language of this request (one of <see cref="Supported"/>).</summary>
    public static string Of(HttpContext context)
    {
        var ui = context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture;
        var code = ui?.TwoLetterISOLanguageName;
        return IsSupported(code) ? code! : Default;
    }
}
