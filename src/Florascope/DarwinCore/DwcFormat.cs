using System.Globalization;

namespace Florascope.DarwinCore;

/// <summary>How values are written in Darwin Core text files (ISO 8601 dates, invariant numbers, one line per record).</summary>
public static class DwcFormat
{
    /// <summary>
    /// The ISO 8601 eventDate in the observer's local time with its offset ("2026-04-01T18:45:30+02:00"),
    /// or in UTC with "Z" when the offset is unknown or not a valid one.
    /// </summary>
    public static string EventDate(DateTime utc, int? offsetMinutes)
    {
        var instant = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        if (offsetMinutes is { } m and >= -14 * 60 and <= 14 * 60)
            return new DateTimeOffset(instant).ToOffset(TimeSpan.FromMinutes(m)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return Utc(instant);
    }

    /// <summary>The event as an instant with the observer's offset (UTC when unknown), for coverage.</summary>
    public static DateTimeOffset EventInstant(DateTime utc, int? offsetMinutes)
    {
        var instant = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        return offsetMinutes is { } m and >= -14 * 60 and <= 14 * 60 ? instant.ToOffset(TimeSpan.FromMinutes(m)) : instant;
    }

    public static string Utc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Numbers round-trip, in the invariant culture.</summary>
    public static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// Text on one line: the files are tab-separated without quotes (the form GBIF recommends), so a
    /// tab or line break inside a value (a display name) would split the record.
    /// </summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.AsSpan().IndexOfAny('\t', '\r', '\n') < 0 ? value : value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
    }
}
