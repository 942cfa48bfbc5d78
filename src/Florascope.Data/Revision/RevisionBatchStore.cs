using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Florascope.Data.Revision;

/// <summary>
/// The rows <see cref="CommunityRevision.RunBatchAsync"/> reads and writes, on the context's own
/// connection, without EF Core: at Pl@ntNet's scale (millions of observations and identifications)
/// its materialisation, change tracking and one statement per row cost minutes. Rows are read into
/// flat lists, taxon names interned to ints as they are read; changes are written in bulk. On
/// PostgreSQL: ADO.NET readers, then COPY into a temporary table and one UPDATE ... FROM. On SQLite:
/// SQLite's own statement API (<see cref="SqliteStatement"/>), whose per-column cost is a fraction of
/// Microsoft.Data.Sqlite's, and one prepared UPDATE rebound per row in large transactions.
/// </summary>
internal static class RevisionBatchStore
{
    /// <summary>
    /// Rows per SQLite write transaction: large enough that committing costs nothing next to the
    /// updates, small enough that the write lock is never held for more than a second or so, so that
    /// a server's own writes (waiting at most the busy timeout) go on while a big batch is written.
    /// </summary>
    private const int SqliteRowsPerTransaction = 100_000;

    /// <summary>
    /// SQLite page cache while writing, in KiB (see <see cref="LargePageCache"/>). Measured on the
    /// full-scale benchmark database (6.7 M observations rewritten): 2 MB 81 s, 256 MB 64 s, 1 GB 65 s.
    /// </summary>
    private const int SqliteWriteCacheKib = 262_144;

    /// <summary>PostgreSQL memory for the join of a bulk update (per operation, for the transaction only).</summary>
    private const string BulkWorkMem = "256MB";

    /// <summary>PostgreSQL memory to sort each index rebuilt after a rewrite (see <see cref="Rewrite"/>).</summary>
    private const string RebuildMaintenanceWorkMem = "512MB";

    /// <summary>How long a rewrite waits for its table lock before it updates the indexes row by row instead.</summary>
    private const string RewriteLockTimeout = "2s";

    /// <summary>Reads users, real observations and their current identifications from one consistent snapshot.</summary>
    public static async Task<BatchRows> ReadAsync(FlorascopeDb db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        // One snapshot for the three reads: an identification added between two of them could name
        // an observation or a user that was not read.
        await using var tx = await BeginSnapshotAsync(connection, ct);
        var users = await ReadUsersAsync(connection, tx, ct);
        var voteNames = new Interner();
        var observations = await ReadObservationsAsync(connection, tx, users.Index, voteNames, ct);
        var votes = await ReadIdentificationsAsync(connection, tx, observations.Index, users.Index, voteNames, ct);
        await tx.CommitAsync(ct);
        return new BatchRows(users, observations, votes, voteNames);
    }

