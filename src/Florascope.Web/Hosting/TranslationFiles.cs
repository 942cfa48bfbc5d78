using System.Globalization;
using Florascope.Web.Assets;
using Microsoft.Extensions.Localization;

namespace Florascope.Web.Hosting;

/// <summary>
/// The framework's localisation abstraction over the project's own translation files
/// (wwwroot/i18n/&lt;lang&gt;.json, as <see cref="WebAssets"/> read them at start-up): the pages and the
/// server's messages share one set of texts. The language is <see cref="CultureInfo.CurrentUICulture"/>,
/// which request localisation sets from the "lang" cookie or Accept-Language (see <see cref="RequestLanguage"/>).
/// </summary>
public sealed class TranslationFilesLocalizerFactory(WebAssets assets) : IStringLocalizerFactory
{
    private readonly TranslationFilesLocalizer _localizer = new(assets.Texts);

    // One set of files for every type and resource name.
    public IStringLocalizer Create(Type resourceSource) => _localizer;

    public IStringLocalizer Create(string baseName, string location) => _localizer;
}

/// <summary>A key's text in the current UI language, else in English, else not found (its key).</summary>
public sealed class TranslationFilesLocalizer(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> texts) : IStringLocalizer
{
    public LocalizedString this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return Find(name) is { } text ? new LocalizedString(name, text) : new LocalizedString(name, name, resourceNotFound: true);
        }
    }

    /// <summary>Composite-format arguments as the framework's localizers take them (the project's own texts use named placeholders, see Messages.MessageText).</summary>
    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var found = this[name];
            return new LocalizedString(name, string.Format(CultureInfo.InvariantCulture, found.Value, arguments), found.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        (texts.GetValueOrDefault(Language()) ?? texts.GetValueOrDefault(RequestLanguage.Default) ?? new Dictionary<string, string>())
            .Select(p => new LocalizedString(p.Key, p.Value));

    private string? Find(string name) =>
        texts.GetValueOrDefault(Language())?.GetValueOrDefault(name) ?? texts.GetValueOrDefault(RequestLanguage.Default)?.GetValueOrDefault(name);

    // "pt-BR" reads pt.json; a language without a file reads English.
    private static string Language() => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
}
