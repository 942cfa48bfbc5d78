namespace Florascope.DarwinCore;

/// <summary>A field of a data file: a column (<see cref="Index"/>), a constant (<see cref="Default"/>), or a column whose empty cells take the default.</summary>
public sealed record ArchiveField(string Term, int? Index = null, string? Default = null);

/// <summary>One data file (core or extension) as meta.xml describes it.</summary>
public sealed record ArchiveFile
{
    public required string RowType { get; init; }
    public required IReadOnlyList<string> Locations { get; init; }
    /// <summary>The column of the record's id (core) or of the core record it belongs to (extension, "coreid").</summary>
    public int? IdIndex { get; init; }
    public IReadOnlyList<ArchiveField> Fields { get; init; } = [];
    public string Encoding { get; init; } = "UTF-8";
    public char FieldsTerminatedBy { get; init; } = ',';
    /// <summary>The quote character, or null when fields are not enclosed.</summary>
    public char? FieldsEnclosedBy { get; init; } = '"';
    public string LinesTerminatedBy { get; init; } = "\n";
    public int IgnoreHeaderLines { get; init; }
}

/// <summary>meta.xml: the core file and its extensions.</summary>
public sealed record ArchiveDescriptor(ArchiveFile Core, IReadOnlyList<ArchiveFile> Extensions, string? Metadata = null);

/// <summary>An archive (or its meta.xml) that does not follow the Darwin Core text guide.</summary>
public sealed class DwcaFormatException(string message, Exception? inner = null) : Exception(message, inner);
