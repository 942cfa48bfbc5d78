using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Florascope.Web.Home;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Assets;

/// <summary>
/// Each page in each language, rendered once and kept (13 languages x a dozen pages, a few MB):
/// translated texts, the language on the root element, and the boot data (the language's texts and
/// the server's limits) that js/shared.js reads instead of asking for them.
/// </summary>
public sealed class PageRenderer(WebAssets assets, IOptions<FlorascopeOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ConcurrentDictionary<(string Page, string Lang), RenderedPage> _pages = new();
    private readonly Lazy<(PublicLimits Limits, IReadOnlyDictionary<string, JsonElement> ByName)> _limits = new(() =>
    {
        var limits = PublicLimits.From(options.Value);
        var byName = JsonSerializer.SerializeToElement(limits, Json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        return (limits, byName);
    });

    public RenderedPage Page(string name, string lang) => _pages.GetOrAdd((name, RequestLanguage.IsSupported(lang) ? lang : RequestLanguage.Default), key =>
    {
        var texts = assets.Texts.TryGetValue(key.Lang, out var t) ? t : assets.Texts.GetValueOrDefault(RequestLanguage.Default) ?? new Dictionary<string, string>();
        var (limits, byName) = _limits.Value;
        var html = PageTranslation.Translate(assets.Page(key.Page).Html, key.Lang,
            k => PageTranslation.Fill(texts.GetValueOrDefault(k), byName, key.Lang));
        // The server's own messages ("server.*") arrive in its answers: the pages need not carry them.
        var pageTexts = texts.Where(p => !p.Key.StartsWith("server.", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        html = PageTranslation.WithBoot(html, JsonSerializer.Serialize(new { lang = key.Lang, texts = pageTexts, limits }, Json));
        var utf8 = Encoding.UTF8.GetBytes(html);
        return new RenderedPage(key.Page, html, utf8, AssetFingerprints.Of(utf8));
    });
}
