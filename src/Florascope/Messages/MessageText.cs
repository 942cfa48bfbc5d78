using System.Globalization;
using System.Text.RegularExpressions;

namespace Florascope.Messages;

/// <summary>
/// A message for a person: the key of its translations (wwwroot/i18n/&lt;lang&gt;.json, "server.*"),
/// its English text with named placeholders (<c>{max}</c>, <c>{name}</c>) and their values. The
/// English text is the message wherever no language is chosen (the CLI, the /v2 API, logs); the
/// observatory API fills the translation of the request's language instead. Values are written in
/// invariant form in every language, so a number reads the same as in the API's other fields.
/// </summary>
public sealed partial class MessageText
{
    private readonly (string Name, object? Value)[] _values;

    private MessageText(string? key, string template, (string Name, object? Value)[] values) => (Key, Template, _values) = (key, template, values);

    /// <summary>A translatable message; <paramref name="english"/> names the values it shows in braces.</summary>
    public static MessageText Of(string key, string english, params (string Name, object? Value)[] values) => new(key, english, values);

    /// <summary>Text that has no translation (a library's own wording): shown as it is in every language.</summary>
    public static MessageText Untranslated(string text) => new(null, text, []);

    /// <summary>The key in the translation files; null for <see cref="Untranslated"/> text.</summary>
    public string? Key { get; }

    /// <summary>The English text with its placeholders.</summary>
    public string Template { get; }

    public IReadOnlyList<(string Name, object? Value)> Values => _values;

    /// <summary>The message in English.</summary>
    public string English => In(_ => null);

    /// <summary>
    /// The message in a language: <paramref name="translation"/> gives a key's text in it, or null
    /// where it has none (English then). Values that are messages themselves are translated alike;
    /// a placeholder without a value stays as written.
    /// </summary>
    public string In(Func<string, string?> translation)
    {
        var template = Key is null ? Template : translation(Key) ?? Template;
        return Placeholder().Replace(template, m =>
        {
            foreach (var (name, value) in _values)
                if (name == m.Groups["name"].Value) return Write(value, translation);
            return m.Value;
        });
    }

    public override string ToString() => English;

    private static string Write(object? value, Func<string, string?> translation) => value switch
    {
        null => "",
        MessageText m => m.In(translation),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    [GeneratedRegex(@"\{(?<name>\w+)\}")]
    private static partial Regex Placeholder();
}
