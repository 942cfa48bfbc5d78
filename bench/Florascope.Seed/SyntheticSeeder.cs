using Florascope.Data;
using Florascope.Data.Privacy;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Florascope.Seed;

/// <summary>
/// Synthetic observations for benchmarks (the bench's `seed` tool and suites), never mixed with real
/// data: the seeder refuses a database holding observations of anyone but its synthetic users, so
/// a benchmark database holds synthetic rows only and needs no flag on them.
/// The model: 70% of observations fall around 30 cities of Western Europe and North America
/// (Gaussian, 0.3-1.5 degrees), 30% anywhere in those regions; taxa follow the region's flora with
/// a Zipf popularity (10% cultivated plants anywhere, 5% unidentified); authors are Zipf-distributed
/// (a few very active users, a long tail); dates span five years with a spring-summer peak.
/// Inserted in bulk (prepared statements in one transaction on SQLite, binary COPY on PostgreSQL).
/// </summary>
public static class SyntheticSeeder
{
    /// <summary>The user names of the synthetic authors start with this: the seeder's only mark on its rows.</summary>
    public const string UserPrefix = "seed-";

    private sealed record City(string Name, double Lat, double Lon, double Weight, bool Europe);

    private static readonly City[] Cities =
    [
        new("Paris", 48.86, 2.35, 5, true), new("London", 51.51, -0.13, 5, true), new("Berlin", 52.52, 13.40, 4, true),
        new("Madrid", 40.42, -3.70, 3, true), new("Rome", 41.90, 12.50, 3, true), new("Amsterdam", 52.37, 4.90, 2, true),
        new("Brussels", 50.85, 4.35, 2, true), new("Lyon", 45.76, 4.84, 2, true), new("Munich", 48.14, 11.58, 2, true),
        new("Barcelona", 41.39, 2.17, 2, true), new("Lisbon", 38.72, -9.14, 2, true), new("Dublin", 53.35, -6.26, 1, true),
        new("Zurich", 47.38, 8.54, 1, true), new("Vienna", 48.21, 16.37, 2, true), new("Prague", 50.08, 14.44, 1, true),
        new("Montpellier", 43.61, 3.88, 3, true), new("Copenhagen", 55.68, 12.57, 1, true),
        new("New York", 40.71, -74.01, 5, false), new("Boston", 42.36, -71.06, 2, false), new("Chicago", 41.88, -87.63, 3, false),
        new("Toronto", 43.65, -79.38, 3, false), new("Montreal", 45.50, -73.57, 2, false), new("Seattle", 47.61, -122.33, 2, false),
        new("San Francisco", 37.77, -122.42, 3, false), new("Los Angeles", 34.05, -118.24, 3, false), new("Denver", 39.74, -104.99, 1, false),
        new("Atlanta", 33.75, -84.39, 1, false), new("Austin", 30.27, -97.74, 1, false), new("Mexico City", 19.43, -99.13, 2, false),
        new("Vancouver", 49.28, -123.12, 2, false),
    ];