    private static async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct) => connection switch
    {
        // Deferred: a read transaction that does not take SQLite's write lock (in WAL mode writers go on).
        SqliteConnection sqlite => sqlite.BeginTransaction(deferred: true),
        _ => await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct),
    };

    /// <summary>
    /// Users through ADO.NET on every provider: on SQLite this first read also takes the snapshot
    /// with Microsoft.Data.Sqlite's handling of a busy database, so the raw statements that follow
    /// (<see cref="Rows"/>) read inside it.
    /// </summary>
    private static async Task<UserRows> ReadUsersAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        var users = new UserRows();
        await using var command = Command(connection, tx, """SELECT "Id", "Expertise", "Score" FROM users""");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            users.Ids.Add(reader.GetInt32(0));
            users.Expertise.Add(reader.GetInt32(1));
            users.Score.Add(reader.GetInt32(2));
        }
        users.Index = new IdIndex(users.Ids);
        return users;
    }

    // The status comes as its position in ObservationStatus.All (-1: another value), not as text.
    // The values are constants: written into the query, so that both readers run it as it is.
    private static readonly string ObservationsQuery = $"""
        SELECT "Id", "AuthorId", "ModelTaxonName", "ModelScore", "TaxonName", "Confidence", "Accuracy", "IsValid",
            CASE "Status" {string.Concat(ObservationStatus.All.Select((status, i) => $"WHEN '{status}' THEN {i} "))}ELSE -1 END
        FROM observations
        """;

    private static async Task<ObservationRows> ReadObservationsAsync(DbConnection connection, DbTransaction tx, IdIndex users, Interner voteNames, CancellationToken ct)
    {
        var observations = new ObservationRows();
        await using var rows = await Rows.OpenAsync(connection, tx, ObservationsQuery, ct);
        while (await rows.ReadAsync(ct))
        {
            observations.Ids.Add(rows.Int32(0));
            observations.Author.Add(users.Of(rows.Int32(1)));
            var model = rows.IsNull(2) ? -1 : rows.Name(2, voteNames);
            observations.ModelTaxon.Add(model);
            // A float, as CrowdVotes keeps it (LabelAggregation.AiVotes compares it in float).
            observations.ModelScore.Add(model < 0 || rows.IsNull(3) ? 0 : (float)rows.Double(3));
            var taxon = rows.IsNull(4) ? -1 : rows.Name(4, observations.StoredTaxa);
            observations.Stored.Add(new StoredOutcome(rows.Double(5), rows.Double(6), taxon, rows.Int32(8), rows.Boolean(7)));
        }
        observations.Index = new IdIndex(observations.Ids);
        return observations;
    }

    private static async Task<VoteRows> ReadIdentificationsAsync(DbConnection connection, DbTransaction tx, IdIndex observations, IdIndex users,
        Interner voteNames, CancellationToken ct)
    {
        var votes = new VoteRows();
        // No join with observations: the identifications of synthetic observations are skipped
        // below (their observation was not read), which costs less than a join on every row.
        await using var rows = await Rows.OpenAsync(connection, tx,
            """SELECT "ObservationId", "UserId", "TaxonName" FROM identifications WHERE "IsCurrent" AND "TaxonName" IS NOT NULL""", ct);
        while (await rows.ReadAsync(ct))
        {
            var task = observations.Of(rows.Int32(0));
            if (task < 0) continue;
            var userId = rows.Int32(1);
            var worker = users.Of(userId);
            if (worker < 0) throw new InvalidOperationException($"Identification by user {userId}, who is not in the users table.");
            votes.Task.Add(task);
            votes.Worker.Add(worker);
            votes.Name.Add(rows.Name(2, voteNames));
        }
        return votes;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction tx, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        NoTimeout(command);
        return command;
    }

    /// <summary>
    /// A bulk statement takes as long as it takes; cancellation is the caller's token. On SQLite the
    /// timeout is how long to wait for the write lock: the connection's busy timeout stays.
    /// </summary>
    private static void NoTimeout(DbCommand command)
    {
        if (command is not SqliteCommand) command.CommandTimeout = 0;
    }

    /// <summary>
    /// The rows of one query, column by column: ADO.NET's reader on PostgreSQL, a <see cref="SqliteStatement"/>
    /// on SQLite. Microsoft.Data.Sqlite's checks and conversions cost about as much as SQLite's own
    /// work per column, and the statement API hands text over as UTF-8 bytes, so that a taxon name is
    /// interned without making a string per row: on the full-scale benchmark database the
    /// observations and identifications are read in 11 s this way, in 16 s through SqliteDataReader.
    /// </summary>
    private abstract class Rows : IAsyncDisposable
    {
        public static async Task<Rows> OpenAsync(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct)
        {
            if (connection is SqliteConnection sqlite) return new SqliteRows(sqlite, sql);
            var command = Command(connection, tx, sql);
            return new DataReaderRows(command, await command.ExecuteReaderAsync(ct));
        }

        public abstract ValueTask<bool> ReadAsync(CancellationToken ct);
        public abstract bool IsNull(int column);
        public abstract int Int32(int column);
        public abstract double Double(int column);
        public abstract bool Boolean(int column);
        /// <summary>The id of the column's text in <paramref name="names"/>.</summary>
        public abstract int Name(int column, Interner names);
        public abstract ValueTask DisposeAsync();
    }

    private sealed class DataReaderRows(DbCommand command, DbDataReader reader) : Rows
    {
        public override ValueTask<bool> ReadAsync(CancellationToken ct) => new(reader.ReadAsync(ct));
        public override bool IsNull(int column) => reader.IsDBNull(column);
        public override int Int32(int column) => reader.GetInt32(column);
        public override double Double(int column) => reader.GetDouble(column);
        public override bool Boolean(int column) => reader.GetBoolean(column);
        public override int Name(int column, Interner names) => names.Id(reader.GetString(column));

        public override async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync();
            await command.DisposeAsync();
        }
    }

    private sealed class SqliteRows(SqliteConnection connection, string sql) : Rows
    {
        private readonly SqliteStatement _statement = new(connection, sql);

        public override ValueTask<bool> ReadAsync(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            return new(_statement.Step());
        }

        public override bool IsNull(int column) => _statement.IsNull(column);
        public override int Int32(int column) => _statement.Int32(column);
        public override double Double(int column) => _statement.Double(column);
        public override bool Boolean(int column) => _statement.Int32(column) != 0;
        public override int Name(int column, Interner names) => names.Id(_statement.Utf8(column));

        public override ValueTask DisposeAsync()
        {
            _statement.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// A statement prepared with SQLite's own API on the connection's handle (SQLitePCL, which
    /// Microsoft.Data.Sqlite is built on); it runs inside whatever transaction is open on that
    /// connection. Parameters are numbered (?1, ?2...).
    /// </summary>
    private sealed class SqliteStatement : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;

        public SqliteStatement(SqliteConnection connection, string sql)
        {
            _connection = connection;
            Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
        }

        /// <summary>The next row: true while there is one.</summary>
        public bool Step()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE)) Check(rc);
            return rc == raw.SQLITE_ROW;
        }

        /// <summary>Runs a statement that returns no row, and makes it ready to be bound again.</summary>
        public void Execute()
        {
            var rc = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (rc != raw.SQLITE_DONE) Check(rc);
        }

        public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;
        public int Int32(int column) => raw.sqlite3_column_int(_statement, column);
        public double Double(int column) => raw.sqlite3_column_double(_statement, column);

        /// <summary>A text column's UTF-8 bytes, valid until the next step.</summary>
        public ReadOnlySpan<byte> Utf8(int column)
        {
            // sqlite3_column_text first, then sqlite3_column_bytes: the length of that UTF-8 text (SQLite's documented order).
            var text = raw.sqlite3_column_text(_statement, column);
            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in text.GetPinnableReference()), raw.sqlite3_column_bytes(_statement, column));
        }

        public void Bind(int index, int value) => Check(raw.sqlite3_bind_int(_statement, index, value));
        public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));
        public void Bind(int index, string? value) => Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

        private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);

        public void Dispose() => _statement.Dispose();
    }

    /// <summary>
    /// Writes the revised outcome of the observations given, out of <paramref name="tableRows"/> read;
    /// returns how many, and how many indexes were rebuilt rather than updated row by row (PostgreSQL).
    /// </summary>
    public static async Task<WrittenRows> WriteObservationsAsync(FlorascopeDb db, IEnumerable<ObservationRevision> rows, int tableRows, DateTime revisedUtc,
        BatchWrite write, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql)
        {
            return await UpdateFromCopyAsync(npgsql, rows, "revised_observations",
                "id integer NOT NULL, taxon varchar(200), confidence double precision NOT NULL, accuracy double precision NOT NULL, valid boolean NOT NULL, status varchar(16) NOT NULL",
                (w, r) =>
                {
                    w.Write(r.Id, NpgsqlDbType.Integer);
                    if (r.TaxonName is null) w.WriteNull(); else w.Write(r.TaxonName, NpgsqlDbType.Varchar);
                    w.Write(r.Confidence, NpgsqlDbType.Double);
                    w.Write(r.Accuracy, NpgsqlDbType.Double);
                    w.Write(r.IsValid, NpgsqlDbType.Boolean);
                    w.Write(r.Status, NpgsqlDbType.Varchar);
                },
                """
                UPDATE observations AS o SET "TaxonName" = r.taxon, "Confidence" = r.confidence, "Accuracy" = r.accuracy, "IsValid" = r.valid,
                    "Status" = r.status, "RevisedUtc" = @revised
                FROM revised_observations AS r WHERE o."Id" = r.id
                """,
                [new NpgsqlParameter("revised", NpgsqlDbType.TimestampTz) { Value = revisedUtc }],
                write == BatchWrite.Rebuild ? new Rewrite("observations", tableRows, ["TaxonName", "Confidence", "Accuracy", "IsValid", "Status", "RevisedUtc"]) : null, ct);
        }
        var sqlite = (SqliteConnection)connection;
        using var cache = LargePageCache(sqlite);
        using var statement = new SqliteStatement(sqlite, """
            UPDATE observations SET "TaxonName" = ?2, "Confidence" = ?3, "Accuracy" = ?4, "IsValid" = ?5, "Status" = ?6, "RevisedUtc" = ?7
            WHERE "Id" = ?1
            """);
        var revised = SqliteDate(revisedUtc);
        return new WrittenRows(ExecuteForEach(sqlite, statement, rows, r =>
        {
            statement.Bind(1, r.Id);
            statement.Bind(2, r.TaxonName);
            statement.Bind(3, r.Confidence);
            statement.Bind(4, r.Accuracy);
            statement.Bind(5, r.IsValid ? 1 : 0);
            statement.Bind(6, r.Status);
            statement.Bind(7, revised);
        }, ct), 0);
    }

    /// <summary>Writes the users' new expertise and score; returns how many.</summary>
    public static async Task<int> WriteUsersAsync(FlorascopeDb db, IEnumerable<UserRevision> rows, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql)
        {
            return (await UpdateFromCopyAsync(npgsql, rows, "revised_users", "id integer NOT NULL, expertise integer NOT NULL, score integer NOT NULL",
                (w, r) =>
                {
                    w.Write(r.Id, NpgsqlDbType.Integer);
                    w.Write(r.Expertise, NpgsqlDbType.Integer);
                    w.Write(r.Score, NpgsqlDbType.Integer);
                },
                """UPDATE users AS u SET "Expertise" = r.expertise, "Score" = r.score FROM revised_users AS r WHERE u."Id" = r.id""", [], null, ct)).Rows;
        }
        var sqlite = (SqliteConnection)connection;
        using var cache = LargePageCache(sqlite);
        using var statement = new SqliteStatement(sqlite, """UPDATE users SET "Expertise" = ?2, "Score" = ?3 WHERE "Id" = ?1""");
        return ExecuteForEach(sqlite, statement, rows, r =>
        {
            statement.Bind(1, r.Id);
            statement.Bind(2, r.Expertise);
            statement.Bind(3, r.Score);
        }, ct);
    }

    /// <summary>
    /// PostgreSQL: the rows go into a temporary table by binary COPY, then one UPDATE ... FROM joins
    /// it with the target, all in one transaction: millions of rows in a few statements instead of
    /// one round trip each. Nothing is done (no transaction) when there is no row. When most of the
    /// table changes, see <see cref="Rewrite"/>.
    /// </summary>
    private static async Task<WrittenRows> UpdateFromCopyAsync<T>(NpgsqlConnection connection, IEnumerable<T> rows, string table, string columns,
        Action<NpgsqlBinaryImporter, T> write, string update, NpgsqlParameter[] parameters, Rewrite? rewrite, CancellationToken ct)
    {
        using var row = rows.GetEnumerator();
        if (!row.MoveNext()) return new WrittenRows(0, 0);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Enough memory for the join to hash in one pass (at the default 4 MB a million rows spill to disk in batches).
        await ExecuteAsync(connection, $"SET LOCAL work_mem = '{BulkWorkMem}'", [], ct);
        await ExecuteAsync(connection, $"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP", [], ct);
        var count = 0;
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", ct))
        {
            // Synchronous writes: the importer buffers, and an await per value would cost more than the value.
            do
            {
                importer.StartRow();
                write(importer, row.Current);
                count++;
            }
            while (row.MoveNext());
            await importer.CompleteAsync(ct);
        }
        // A temporary table has no statistics until analysed: without them the planner may join row by row.
        await ExecuteAsync(connection, $"ANALYZE {table}", [], ct);
        var rebuilt = rewrite is not null && (long)count * 2 >= rewrite.TableRows ? await DropIndexesAsync(connection, tx, rewrite, ct) : [];
        await ExecuteAsync(connection, update, parameters, ct);
        if (rebuilt.Count > 0)
        {
            await ExecuteAsync(connection, $"SET LOCAL maintenance_work_mem = '{RebuildMaintenanceWorkMem}'", [], ct);
            foreach (var create in rebuilt) await ExecuteAsync(connection, create, [], ct);
        }
        await tx.CommitAsync(ct);
        return new WrittenRows(count, rebuilt.Count);
    }

    /// <summary>
    /// Drops the plain indexes of the table that name a changed column (in their keys, expressions or
    /// predicates), having locked the table; returns the statements that create them again, or none
    /// (nothing dropped) when the lock is not granted within <see cref="RewriteLockTimeout"/> or not
    /// allowed: the update then maintains them row by row, as usual.
    /// </summary>
    private static async Task<List<string>> DropIndexesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Rewrite rewrite, CancellationToken ct)
    {
        await tx.SaveAsync("rewrite", ct);
        try
        {
            // Waiting long would also hold up every reader queued behind this request.
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = '{RewriteLockTimeout}'", [], ct);
            await ExecuteAsync(connection, $"LOCK TABLE {rewrite.Table} IN ACCESS EXCLUSIVE MODE", [], ct);
            await ExecuteAsync(connection, "SET LOCAL lock_timeout TO DEFAULT", [], ct);
            var indexes = new List<(string Drop, string Create)>();
            // pg_depend names every column an index uses; constraints' indexes (primary key, unique) are left alone.
            await using (var command = new NpgsqlCommand("""
                SELECT DISTINCT format('DROP INDEX %I.%I', n.nspname, c.relname), pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = d.refobjsubid
                WHERE i.indrelid = @table::regclass AND a.attname = ANY(@columns)
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                """, connection))
            {
                command.Parameters.AddWithValue("table", rewrite.Table);
                command.Parameters.AddWithValue("columns", rewrite.Columns);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (drop, _) in indexes) await ExecuteAsync(connection, drop, [], ct);
            await tx.ReleaseAsync("rewrite", ct);
            return [.. indexes.Select(i => i.Create)];
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.InsufficientPrivilege)
        {
            await tx.RollbackAsync("rewrite", ct);
            return [];
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SQLite: one prepared statement, rebound and run for each row, <see cref="SqliteRowsPerTransaction"/>
    /// rows per transaction (SQLite's cost is per transaction, not per statement). The transactions
    /// are Microsoft.Data.Sqlite's (BEGIN IMMEDIATE, which waits out a busy database); the statement
    /// runs inside them on the same handle. Binding through the statement API rather than a
    /// SqliteCommand saved 6 s of 65 s when all 6.7 M observations of the benchmark change.
    /// </summary>
    private static int ExecuteForEach<T>(SqliteConnection connection, SqliteStatement statement, IEnumerable<T> rows, Action<T> bind, CancellationToken ct)
    {
        var count = 0;
        SqliteTransaction? tx = null;
        try
        {
            foreach (var row in rows)
            {
                if (tx is null)
                {
                    ct.ThrowIfCancellationRequested();
                    tx = connection.BeginTransaction();
                }
                bind(row);
                statement.Execute();
                if (++count % SqliteRowsPerTransaction != 0) continue;
                tx.Commit();
                tx.Dispose();
                tx = null;
            }
            tx?.Commit();
        }
        finally
        {
            tx?.Dispose();
        }
        return count;
    }

    /// <summary>
    /// SQLite's page cache is 2 MB per connection by default: updates that touch index pages all over
    /// a multi-gigabyte file would evict, re-read and spill pages all the time. The cache is enlarged
    /// for the write (SQLite allocates it only as pages are used) and set back afterwards, since
    /// pooled connections keep their settings.
    /// </summary>
    private static PageCache LargePageCache(SqliteConnection connection)
    {
        var previous = Convert.ToInt64(Pragma(connection, "PRAGMA cache_size"), CultureInfo.InvariantCulture);
        Pragma(connection, $"PRAGMA cache_size = {-SqliteWriteCacheKib}");
        return new PageCache(connection, previous);
    }

    private static object? Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private sealed class PageCache(SqliteConnection connection, long previous) : IDisposable
    {
        public void Dispose() => Pragma(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {previous}"));
    }

    /// <summary>The text form EF Core's SQLite provider writes for DateTime, so that revised rows read back like the others.</summary>
    private static string SqliteDate(DateTime d) => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}

/// <summary>What the batch read: users, real observations, current identifications, and the taxon names they use.</summary>
internal sealed record BatchRows(UserRows Users, ObservationRows Observations, VoteRows Votes, Interner VoteNames);

/// <summary>Users as read: position j is worker j of the crowd.</summary>
internal sealed class UserRows
{
    public List<int> Ids { get; } = [];
    public List<int> Expertise { get; } = [];
    public List<int> Score { get; } = [];
    public IdIndex Index { get; set; } = null!;
    public int Count => Ids.Count;
}

/// <summary>Real (not synthetic) observations as read: position t is task t of the crowd.</summary>
internal sealed class ObservationRows
{
    public List<int> Ids { get; } = [];
    /// <summary>The author's position in <see cref="UserRows"/>, -1 if unknown.</summary>
    public List<int> Author { get; } = [];
    /// <summary>The model's suggested taxon (an id in <see cref="BatchRows.VoteNames"/>), -1 for none, and its score.</summary>
    public List<int> ModelTaxon { get; } = [];
    public List<float> ModelScore { get; } = [];
    /// <summary>What is stored now, to write only what changes.</summary>
    public List<StoredOutcome> Stored { get; } = [];
    public Interner StoredTaxa { get; } = new();
    public IdIndex Index { get; set; } = null!;
    public int Count => Ids.Count;

    public string? StoredTaxon(int t) => Stored[t].Taxon < 0 ? null : StoredTaxa[Stored[t].Taxon];
    public string? StoredStatus(int t) => Stored[t].Status < 0 ? null : ObservationStatus.All[Stored[t].Status];
}

/// <summary>
/// An observation's stored outcome. The taxon is an id in <see cref="ObservationRows.StoredTaxa"/>
/// (-1: none); the status a position in <see cref="ObservationStatus.All"/>, -1 for any other value
/// (which the batch never writes, so such a row is always rewritten).
/// </summary>
internal readonly record struct StoredOutcome(double Confidence, double Accuracy, int Taxon, int Status, bool IsValid);

/// <summary>Current identifications with a taxon: the observation's and the user's positions, the name's id.</summary>
internal sealed class VoteRows
{
    public List<int> Task { get; } = [];
    public List<int> Worker { get; } = [];
    public List<int> Name { get; } = [];
    public int Count => Task.Count;
}

/// <summary>A changed observation to write.</summary>
internal readonly record struct ObservationRevision(int Id, string? TaxonName, double Confidence, double Accuracy, bool IsValid, string Status);

/// <summary>A changed user to write.</summary>
internal readonly record struct UserRevision(int Id, int Expertise, int Score);

/// <summary>Rows written, and indexes rebuilt rather than updated row by row (see <see cref="Rewrite"/>).</summary>
internal readonly record struct WrittenRows(int Rows, int IndexesRebuilt);

/// <summary>
/// A bulk update that may rewrite most of <see cref="Table"/> (<see cref="TableRows"/> rows), setting
/// <see cref="Columns"/>. On PostgreSQL an updated row is a new row version: unless no indexed column
/// changes and its page has room for it (a HOT update), every index of the table gets an entry
/// for it, and entries inserted one at a time cost most of the update. The first batch of a
/// never-revised database changes the taxon and status of every observation: when at least half
/// the rows change, the indexes on the changed columns are dropped, the update runs (HOT where the
/// pages have room: the observations' fill factor leaves it) and they are built again by one sort
/// each, in the same transaction. The table is locked meanwhile, readers included (a batch that
/// changes that much is a one-off after an import); routine batches change few rows and take the
/// usual path, which blocks no reader.
/// </summary>
internal sealed record Rewrite(string Table, int TableRows, string[] Columns);

/// <summary>
/// Distinct strings numbered in order of first appearance: millions of rows naming a few thousand
/// taxa keep one string per taxon and an int per row.
/// </summary>
internal sealed class Interner
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public List<string> Names { get; } = [];

    public string this[int id] => Names[id];

    public int Id(string name)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, name, out var exists);
        if (!exists)
        {
            id = Names.Count;
            Names.Add(name);
        }
        return id;
    }

    /// <summary>The id of UTF-8 text: decoded on the stack and looked up without making a string, unless it is new (or long).</summary>
    public int Id(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxStackChars) return Id(Encoding.UTF8.GetString(utf8));
        Span<char> chars = stackalloc char[MaxStackChars];
        var name = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        return _ids.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var id) ? id : Id(name.ToString());
    }

    // UTF-8 never takes fewer bytes than UTF-16 chars, so this many bytes always fit.
    private const int MaxStackChars = 256;
}

/// <summary>
/// The position of an id among the ids read, -1 if absent. Ids from an identity column are nearly
/// contiguous, so a table indexed by id (4 bytes per id in the range) answers at once; a sparse
/// range falls back to a dictionary.
/// </summary>
internal sealed class IdIndex
{
    private readonly int _min;
    private readonly int[]? _dense;
    private readonly Dictionary<int, int>? _sparse;

    public IdIndex(List<int> ids)
    {
        if (ids.Count == 0) return;
        var (min, max) = (ids.Min(), ids.Max());
        if ((long)max - min + 1 > 4L * ids.Count + 1024)
        {
            _sparse = new Dictionary<int, int>(ids.Count);
            for (var i = 0; i < ids.Count; i++) _sparse[ids[i]] = i;
            return;
        }
        _min = min;
        _dense = new int[max - min + 1];
        Array.Fill(_dense, -1);
        for (var i = 0; i < ids.Count; i++) _dense[ids[i] - min] = i;
    }

    public int Of(int id)
    {
        if (_sparse is not null) return _sparse.GetValueOrDefault(id, -1);
        var offset = (long)id - _min;
        return _dense is not null && offset >= 0 && offset < _dense.Length ? _dense[offset] : -1;
    }
}
