using System.Globalization;

namespace Florascope.Time;

/// <summary>
/// An observer's offset from UTC in whole minutes (UTC+02:00 is 120). Real zones run from
/// UTC-12:00 to UTC+14:00; the rule allows the symmetric ±14:00 that ISO 8601 and .NET accept.
/// </summary>
public static class UtcOffsets
{
    public const int MinMinutes = -14 * 60;
    public const int MaxMinutes = 14 * 60;

    public static bool IsValid(int minutes) => minutes is >= MinMinutes and <= MaxMinutes;

    /// <summary>The ISO 8601 form ("+02:00", "-05:30"); zero is "+00:00".</summary>
    public static string ToIso(int minutes)
    {
        var abs = Math.Abs(minutes);
        return string.Create(CultureInfo.InvariantCulture, $"{(minutes < 0 ? '-' : '+')}{abs / 60:00}:{abs % 60:00}");
    }

    /// <summary>The local time of a UTC instant at an offset, with that offset: what an export's eventDate writes.</summary>
    public static DateTimeOffset ToLocal(DateTime utc, int minutes) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(TimeSpan.FromMinutes(minutes));
}
