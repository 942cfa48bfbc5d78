using System.IO.Compression;
using System.Text;
using nietras.SeparatedValues;

namespace Florascope.DarwinCore;

/// <summary>One row of a data file: the id (core) or core id (extension), and its values by term URI, defaults applied.</summary>
public sealed record DwcRecord(string? Id, IReadOnlyDictionary<string, string> Terms)
{
    public string? this[string term] => Terms.GetValueOrDefault(term);

    /// <summary>The file the row was read from (its location in meta.xml), for error messages.</summary>
    public string Location { get; init; } = "";

    /// <summary>The row's first line in that file, 1-based, header lines counted, for error messages.</summary>
    public int Line { get; init; }
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
        using var meta = OpenEntry("meta.xml", MaxDescriptorBytes);
        Descriptor = MetaXml.Parse(meta);
    }

    /// <summary>A .zip archive or a folder holding meta.xml and the data files.</summary>
    public static DwcArchive Open(string path)
    {
        if (Directory.Exists(path)) return new DwcArchive(null, path);
        return OpenZip(File.OpenRead(path), leaveOpen: false, $" ({path})");
    }

    public static DwcArchive Open(Stream zip, bool leaveOpen = false) => OpenZip(zip, leaveOpen, "");

    private static DwcArchive OpenZip(Stream zip, bool leaveOpen, string name)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen);
        }
        catch (InvalidDataException e)
        {
            if (!leaveOpen) zip.Dispose();
            throw new DwcaFormatException($"Not a zip archive{name}: {e.Message}", e);
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

    /// <summary>
    /// The most a descriptor (meta.xml, metadata.xml, citations.txt) may hold once decompressed: they are
    /// read whole, and a zip bomb in one must not take the machine's memory.
    /// </summary>
    public const long MaxDescriptorBytes = 16L * 1024 * 1024;

    /// <summary>An entry by its path inside the archive (eml.xml...); reading past <paramref name="maxBytes"/> is a format error.</summary>
    public Stream OpenEntry(string location, long? maxBytes = null)
    {
        var stream = OpenEntryStream(location);
        return maxBytes is { } max ? new BoundedStream(stream, max, location) : stream;
    }

    private Stream OpenEntryStream(string location)
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

    /// <summary>An entry by its path, or null when the archive has none (optional files: citations.txt, metadata.xml).</summary>
    public Stream? TryOpenEntry(string location, long? maxBytes = null)
    {
        try
        {
            return OpenEntry(location, maxBytes);
        }
        catch (DwcaFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The records of a file, streamed: fields by their meta.xml index, defaults for missing or empty cells.
    /// A row whose column count differs from the header's (or, without a header, the first row's), or
    /// bytes that are not valid in the declared encoding, raise <see cref="DwcaFormatException"/> naming file and line.
    /// </summary>
    public IEnumerable<DwcRecord> Read(ArchiveFile file) => Read(file, null);

    /// <summary>
    /// The records with only these terms' values (GBIF's occurrence.txt has some 250 columns; a reader that
    /// needs ten saves the other strings); null: every term.
    /// </summary>
    public IEnumerable<DwcRecord> Read(ArchiveFile file, IReadOnlySet<string>? terms)
    {
        var fields = terms is null ? file.Fields : [.. file.Fields.Where(f => terms.Contains(f.Term))];
        // Invalid bytes are an error, not U+FFFD: a name silently mangled would be worse than a clear refusal.
        var encoding = Encoding.GetEncoding(file.Encoding, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        foreach (var location in file.Locations)
        {
            using var stream = OpenEntry(location);
            using var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
            SepReader reader;
            try
            {
                reader = Sep.Reader(o => o with
                {
                    Sep = new Sep(file.FieldsTerminatedBy),
                    HasHeader = false,
                    DisableColCountCheck = true,
                    DisableQuotesParsing = file.FieldsEnclosedBy is null,
                    Unescape = file.FieldsEnclosedBy is not null,
                }).From(text);
            }
            catch (DecoderFallbackException)
            {
                throw Undecodable(file, location);
            }
            catch (NotSupportedException e)
            {
                throw Unreadable(location, e);
            }
            using var _ = reader;
            var skipped = 0;
            int? expectedColumns = null;
            var widthChecked = false;
            while (true)
            {
                bool more;
                try
                {
                    more = reader.MoveNext();
                }
                catch (DecoderFallbackException)
                {
                    throw Undecodable(file, location);
                }
                catch (NotSupportedException e)
                {
                    throw Unreadable(location, e);
                }
                if (!more) break;
                var row = reader.Current;
                if (!widthChecked && !(row.ColCount == 1 && row[0].Span.IsEmpty))
                {
                    widthChecked = true;
                    // meta.xml pointing past the file's columns would read every row as empty, silently.
                    var widest = fields.Where(f => f.Index is not null).Select(f => (Index: f.Index!.Value, f.Term)).Append((Index: file.IdIndex ?? -1, Term: ReferenceEquals(file, Core) ? "the id" : "the coreid")).MaxBy(f => f.Index);
                    if (widest.Index >= row.ColCount)
                        throw new DwcaFormatException($"{location}: meta.xml reads {widest.Term} from column {widest.Index} but the file's first row has {row.ColCount} columns (0 to {row.ColCount - 1}).");
                }
                if (skipped < file.IgnoreHeaderLines)
                {
                    skipped++;
                    expectedColumns = row.ColCount;
                    continue;
                }
                // A blank line (the last line terminator read as a row) is no record.
                if (row.ColCount == 1 && row[0].Span.IsEmpty) continue;
                expectedColumns ??= row.ColCount;
                if (row.ColCount != expectedColumns)
                    throw new DwcaFormatException($"{location} line {row.LineNumberFrom}: {row.ColCount} columns where the {(file.IgnoreHeaderLines > 0 ? "header" : "first row")} has {expectedColumns}.");
                var values = new Dictionary<string, string>(fields.Count, StringComparer.Ordinal);
                foreach (var field in fields)
                {
                    var value = field.Index is { } i && i < row.ColCount ? row[i].ToString() : "";
                    if (value.Length == 0) value = field.Default ?? "";
                    if (value.Length > 0) values[field.Term] = value;
                }
                var id = file.IdIndex is { } idIndex && idIndex < row.ColCount ? row[idIndex].ToString() : null;
                yield return new DwcRecord(id, values) { Location = location, Line = row.LineNumberFrom };
            }
        }
    }

    /// <summary>Sep's own limits (a row longer than it buffers: an unterminated quote...) as an archive error.</summary>
    private static DwcaFormatException Unreadable(string location, NotSupportedException e) =>
        new($"{location}: a row that cannot be read ({e.Message.ReplaceLineEndings(" ")})", e);

    /// <summary>
    /// The error for bytes the declared encoding cannot decode. The reader reads ahead in blocks, so the
    /// line is found again by a second pass over the file (only on this error path).
    /// </summary>
    private DwcaFormatException Undecodable(ArchiveFile file, string location)
    {
        var encoding = Encoding.GetEncoding(file.Encoding, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        var where = location;
        // Counting 0x0A bytes as lines holds for the encodings where '\n' is that one byte (UTF-8, ISO-8859-x...).
        if (encoding.GetByteCount("\n") == 1)
        {
            using var stream = OpenEntry(location);
            var decoder = encoding.GetDecoder();
            var buffer = new byte[64 * 1024];
            var chars = new char[encoding.GetMaxCharCount(buffer.Length)];
            var line = 1;
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                try
                {
                    decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                }
                catch (DecoderFallbackException e)
                {
                    line += buffer.AsSpan(0, Math.Clamp(e.Index, 0, read)).Count((byte)'\n');
                    break;
                }
                line += buffer.AsSpan(0, read).Count((byte)'\n');
            }
            where = $"{location} line {line}";
        }
        return new DwcaFormatException($"{where}: bytes that are not valid {file.Encoding} (the encoding meta.xml declares for it).");
    }

    public void Dispose() => _zip?.Dispose();

    /// <summary>A read-only stream that refuses to give more than a limit (whatever the zip entry declares).</summary>
    private sealed class BoundedStream(Stream inner, long limit, string location) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        private int Count(int n)
        {
            _read += n;
            return _read > limit ? throw new DwcaFormatException($"{location} holds more than {limit / (1024 * 1024)} MB: too large for a descriptor.") : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
