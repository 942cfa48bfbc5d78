using System.Text.Json;
using System.Text.RegularExpressions;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web.Translations;

/// <summary>
/// The pages' translation files (wwwroot/i18n/&lt;code&gt;.json), one per language of the checklist:
/// each has exactly the keys of en.json, no empty text, and per key the same placeholders
/// ({limit:...}, {taxon}...), since shared.js and the pages fill them by name.
/// </summary>
public sealed partial class TranslationFilesTests
{
    private static string I18nDir => Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot", "i18n");

    public static TheoryData<string> Codes => [.. Languages.All];

    private static Dictionary<string, string> Read(string code)
    {
        var path = Path.Combine(I18nDir, code + ".json");
        Assert.True(File.Exists(path), $"missing {path}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            Assert.Equal(JsonValueKind.String, p.Value.ValueKind);
            Assert.True(texts.TryAdd(p.Name, p.Value.GetString()!), $"{code}: duplicate key {p.Name}");
        }
        return texts;
    }

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Placeholder();

    private static string[] PlaceholdersOf(string text) =>
        [.. Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Codes))]
    public void EveryLanguageHasEveryKeyOfEnglishWithItsPlaceholders(string code)
    {
        var english = Read("en");
        var texts = Read(code);

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in texts)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"{code}: {key} is empty");
            Assert.True(PlaceholdersOf(english[key]).SequenceEqual(PlaceholdersOf(text)), $"{code}: {key} has other placeholders than en.json: {text}");
        }
    }

    [Fact]
    public void NoOtherTranslationFileExists()
    {
        var files = Directory.GetFiles(I18nDir, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Languages.All.Order(StringComparer.Ordinal), files);
    }
}
