using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Florascope.Web.Assets;

/// <summary>
/// The pages' HTML as the server sends it (pure functions): the shared header written in, texts of
/// <c>data-i18n</c> elements (and <c>data-i18n-placeholder</c> / <c>data-i18n-label</c> attributes)
/// in the page's language, <c>lang</c>/<c>dir</c> on the root, and the boot data the scripts read, so a
/// page is readable at first paint and usable without a round trip for its words.
/// </summary>
public static partial class PageTranslation
{
    public const string HeaderPlaceholder = "<!--#header-->";

    /// <summary>Languages written right to left.</summary>
    public static bool IsRightToLeft(string lang) => lang is "ar" or "he" or "fa" or "ur";

    /// <summary>The page with the shared header in place of <see cref="HeaderPlaceholder"/>.</summary>
    public static string WithHeader(string html, string header) => html.Replace(HeaderPlaceholder, header.Trim(), StringComparison.Ordinal);

    /// <summary>
    /// A text with its <c>{limit:name}</c> placeholders filled from the server's limits, in the
    /// language's number format; null when one is unknown (the page's own wording then stays).
    /// </summary>
    public static string? Fill(string? text, IReadOnlyDictionary<string, JsonElement> limits, string lang)
    {
        if (text is null) return null;
        var culture = CultureInfo.GetCultureInfo(lang);
        var missing = false;
        var filled = LimitPlaceholder().Replace(text, m =>
        {
            if (!limits.TryGetValue(m.Groups["name"].Value, out var v)) { missing = true; return m.Value; }
            return v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("#,0.###", culture) : v.ToString();
        });
        return missing ? null : filled;
    }

    /// <summary>The page in one language: every translatable text replaced where the language has it.</summary>
    public static string Translate(string html, string lang, Func<string, string?> text)
    {
        html = RootElement().Replace(html, _ => $"<html lang=\"{lang}\" dir=\"{(IsRightToLeft(lang) ? "rtl" : "ltr")}\">", 1);
        html = TextElement().Replace(html, m => text(m.Groups["key"].Value) is { } t
            ? m.Groups["open"].Value + Encode(t) + m.Groups["close"].Value
            : m.Value);
        return AttributeText().Replace(html, m =>
        {
            if (text(m.Groups["key"].Value) is not { } t) return m.Value;
            var tag = m.Value;
            var attribute = m.Groups["kind"].Value == "placeholder" ? "placeholder" : "aria-label";
            var encoded = Encode(t);
            var existing = attribute == "placeholder" ? PlaceholderAttribute() : LabelAttribute();
            return existing.IsMatch(tag) ? existing.Replace(tag, $" {attribute}=\"{encoded}\"", 1) : tag.Insert(tag.Length - 1, $" {attribute}=\"{encoded}\"");
        });
    }

    /// <summary>Text as HTML: only the characters HTML gives a meaning are escaped (every other character is UTF-8, as the page).</summary>
    public static string Encode(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>The boot data (language, texts, limits) as a non-executable JSON block before &lt;/head&gt;; "&lt;" is escaped so no text can close it.</summary>
    public static string WithBoot(string html, string bootJson)
    {
        var block = $"<script type=\"application/json\" id=\"boot\">{bootJson.Replace("<", "\\u003C", StringComparison.Ordinal)}</script>\n";
        var at = html.IndexOf("</head>", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? block + html : html.Insert(at, block);
    }

    [GeneratedRegex(@"<html\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex RootElement();

    // An element whose whole content is text: <tag ... data-i18n="key" ...>text</tag>.
    [GeneratedRegex(@"(?<open><(?<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\sdata-i18n=""(?<key>[^""]+)""[^>]*>)(?<text>[^<]*)(?<close></\k<tag>>)")]
    private static partial Regex TextElement();

    [GeneratedRegex(@"<[a-zA-Z][^>]*?\sdata-i18n-(?<kind>placeholder|label)=""(?<key>[^""]+)""[^>]*>")]
    private static partial Regex AttributeText();

    [GeneratedRegex(@"\splaceholder=""[^""]*""")]
    private static partial Regex PlaceholderAttribute();

    [GeneratedRegex(@"\saria-label=""[^""]*""")]
    private static partial Regex LabelAttribute();

    [GeneratedRegex(@"\{limit:(?<name>\w+)\}")]
    private static partial Regex LimitPlaceholder();
}
