using System.Globalization;

namespace Florascope.Challenges;

/// <summary>A class of a challenge: its published id (<c>c0001</c>...) and the scientific name it stands for.</summary>
public sealed record ChallengeClass(string Id, string ScientificName);

/// <summary>The published <c>classes.csv</c> (<c>ClassId;ScientificName</c> per line, no header) and the layout of the archives. Pure.</summary>
public static class ChallengeClasses
{
    /// <summary>Classes for scientific names: sorted by name (ordinal), ids c0001, c0002... in that order.</summary>
    public static IReadOnlyList<ChallengeClass> Number(IEnumerable<string> scientificNames) =>
        [.. scientificNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select((name, i) => new ChallengeClass(string.Create(CultureInfo.InvariantCulture, $"c{i + 1:D4}"), name))];

    public static void Write(TextWriter writer, IEnumerable<ChallengeClass> classes)
    {
        foreach (var c in classes) writer.Write($"{c.Id};{c.ScientificName}\n");
    }

    public static IReadOnlyList<ChallengeClass> Read(TextReader reader)
    {
        var classes = new List<ChallengeClass>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var parts = line.Split(';');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new InvalidDataException($"classes.csv line {number}: expected ClassId;ScientificName.");
            classes.Add(new ChallengeClass(parts[0], parts[1]));
        }
        return classes;
    }

    /// <summary>The entry of a test photo in test.zip.</summary>
    public static string TestEntry(string observationId) => $"test/{observationId}.jpg";

    /// <summary>The entry of photo <paramref name="photo"/> (from 1) of a test observation that may have several (observations of the observatory).</summary>
    public static string TestPhotoEntry(string observationId, int photo) =>
        string.Create(CultureInfo.InvariantCulture, $"test/{observationId}/{photo}.jpg");

    /// <summary>The observation id of a test.zip entry (<c>test/&lt;id&gt;.jpg</c> or <c>test/&lt;id&gt;/&lt;k&gt;.jpg</c>); null for any other entry (README.txt).</summary>
    public static string? ObservationOf(string entryName)
    {
        if (!entryName.StartsWith("test/", StringComparison.Ordinal) || !entryName.EndsWith(".jpg", StringComparison.Ordinal) || entryName.Length <= 9) return null;
        var inner = entryName[5..^4];
        var slash = inner.IndexOf('/');
        if (slash < 0) return inner;
        return slash > 0 && slash < inner.Length - 1 && inner.IndexOf('/', slash + 1) < 0 ? inner[..slash] : null;
    }
}