    public static async Task<int> SeedAsync(DatabaseSettings settings, Checklist checklist, int count, int seed = 1,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        settings.Migrate();
        await using var db = settings.CreateContext();
        if (await db.Observations.AnyAsync(o => !db.Users.Any(u => u.Id == o.AuthorId && u.UserName.StartsWith(UserPrefix)), ct))
            throw new InvalidOperationException("This database holds real observations: seed a separate benchmark database (synthetic data never mixes with real data).");

        var rng = new Random(seed);
        var users = Math.Clamp(count / 40, 10, 50_000);
        var userIds = await SeedUsersAsync(db, users, seed, ct);
        var europe = Zipf(checklist.Taxa.Select((t, i) => (t, i)).Where(x => x.t.InProject("weurope")).Select(x => x.i).ToArray(), rng);
        var america = Zipf(checklist.Taxa.Select((t, i) => (t, i)).Where(x => x.t.InProject("namerica")).Select(x => x.i).ToArray(), rng);
        var useful = Zipf(checklist.Taxa.Select((t, i) => (t, i)).Where(x => x.t.InProject("useful")).Select(x => x.i).ToArray(), rng);
        var authors = Zipf(userIds, rng);
        var cityPick = Cumulative(Cities.Select(c => c.Weight).ToArray());
        var end = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

        // Seeded rows follow the geoprivacy rule like real ones: open, obscured when the taxon is threatened.
        var threatened = (await ThreatStatusStore.ObscuringNamesAsync(db, ct)).ToHashSet();
        var key = GeoprivacyKey.FromEnvironment(db, settings.DataDirectory);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var city = Cities[Pick(cityPick, rng)];
            double lat, lon;
            if (rng.NextDouble() < 0.7)
            {
                var sigma = 0.3 + rng.NextDouble() * 1.2;
                lat = city.Lat + Gaussian(rng) * sigma * 0.7;
                lon = city.Lon + Gaussian(rng) * sigma;
            }
            else if (city.Europe) { lat = 36 + rng.NextDouble() * 22; lon = -10 + rng.NextDouble() * 30; }
            else { lat = 20 + rng.NextDouble() * 35; lon = -125 + rng.NextDouble() * 60; }
            lat = Math.Clamp(lat, -89.9, 89.9);
            lon = Math.Clamp(lon, -179.9, 179.9);
            var roll = rng.NextDouble();
            string? taxon = roll < 0.05 ? null
                : roll < 0.15 && useful.Length > 0 ? checklist.Taxa[useful[rng.Next(useful.Length)]].ScientificNameWithoutAuthor
                : checklist.Taxa[(city.Europe ? europe : america) is { Length: > 0 } pool ? pool[rng.Next(pool.Length)] : 0].ScientificNameWithoutAuthor;
            // Five years back, more in spring and summer, in daylight.
            var day = end.AddDays(-rng.Next(5 * 365));
            var month = SeasonalMonth(rng);
            var observed = new DateTime(day.Year, month, Math.Min(day.Day, 28), 8 + rng.Next(11), rng.Next(60), rng.Next(60), DateTimeKind.Utc);
            if (observed > end) observed = observed.AddYears(-1);
            double uncertainty = 5 + rng.Next(200);
            var shown = PublicPosition.Of(new GeoPosition(lat, lon, uncertainty),
                taxon is not null && threatened.Contains(taxon) ? Geoprivacy.Obscured : Geoprivacy.Open, key.CellOffset)!.Value;
            rows.Add(new Row(authors[rng.Next(authors.Length)], observed, lat, lon, uncertainty, taxon,
                city.Europe ? "weurope" : "namerica", observed.AddMinutes(rng.Next(60 * 24 * 3)), shown));
        }
        // Insert in creation order, as a live database would have grown.
        rows.Sort((a, b) => a.Created.CompareTo(b.Created));
        if (settings.Provider == DatabaseProvider.Postgres) await CopyPostgresAsync(db, rows, progress, ct);
        else await InsertSqliteAsync(db, rows, progress, ct);
        // On PostgreSQL a VACUUM too, as autovacuum would do on a live database: index-only scans need the visibility map.
        await db.Database.ExecuteSqlRawAsync(settings.Provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE" : "ANALYZE", ct);
        return rows.Count;
    }

    private sealed record Row(int Author, DateTime Observed, double Lat, double Lon, double Uncertainty, string? Taxon, string Project, DateTime Created,
        GeoPosition Public);

