using System.Data;
using System.IO.Compression;
using System.Text;
using Florascope.DarwinCore;
using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Data.Revision;
using Florascope.Taxonomy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;

namespace Florascope.Data.OpenData;

/// <summary>What goes into a Darwin Core Archive of the observatory.</summary>
public sealed record DwcaOptions
{
    /// <summary>The public base URL (Florascope:PublicBaseUrl) of occurrenceID, photo and page URLs: absolute http(s), no query.</summary>
    public required string BaseUrl { get; init; }
    /// <summary>Only observations modified (edited or revised) at or after this UTC time.</summary>
    public DateTime? Since { get; init; }
    /// <summary>Every community status, not only valid observations.</summary>
    public bool AllStatuses { get; init; }
    /// <summary>Only these observations (a challenge's training part); the other rules (status, licence, public positions) still apply.</summary>
    public IReadOnlyCollection<int>? ObservationIds { get; init; }
    public DatasetMetadata Metadata { get; init; } = new();
    /// <summary>The publication date of eml.xml.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>What an export wrote, and what it left out because of its licence.</summary>
public sealed record DwcaSummary(long Occurrences, long Media, long LeftOutForLicence, DatasetCoverage Coverage, DatasetLicence Licence);

/// <summary>
/// Writes the observatory's Darwin Core Archive: meta.xml, occurrence.txt (core), multimedia.txt
/// (GBIF Simple Multimedia), eml.xml, in that order, streamed. Rows are read without tracking in
/// one ordered query per file and written as they come, so memory does not grow with the count;
/// both files are read in one snapshot so every multimedia row has its occurrence. Only public
/// positions are written (geoprivacy).
/// </summary>
public static class DwcaWriter
{
    public const string OccurrenceFile = "occurrence.txt";
    public const string MultimediaFile = "multimedia.txt";
    public const string EmlFile = "eml.xml";

    /// <summary>The occurrence columns, in file order. No countryCode: the observatory has no reverse geocoder, so it is never known.</summary>
    public static IReadOnlyList<string> OccurrenceTerms { get; } =
    [
        DwcTerms.OccurrenceId, DwcTerms.BasisOfRecord, DwcTerms.EventDate, DwcTerms.RecordedBy,
        DwcTerms.DecimalLatitude, DwcTerms.DecimalLongitude, DwcTerms.GeodeticDatum, DwcTerms.CoordinateUncertaintyInMeters,
        DwcTerms.InformationWithheld, DwcTerms.DataGeneralizations,
        DwcTerms.ScientificName, DwcTerms.ScientificNameAuthorship, DwcTerms.TaxonRank, DwcTerms.Kingdom, DwcTerms.Family, DwcTerms.Genus,
        DwcTerms.TaxonId, DwcTerms.IdentificationVerificationStatus, DwcTerms.License, DwcTerms.Modified,
    ];

    public static IReadOnlyList<string> MultimediaTerms { get; } =
    [
        DwcTerms.Type, DwcTerms.Format, DwcTerms.Identifier, DwcTerms.References, DwcTerms.Created,
        DwcTerms.Creator, DwcTerms.RightsHolder, DwcTerms.License,
    ];

