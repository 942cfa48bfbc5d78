using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Florascope.Messages;
using Florascope.Tests.TestSupport;
using Florascope.Web.Hosting;

namespace Florascope.Tests.Web.Translations;

/// <summary>
/// Messages with named values (Messages.MessageText), the localizer over the translation files, and
/// the agreement of the code's English texts with en.json (the /v2 API and the CLI answer the
/// code's text, the observatory API the file's: they must be the same words).
/// </summary>
public sealed partial class MessageTextTests
{
    private static readonly MessageText TooMany = MessageText.Of("server.test.too-many", "At most {max} of {total} ({ratio}).", ("max", 5), ("total", 12_000), ("ratio", 0.5));

    [Fact]
    public void EnglishFillsNamedValuesInInvariantForm()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // Even under a culture writing "12 000" and "0,5", values are written as the API writes numbers.
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
            Assert.Equal("At most 5 of 12000 (0.5).", TooMany.English);
            Assert.Equal("Au plus 5 sur 12000 (0.5).", TooMany.In(k => k == "server.test.too-many" ? "Au plus {max} sur {total} ({ratio})." : null));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void AMissingTranslationFallsBackToEnglishAndUnknownPlaceholdersStay()
    {
        Assert.Equal("At most 5 of 12000 (0.5).", TooMany.In(_ => null));
        Assert.Equal("5 {unknown}", TooMany.In(_ => "{max} {unknown}"));
    }

    [Fact]
    public void ValuesThatAreMessagesAreTranslatedAlikeAndUntranslatedTextStaysAsItIs()
    {
        var inner = MessageText.Of("server.test.inner", "bad bytes");
        var outer = MessageText.Of("server.test.outer", "Photo {n}: {problem}", ("n", 2), ("problem", inner));
        var french = new Dictionary<string, string> { ["server.test.outer"] = "Photo {n} : {problem}", ["server.test.inner"] = "octets invalides" };
        Assert.Equal("Photo 2: bad bytes", outer.English);
        Assert.Equal("Photo 2 : octets invalides", outer.In(french.GetValueOrDefault));

        var plain = MessageText.Untranslated("Kestrel's own {words}");
        Assert.Null(plain.Key);
        Assert.Equal("Kestrel's own {words}", plain.In(_ => "never used"));
    }

    [Fact]
    public void ADomainExceptionKeepsItsMessageInEnglishAndItsKey()
    {
        var e = new Florascope.Data.Observations.ObservationException(MessageText.Of("server.observation.not-found", "No observation {id}.", ("id", 7)),
            Florascope.Data.Observations.ObservationError.NotFound);
        Assert.Equal("No observation 7.", e.Message);
        Assert.Equal("server.observation.not-found", e.Text.Key);
        Assert.Null(new Florascope.Data.Observations.ObservationException("plain").Text.Key);
    }

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Files() =>
        Florascope.Taxonomy.Languages.All.ToDictionary(l => l, l => (IReadOnlyDictionary<string, string>)JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot", "i18n", l + ".json")))!);

    [Fact]
    public void TheLocalizerReadsTheCurrentUiLanguagesFileThenEnglish()
    {
        var localizer = new TranslationFilesLocalizer(Files());
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ar-EG");
            Assert.Equal(Files()["ar"]["server.sign-in-first"], localizer["server.sign-in-first"].Value);
            Assert.False(localizer["server.sign-in-first"].ResourceNotFound);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("pt-BR");
            Assert.Equal(Files()["pt"]["server.sign-in-first"], localizer["server.sign-in-first"].Value);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("sv-SE"); // no file: English
            Assert.Equal("Sign in first.", localizer["server.sign-in-first"].Value);
            Assert.True(localizer["server.no.such.key"].ResourceNotFound);
            Assert.Equal("server.no.such.key", localizer["server.no.such.key"].Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    // MessageText.Of("key", "English text" as a C# literal.
    [GeneratedRegex(@"MessageText\.Of\(""(?<key>[^""]+)"",\s*""(?<english>(?:[^""\\]|\\.)*)""")]
    private static partial Regex KeyAndEnglish();

    [Fact]
    public void EveryMessageOfTheCodeIsInEveryTranslationFileAndEnglishIsTheCodesText()
    {
        var english = Files()["en"];
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories))
            foreach (Match m in KeyAndEnglish().Matches(File.ReadAllText(file)))
            {
                var (key, text) = (m.Groups["key"].Value, Regex.Unescape(m.Groups["english"].Value));
                Assert.True(english.TryGetValue(key, out var inFile), $"{Path.GetFileName(file)}: {key} is not in en.json");
                Assert.True(text == inFile, $"{key}: the code says \"{text}\", en.json \"{inFile}\"");
                Assert.True(!found.TryGetValue(key, out var other) || other == text, $"{key} has two English texts");
                found[key] = text;
            }
        // Far from all found would mean the pattern no longer matches the code.
        Assert.True(found.Count > 80, $"only {found.Count} messages found");
        // Every "server.*" key is used (the files' other keys are the pages').
        var unused = english.Keys.Where(k => k.StartsWith("server.", StringComparison.Ordinal) && !found.ContainsKey(k)).ToList();
        Assert.True(unused.Count == 0, "unused: " + string.Join(", ", unused));
    }
}
