using System.Globalization;

namespace Florascope.Floras;

/// <summary>
/// One line of the store's <c>urls.tsv</c>: a URL's last outcome, the hash and store-relative path of its bytes.
/// The file is ours (not an archive read through meta.xml): no field can hold a tab or a line break
/// (URLs are checked, errors are flattened), so a line splits on tabs.
/// </summary>
public sealed record DownloadRecord(string Url, DownloadOutcome Outcome, string? Sha256, string? RelativePath, string? Error)
{
    private const int FieldCount = 5;

    /// <summary>Outcomes that a rerun does not ask for again.</summary>
    public bool IsFinal => Outcome is not DownloadOutcome.Failed;

    /// <summary>Whether a URL can be written on a line at all (and so be fetched).</summary>
    public static bool IsWritable(string url) => url.Length > 0 && url.IndexOfAny(['\t', '\r', '\n']) < 0;

    public string Format() =>
        string.Join('\t', Url, Outcome.ToString(), Sha256 ?? "", RelativePath ?? "", Flatten(Error ?? ""));

    /// <summary>
    /// Reads one line; null for a line that is not a whole record (a run killed mid-write leaves a
    /// torn last line, which is skipped: that URL is simply asked for again).
    /// </summary>
    public static DownloadRecord? Parse(string line)
    {
        var f = line.Split('\t');
        if (f.Length != FieldCount || !IsWritable(f[0])) return null;
        if (!Enum.TryParse<DownloadOutcome>(f[1], ignoreCase: false, out var outcome) || !Enum.IsDefined(outcome)
            || int.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            return null;
        string? sha = f[2].Length == 0 ? null : f[2], path = f[3].Length == 0 ? null : f[3];
        var stored = outcome is DownloadOutcome.Downloaded or DownloadOutcome.AlreadyStored;
        // A stored outcome needs its hash and path, and both must be what the store would have written.
        if (stored != (sha is not null && path is not null)) return null;
        if (sha is not null && (!IsSha256(sha) || path is null || !IsStorePath(path, sha))) return null;
        return new(f[0], outcome, sha, path, f[4].Length == 0 ? null : f[4]);
    }

    /// <summary>Reads the lines in order; a later line for a URL replaces an earlier one.</summary>
    public static Dictionary<string, DownloadRecord> ReadAll(IEnumerable<string> lines)
    {
        var records = new Dictionary<string, DownloadRecord>(StringComparer.Ordinal);
        foreach (var line in lines)
            if (Parse(line) is { } r) records[r.Url] = r;
        return records;
    }

    /// <summary>Where bytes of this hash live under the store: <c>photos/ab/&lt;sha256&gt;.jpg|png</c>.</summary>
    public static string StorePath(string sha256, string extension) => $"photos/{sha256[..2]}/{sha256}{extension}";

    private static bool IsStorePath(string path, string sha) =>
        path == StorePath(sha, ".jpg") || path == StorePath(sha, ".png");

    private static bool IsSha256(string s) => s.Length == 64 && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string Flatten(string s) => s.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