    public static async Task<DwcaSummary> WriteAsync(FlorascopeDb db, Checklist checklist, Stream output, DwcaOptions options,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var baseUrl = CheckedBaseUrl(options.BaseUrl);
        await using var snapshot = await SnapshotAsync(db, ct);
        var selected = Selected(db, options);
        var exported = OpenLicences.Exported;
        var leftOut = await selected.LongCountAsync(o => !exported.Contains(o.License), ct);
        var open = selected.Where(o => exported.Contains(o.License));

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        using (var meta = zip.CreateEntry("meta.xml", CompressionLevel.Fastest).Open())
            MetaXml.Write(meta, Descriptor());

        var coverage = DatasetCoverage.Empty;
        string? mostRestrictive = null;
        long occurrences = 0;
        await using (var entry = zip.CreateEntry(OccurrenceFile, CompressionLevel.Fastest).Open())
        {
            await using var text = new StreamWriter(entry, new UTF8Encoding(false), 1 << 16);
            using var writer = TsvWriter(text, "id", OccurrenceTerms);
            var rows = from o in open
                       join u in db.Users on o.AuthorId equals u.Id
                       orderby o.Id
                       select new OccurrenceRow(o.Id, o.ObservedUtc, o.ObservedOffsetMinutes, u.DisplayName, u.UserName,
                           o.Latitude, o.Longitude, o.PublicLatitude, o.PublicLongitude, o.PublicUncertaintyMeters,
                           o.TaxonName, o.Status, o.License, o.UpdatedUtc, o.RevisedUtc);
            await foreach (var r in rows.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            {
                WriteOccurrence(writer, r, checklist, baseUrl);
                coverage = coverage.WithEvent(DwcFormat.EventInstant(r.ObservedUtc, r.OffsetMinutes));
                if (r.PublicLatitude is { } lat && r.PublicLongitude is { } lon) coverage = coverage.WithPosition(lat, lon);
                if (mostRestrictive is null || OpenLicences.Restriction(r.License) > OpenLicences.Restriction(mostRestrictive)) mostRestrictive = r.License;
                if (++occurrences % 10_000 == 0) progress?.Report(occurrences);
            }
        }
        progress?.Report(occurrences);

        long media = 0;
        await using (var entry = zip.CreateEntry(MultimediaFile, CompressionLevel.Fastest).Open())
        {
            await using var text = new StreamWriter(entry, new UTF8Encoding(false), 1 << 16);
            using var writer = TsvWriter(text, "coreid", MultimediaTerms);
            var rows = from p in db.ObservationPhotos
                       where p.ExcludedBecause == null
                       join o in open on p.ObservationId equals o.Id
                       join u in db.Users on o.AuthorId equals u.Id
                       orderby p.ObservationId, p.Position
                       select new MediaRow(o.Id, p.Sha256, o.License, u.DisplayName, u.UserName, o.ObservedUtc, o.ObservedOffsetMinutes);
            await foreach (var r in rows.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            {
                WriteMedia(writer, r, baseUrl);
                media++;
            }
        }

        var licence = OpenLicences.Dataset(mostRestrictive);
        using (var eml = zip.CreateEntry(EmlFile, CompressionLevel.Fastest).Open())
            EmlWriter.Write(eml, options.Metadata, coverage, licence, options.Clock.GetUtcNow(), $"{baseUrl}/open-data/dwca.zip");
        return new DwcaSummary(occurrences, media, leftOut, coverage, licence);
    }

    /// <summary>The archive's meta.xml: every column by its index, tab-separated, no quotes, one header line.</summary>
    public static ArchiveDescriptor Descriptor() => new(
        File(DwcTerms.OccurrenceRowType, OccurrenceFile, OccurrenceTerms),
        [File(DwcTerms.MultimediaRowType, MultimediaFile, MultimediaTerms)],
        EmlFile);

    // Column 0 is the id (core) or core id (extension); the terms follow.
    private static ArchiveFile File(string rowType, string location, IReadOnlyList<string> terms) => new()
    {
        RowType = rowType,
        Locations = [location],
        IdIndex = 0,
        Fields = [.. terms.Select((t, i) => new ArchiveField(t, i + 1))],
        Encoding = "UTF-8",
        FieldsTerminatedBy = '\t',
        FieldsEnclosedBy = null,
        LinesTerminatedBy = "\n",
        IgnoreHeaderLines = 1,
    };

    /// <summary>The base URL without its trailing slash; an ArgumentException when it is not an absolute http(s) URL without query, fragment or user.</summary>
    public static string CheckedBaseUrl(string baseUrl) =>
        Florascope.Publishing.BaseUrl.IsValid(baseUrl) ? baseUrl.TrimEnd('/')
        : throw new ArgumentException($"The base URL must be an absolute http or https URL such as https://florascope.example.org, not '{baseUrl}'.", nameof(baseUrl));

    private static IQueryable<Observation> Selected(FlorascopeDb db, DwcaOptions options)
    {
        var q = db.Observations.AsNoTracking();
        if (!options.AllStatuses) q = q.Where(o => o.Status == ObservationStatus.Valid);
        if (options.ObservationIds is { } ids) q = q.Where(o => ids.Contains(o.Id));
        if (options.Since is { } since)
        {
            var utc = DateTime.SpecifyKind(since, DateTimeKind.Utc);
            q = q.Where(o => o.UpdatedUtc >= utc || o.RevisedUtc >= utc);
        }
        return q;
    }

    /// <summary>
    /// One read-only snapshot for both passes, without blocking writers: a deferred transaction on
    /// SQLite (WAL), REPEATABLE READ on PostgreSQL.
    /// </summary>
    private static async Task<IAsyncDisposable> SnapshotAsync(FlorascopeDb db, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            var tx = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(tx, ct);
            return new SqliteSnapshot(db, tx);
        }
        return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
    }

    /// <summary>Ends the read transaction and gives the caller's context back as it was: no transaction, connection closed.</summary>
    private sealed class SqliteSnapshot(FlorascopeDb db, SqliteTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.UseTransactionAsync(null);
            await tx.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }

    private static SepWriter TsvWriter(TextWriter text, string idColumn, IReadOnlyList<string> terms)
    {
        var writer = Sep.Writer(o => o with { Sep = new Sep('\t'), WriteHeader = true }).To(text, leaveOpen: true);
        // The header is fixed up front and written at once: the column order is meta.xml's, and an empty file still has its header line.
        writer.Header.Add([idColumn, .. terms.Select(Col)]);
        writer.Header.Write();
        return writer;
    }

    private sealed record OccurrenceRow(int Id, DateTime ObservedUtc, int? OffsetMinutes, string DisplayName, string UserName,
        double? Latitude, double? Longitude, double? PublicLatitude, double? PublicLongitude, double? PublicUncertaintyMeters,
        string? TaxonName, string Status, string License, DateTime UpdatedUtc, DateTime? RevisedUtc);

    private sealed record MediaRow(int ObservationId, string Sha256, string License, string DisplayName, string UserName, DateTime ObservedUtc, int? OffsetMinutes);

    private static string Name(string displayName, string userName) => DwcFormat.Text(string.IsNullOrWhiteSpace(displayName) ? userName : displayName);

    private static void WriteOccurrence(SepWriter writer, OccurrenceRow r, Checklist checklist, string baseUrl)
    {
        var kind = PrivacyAccess.PublicKind(new Observation
        {
            Latitude = r.Latitude, Longitude = r.Longitude, PublicLatitude = r.PublicLatitude, PublicLongitude = r.PublicLongitude,
        });
        var taxon = r.TaxonName is { } name && checklist.IndexOf(name) is var i and >= 0 ? checklist.Taxa[i] : null;
        var modified = r.RevisedUtc is { } revised && revised > r.UpdatedUtc ? revised : r.UpdatedUtc;
        using var row = writer.NewRow();
        row["id"].Set(IdOf(r.Id));
        row[Col(DwcTerms.OccurrenceId)].Set($"{baseUrl}/observations/{IdOf(r.Id)}");
        row[Col(DwcTerms.BasisOfRecord)].Set("HumanObservation");
        row[Col(DwcTerms.EventDate)].Set(DwcFormat.EventDate(r.ObservedUtc, r.OffsetMinutes));
        row[Col(DwcTerms.RecordedBy)].Set(Name(r.DisplayName, r.UserName));
        row[Col(DwcTerms.DecimalLatitude)].Set(DwcFormat.Number(r.PublicLatitude));
        row[Col(DwcTerms.DecimalLongitude)].Set(DwcFormat.Number(r.PublicLatitude is null ? null : r.PublicLongitude));
        row[Col(DwcTerms.GeodeticDatum)].Set(r.PublicLatitude is null ? "" : "WGS84");
        row[Col(DwcTerms.CoordinateUncertaintyInMeters)].Set(DwcFormat.Number(r.PublicLatitude is null ? null : r.PublicUncertaintyMeters));
        row[Col(DwcTerms.InformationWithheld)].Set(kind switch
        {
            PublicPositionKind.Obscured => $"Exact coordinates withheld (geoprivacy): generalized to a {PublicPosition.CellDegrees} degree cell.",
            PublicPositionKind.Hidden => "Coordinates withheld (geoprivacy).",
            _ => "",
        });
        row[Col(DwcTerms.DataGeneralizations)].Set(kind == PublicPositionKind.Obscured
            ? $"Coordinates replaced by a fixed point of the {PublicPosition.CellDegrees} x {PublicPosition.CellDegrees} degree cell holding the true position; coordinateUncertaintyInMeters covers the cell."
            : "");
        row[Col(DwcTerms.ScientificName)].Set(DwcFormat.Text(taxon?.ScientificName ?? r.TaxonName));
        row[Col(DwcTerms.ScientificNameAuthorship)].Set(DwcFormat.Text(taxon?.Authorship));
        row[Col(DwcTerms.TaxonRank)].Set(taxon?.Rank ?? "");
        row[Col(DwcTerms.Kingdom)].Set("Plantae");
        row[Col(DwcTerms.Family)].Set(DwcFormat.Text(taxon?.Family));
        row[Col(DwcTerms.Genus)].Set(DwcFormat.Text(taxon?.Genus));
        row[Col(DwcTerms.TaxonId)].Set(taxon?.GbifKey is { Length: > 0 } key ? $"https://www.gbif.org/species/{key}" : "");
        row[Col(DwcTerms.IdentificationVerificationStatus)].Set(r.Status);
        row[Col(DwcTerms.License)].Set(OpenLicences.Of(r.License)!.Uri);
        row[Col(DwcTerms.Modified)].Set(DwcFormat.Utc(modified));
    }

    private static void WriteMedia(SepWriter writer, MediaRow r, string baseUrl)
    {
        var name = Name(r.DisplayName, r.UserName);
        using var row = writer.NewRow();
        row["coreid"].Set(IdOf(r.ObservationId));
        row[Col(DwcTerms.Type)].Set("StillImage");
        row[Col(DwcTerms.Format)].Set("image/jpeg");
        row[Col(DwcTerms.Identifier)].Set($"{baseUrl}/api/photos/{r.Sha256}?size=m");
        row[Col(DwcTerms.References)].Set($"{baseUrl}/observations/{IdOf(r.ObservationId)}");
        row[Col(DwcTerms.Created)].Set(DwcFormat.EventDate(r.ObservedUtc, r.OffsetMinutes));
        row[Col(DwcTerms.Creator)].Set(name);
        row[Col(DwcTerms.RightsHolder)].Set(name);
        row[Col(DwcTerms.License)].Set(OpenLicences.Of(r.License)!.Uri);
    }

    private static string IdOf(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Col(string term) => DwcTerms.ShortName(term);
}