    private static async Task<int[]> SeedUsersAsync(FlorascopeDb db, int users, int seed, CancellationToken ct)
    {
        var now = new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var existing = await db.Users.Where(u => u.UserName.StartsWith(UserPrefix)).Select(u => u.Id).ToListAsync(ct);
        if (existing.Count >= users) return [.. existing];
        for (var start = existing.Count; start < users; start += 1000)
        {
            for (var i = start; i < Math.Min(users, start + 1000); i++)
                db.Users.Add(new Florascope.Data.Accounts.User
                {
                    UserName = $"{UserPrefix}{seed}-{i:D6}",
                    Email = $"seed-{seed}-{i:D6}@example.invalid",
                    // Not a hash any password matches: synthetic users cannot sign in.
                    PasswordHash = "!",
                    DisplayName = $"Synthetic user {i}",
                    CreatedUtc = now,
                });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return [.. await db.Users.Where(u => u.UserName.StartsWith(UserPrefix)).Select(u => u.Id).ToListAsync(ct)];
    }

    private static async Task InsertSqliteAsync(FlorascopeDb db, List<Row> rows, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        const int batch = 50_000;
        for (var start = 0; start < rows.Count; start += batch)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO observations (AuthorId, ObservedUtc, Latitude, Longitude, UncertaintyMeters, Notes, License, Project, TaxonName, CreatedUtc, UpdatedUtc,
                    PublicLatitude, PublicLongitude, PublicUncertaintyMeters, Geoprivacy, Status, Confidence, Accuracy, IsValid)
                VALUES ($a, $o, $lat, $lon, $u, NULL, 'cc-by', $p, $t, $c, $c, $plat, $plon, $pu, 'open', 'needs-votes', 0, 0, 0)
                """;
            var p = new[] { "$a", "$o", "$lat", "$lon", "$u", "$p", "$t", "$c", "$plat", "$plon", "$pu" }.Select(n => { var x = cmd.CreateParameter(); x.ParameterName = n; cmd.Parameters.Add(x); return x; }).ToArray();
            await cmd.PrepareAsync(ct);
            foreach (var r in rows.Skip(start).Take(batch))
            {
                p[0].Value = r.Author; p[1].Value = SqliteDate(r.Observed); p[2].Value = r.Lat; p[3].Value = r.Lon; p[4].Value = r.Uncertainty;
                p[5].Value = r.Project; p[6].Value = (object?)r.Taxon ?? DBNull.Value; p[7].Value = SqliteDate(r.Created);
                p[8].Value = r.Public.Latitude; p[9].Value = r.Public.Longitude; p[10].Value = r.Public.UncertaintyMeters!.Value;
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            progress?.Report((Math.Min(rows.Count, start + batch), rows.Count));
        }
    }

    /// <summary>The text form EF Core's SQLite provider writes for DateTime, so seeded rows compare and sort like real ones.</summary>
    private static string SqliteDate(DateTime d) => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task CopyPostgresAsync(FlorascopeDb db, List<Row> rows, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        // A bulk load builds its indexes once at the end (GiST included), instead of one entry per row.
        var indexes = new List<(string Name, string Definition)>();
        await using (var read = new NpgsqlCommand(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'observations' AND indexname <> 'PK_observations'", connection))
        await using (var reader = await read.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) indexes.Add((reader.GetString(0), reader.GetString(1)));
        foreach (var (name, _) in indexes) await Execute(connection, $"DROP INDEX \"{name}\"", ct);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY observations (\"AuthorId\", \"ObservedUtc\", \"Latitude\", \"Longitude\", \"UncertaintyMeters\", \"License\", \"Project\", \"TaxonName\", \"CreatedUtc\", \"UpdatedUtc\", \"PublicLatitude\", \"PublicLongitude\", \"PublicUncertaintyMeters\") FROM STDIN (FORMAT BINARY)", ct))
        {
            var done = 0;
            foreach (var r in rows)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(r.Author, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(r.Observed, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(r.Lat, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(r.Lon, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(r.Uncertainty, NpgsqlDbType.Double, ct);
                await writer.WriteAsync("cc-by", NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(r.Project, NpgsqlDbType.Varchar, ct);
                if (r.Taxon is null) await writer.WriteNullAsync(ct); else await writer.WriteAsync(r.Taxon, NpgsqlDbType.Varchar, ct);
                await writer.WriteAsync(r.Created, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(r.Created, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(r.Public.Latitude, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(r.Public.Longitude, NpgsqlDbType.Double, ct);
                await writer.WriteAsync(r.Public.UncertaintyMeters!.Value, NpgsqlDbType.Double, ct);
                if (++done % 50_000 == 0) progress?.Report((done, rows.Count));
            }
            await writer.CompleteAsync(ct);
        }
        // This session only: the sorts of a 10M-row index build fit in memory instead of spilling.
        await Execute(connection, "SET maintenance_work_mem = '512MB'", ct);
        foreach (var (_, definition) in indexes) await Execute(connection, definition, ct);
        progress?.Report((rows.Count, rows.Count));
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A pool in which item k appears about 1/(k+1) as often as the first: a Zipf law, shuffled.</summary>
    private static int[] Zipf(int[] items, Random rng)
    {
        if (items.Length == 0) return [];
        var shuffled = items.ToArray();
        rng.Shuffle(shuffled);
        var pool = new List<int>();
        for (var k = 0; k < shuffled.Length; k++)
            for (var n = 0; n < Math.Max(1, (int)(200.0 / (k + 1))); n++) pool.Add(shuffled[k]);
        return [.. pool];
    }

    private static double[] Cumulative(double[] weights)
    {
        var c = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++) c[i] = sum += weights[i];
        return c;
    }

    private static int Pick(double[] cumulative, Random rng)
    {
        var x = rng.NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, x);
        return i >= 0 ? i : ~i;
    }

    private static int SeasonalMonth(Random rng)
    {
        double[] weights = [1, 1, 3, 6, 9, 9, 7, 5, 4, 3, 1, 1];
        return Pick(Cumulative(weights), rng) + 1;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
