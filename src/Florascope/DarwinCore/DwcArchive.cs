using System.IO.Compression;
using System.Text;
using nietras.SeparatedValues;

namespace Florascope.DarwinCore;

/// <summary>One row of a data file: the id (core) or core id (extension), and its values by term URI, defaults applied.</summary>
public sealed record DwcRecord(string? Id, IReadOnlyDictionary<string, string> Terms)
{
    public string? this[string term] => Terms.GetValueOrDefault(term);
}

/// <summary>
/// A Darwin Core Archive, zipped or unpacked in a folder, read through its meta.xml (never by
/// assuming column positions): the core and extension files as records of term -> value.
/// </summary>
public sealed class DwcArchive : IDisposable
{
    private readonly ZipArchive? _zip;
    private readonly string? _folder;

    public ArchiveDescriptor Descriptor { get; }
    public ArchiveFile Core => Descriptor.Core;
    public IReadOnlyList<ArchiveFile> Extensions => Descriptor.Extensions;

    private DwcArchive(ZipArchive? zip, string? folder)
    {
        _zip = zip;
        _folder = folder;
        using var meta = OpenEntry("meta.xml");
        Descriptor = MetaXml.Parse(meta);
    }

    /// <summary>A .zip archive or a folder holding meta.xml and the data files.</summary>
    public static DwcArchive Open(string path)
    {
        if (Directory.Exists(path)) return new DwcArchive(null, path);
        return Open(File.OpenRead(path), leaveOpen: false);
    }

    public static DwcArchive Open(Stream zip, bool leaveOpen = false)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen);
        }
        catch (InvalidDataException e)
        {
            if (!leaveOpen) zip.Dispose();
            throw new DwcaFormatException($"Not a zip archive: {e.Message}", e);
        }
        try
        {
            return new DwcArchive(archive, null);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>The extension of this row type, or null.</summary>
    public ArchiveFile? Extension(string rowType) => Extensions.FirstOrDefault(e => e.RowType == rowType);

    /// <summary>An entry by its path inside the archive (eml.xml...).</summary>
    public Stream OpenEntry(string location)
    {
        if (_folder is not null)
        {
            var full = Path.GetFullPath(Path.Combine(_folder, location));
            if (!full.StartsWith(Path.GetFullPath(_folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new DwcaFormatException($"The location '{location}' leaves the archive's folder.");
            return File.Exists(full) ? File.OpenRead(full) : throw new DwcaFormatException($"The archive has no '{location}'.");
        }
        var entry = _zip!.GetEntry(location) ?? _zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/" + location, StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            ?? throw new DwcaFormatException($"The archive has no '{location}'.");
        return entry.Open();
    }

    /// <summary>The records of a file, streamed: fields by their meta.xml index, defaults for missing or empty cells.</summary>
    public IEnumerable<DwcRecord> Read(ArchiveFile file)
    {
        var encoding = Encoding.GetEncoding(file.Encoding);
        foreach (var location in file.Locations)
        {
            using var stream = OpenEntry(location);
            using var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
            using var reader = Sep.Reader(o => o with
            {
                Sep = new Sep(file.FieldsTerminatedBy),
                HasHeader = false,
                DisableColCountCheck = true,
                DisableQuotesParsing = file.FieldsEnclosedBy is null,
                Unescape = file.FieldsEnclosedBy is not null,
            }).From(text);
            var skipped = 0;
            foreach (var row in reader)
            {
                if (skipped < file.IgnoreHeaderLines) { skipped++; continue; }
                // A blank line (the last line terminator read as a row) is no record.
                if (row.ColCount == 1 && row[0].Span.IsEmpty) continue;
                var terms = new Dictionary<string, string>(file.Fields.Count, StringComparer.Ordinal);
                foreach (var field in file.Fields)
                {
                    var value = field.Index is { } i && i < row.ColCount ? row[i].ToString() : "";
                    if (value.Length == 0) value = field.Default ?? "";
                    if (value.Length > 0) terms[field.Term] = value;
                }
                var id = file.IdIndex is { } idIndex && idIndex < row.ColCount ? row[idIndex].ToString() : null;
                yield return new DwcRecord(id, terms);
            }
        }
    }

    public void Dispose() => _zip?.Dispose();
}
