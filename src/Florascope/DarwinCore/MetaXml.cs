using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Florascope.DarwinCore;

/// <summary>Reads and writes meta.xml, the Darwin Core text guide's descriptor (http://rs.tdwg.org/dwc/text/).</summary>
public static class MetaXml
{
    public const string Namespace = "http://rs.tdwg.org/dwc/text/";

    public static ArchiveDescriptor Parse(Stream stream)
    {
        XDocument doc;
        try
        {
            // Archives come from elsewhere (GBIF downloads): no DTD, so no external entities.
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new DwcaFormatException($"meta.xml is not well-formed XML: {e.Message}", e);
        }
        var root = doc.Root!;
        if (root.Name.LocalName != "archive") throw new DwcaFormatException($"meta.xml: the root element is <{root.Name.LocalName}>, not <archive>.");
        // Elements are matched by local name: some producers omit the namespace.
        var cores = root.Elements().Where(e => e.Name.LocalName == "core").ToList();
        if (cores.Count != 1) throw new DwcaFormatException($"meta.xml: expected exactly one <core>, found {cores.Count}.");
        var core = ParseFile(cores[0], "id");
        var extensions = root.Elements().Where(e => e.Name.LocalName == "extension").Select(e => ParseFile(e, "coreid")).ToList();
        return new ArchiveDescriptor(core, extensions, (string?)root.Attribute("metadata"));
    }

    private static ArchiveFile ParseFile(XElement element, string idElement)
    {
        var what = $"<{element.Name.LocalName}>";
        var rowType = (string?)element.Attribute("rowType");
        if (string.IsNullOrWhiteSpace(rowType)) throw new DwcaFormatException($"meta.xml: {what} has no rowType.");
        what = $"<{element.Name.LocalName} rowType=\"{rowType}\">";
        var locations = element.Elements().Where(e => e.Name.LocalName == "files")
            .SelectMany(f => f.Elements().Where(e => e.Name.LocalName == "location")).Select(l => l.Value.Trim()).Where(l => l.Length > 0).ToList();
        if (locations.Count == 0) throw new DwcaFormatException($"meta.xml: {what} has no <files><location>.");
        var id = element.Elements().FirstOrDefault(e => e.Name.LocalName == idElement);
        var fields = element.Elements().Where(e => e.Name.LocalName == "field").Select(f =>
        {
            var term = (string?)f.Attribute("term");
            if (string.IsNullOrWhiteSpace(term)) throw new DwcaFormatException($"meta.xml: a <field> of {what} has no term.");
            var index = Index(f, what);
            var dflt = (string?)f.Attribute("default");
            if (index is null && dflt is null) throw new DwcaFormatException($"meta.xml: field {term} of {what} has neither index nor default.");
            return new ArchiveField(term, index, dflt);
        }).ToList();
        var enclosed = Unescape((string?)element.Attribute("fieldsEnclosedBy") ?? "\"");
        if (enclosed.Length > 1) throw new DwcaFormatException($"meta.xml: fieldsEnclosedBy of {what} must be one character or empty.");
        if (enclosed is not ("" or "\"")) throw new DwcaFormatException($"meta.xml: fieldsEnclosedBy '{enclosed}' of {what} is not supported (only '\"' or none).");
        var terminated = Unescape((string?)element.Attribute("fieldsTerminatedBy") ?? ",");
        if (terminated.Length != 1) throw new DwcaFormatException($"meta.xml: fieldsTerminatedBy of {what} must be exactly one character, not '{terminated}'.");
        var ignore = (string?)element.Attribute("ignoreHeaderLines") ?? "0";
        if (!int.TryParse(ignore, NumberStyles.None, CultureInfo.InvariantCulture, out var ignoreLines))
            throw new DwcaFormatException($"meta.xml: ignoreHeaderLines of {what} is not a non-negative integer: '{ignore}'.");
        var encoding = (string?)element.Attribute("encoding") ?? "UTF-8";
        try { _ = Encoding.GetEncoding(encoding); }
        catch (ArgumentException e) { throw new DwcaFormatException($"meta.xml: encoding '{encoding}' of {what} is not supported.", e); }
        return new ArchiveFile
        {
            RowType = rowType,
            Locations = locations,
            IdIndex = id is null ? null : Index(id, what) ?? throw new DwcaFormatException($"meta.xml: <{idElement}> of {what} has no index."),
            Fields = fields,
            Encoding = encoding,
            FieldsTerminatedBy = terminated[0],
            FieldsEnclosedBy = enclosed.Length == 0 ? null : enclosed[0],
            LinesTerminatedBy = Unescape((string?)element.Attribute("linesTerminatedBy") ?? "\n"),
            IgnoreHeaderLines = ignoreLines,
        };
    }

    private static int? Index(XElement element, string what)
    {
        var text = (string?)element.Attribute("index");
        if (text is null) return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i
            : throw new DwcaFormatException($"meta.xml: index '{text}' in {what} is not a non-negative integer.");
    }

    /// <summary>The text guide writes separators with backslash escapes ("\t", "\n", "\r", "\\").</summary>
    public static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                sb.Append(value[i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', _ => value[i] });
            }
            else sb.Append(value[i]);
        }
        return sb.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    public static void Write(Stream stream, ArchiveDescriptor descriptor)
    {
        XNamespace ns = Namespace;
        var root = new XElement(ns + "archive", new XAttribute("xmlns", Namespace),
            descriptor.Metadata is { } m ? new XAttribute("metadata", m) : null,
            File(ns, "core", "id", descriptor.Core),
            descriptor.Extensions.Select(e => File(ns, "extension", "coreid", e)));
        using var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CloseOutput = false });
        new XDocument(root).Save(writer);
    }

    private static XElement File(XNamespace ns, string name, string idName, ArchiveFile file) =>
        new(ns + name,
            new XAttribute("rowType", file.RowType),
            new XAttribute("encoding", file.Encoding),
            new XAttribute("fieldsTerminatedBy", Escape(file.FieldsTerminatedBy.ToString())),
            new XAttribute("linesTerminatedBy", Escape(file.LinesTerminatedBy)),
            new XAttribute("fieldsEnclosedBy", file.FieldsEnclosedBy?.ToString() ?? ""),
            new XAttribute("ignoreHeaderLines", file.IgnoreHeaderLines.ToString(CultureInfo.InvariantCulture)),
            new XElement(ns + "files", file.Locations.Select(l => new XElement(ns + "location", l))),
            file.IdIndex is { } id ? new XElement(ns + idName, new XAttribute("index", id)) : null,
            file.Fields.Select(f => new XElement(ns + "field",
                f.Index is { } i ? new XAttribute("index", i) : null,
                new XAttribute("term", f.Term),
                f.Default is { } d ? new XAttribute("default", d) : null)));
}
