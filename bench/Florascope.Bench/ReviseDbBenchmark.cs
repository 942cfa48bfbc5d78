using System.Diagnostics;
using System.Globalization;
using Florascope.Data;
using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Seed;
using Florascope.Taxonomy;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Florascope.Bench;

/// <summary>
/// The database batch (CommunityRevision.RunBatchAsync, what `florascope revise` and the server's
/// RevisionScheduler run) on a dedicated database holding a synthetic crowd at Pl@ntNet's scale
/// (SyntheticCrowd): users, observations with the model's suggestion, current identifications.
/// The database is built with bulk inserts (prepared statements on SQLite, binary COPY on
/// PostgreSQL, secondary indexes dropped while loading and rebuilt after), then the batch runs
/// twice, each time in a fresh child process so that its peak memory is the job's own: the first
/// run finds nothing revised yet (every observation changes), the second finds nothing to change.
/// Usage: revise-db [--scale F] [--sqlite DIR] [--postgres CONNECTION] [--keep]
/// </summary>
public static class ReviseDbBenchmark
{
    private const string Suite = "revise-db";
    private const string ChildArgument = "--child";
    private const string PostgresDatabase = "florascope_revise_bench";
    /// <summary>Issue 13's targets: the first batch of a never-revised database, and a batch with nothing to change.</summary>
    private const double FirstRunTargetSeconds = 120;
    private const double SteadyTargetSeconds = 15;
    private const double TargetGb = 4;

    public static int Run(string[] args)
    {
        if (args.Length > 1 && args[1] == ChildArgument) return RunChild(args);
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var scale = double.Parse(Arg("--scale") ?? "1", CultureInfo.InvariantCulture);
        var sqliteDir = Arg("--sqlite") ?? Path.Combine(Path.GetTempPath(), "florascope-revise-db");
        var postgres = Arg("--postgres") ?? Environment.GetEnvironmentVariable("FLORASCOPE_TEST_POSTGRES");
        var keep = args.Contains("--keep");
        var report = new Report(Suite);
        Console.WriteLine($"Florascope revise-db benchmark on {Report.Machine()}: scale {scale}");

        var clock = Stopwatch.StartNew();
        var sim = SyntheticCrowd.Generate(scale == 1 ? SyntheticCrowdParameters.Default : SyntheticCrowdParameters.Default.Scaled(scale));
        var crowd = sim.Votes;
        report.Add("Generate the synthetic crowd", $"{clock.Elapsed.TotalSeconds:F1} s",
            $"{crowd.TaskCount:N0} observations, {crowd.WorkerCount:N0} users, {crowd.VoteCount:N0} identifications, {crowd.LabelCount:N0} taxa, seed {sim.Parameters.Seed}");
        // The reference: the pure iteration on the same crowd. The taxa are unknown to the checklist,
        // so the batch labels them after it in ordinal order ("Taxon 00000" < "Taxon 00001"...): the
        // same order, hence the same ties and the same outcome.
        clock.Restart();
        var expectedValid = ExpectedValid(report, clock, crowd);

        var targets = new List<Target> { new("SQLite", DatabaseProvider.Sqlite, sqliteDir) };
        if (postgres is { Length: > 0 })
            targets.Add(new("PostgreSQL", DatabaseProvider.Postgres,
                new NpgsqlConnectionStringBuilder(postgres) { Database = PostgresDatabase }.ConnectionString, postgres));
        else
            report.Note("PostgreSQL skipped: give --postgres CONNECTION or set FLORASCOPE_TEST_POSTGRES.");

        foreach (var target in targets)
        {
            try
            {
                Measure(report, root, target, sim, expectedValid);
            }
            finally
            {
                if (!keep) Drop(target);
            }
        }

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            [$"Synthetic crowd from `SyntheticCrowd.Generate`, scale {scale.ToString(CultureInfo.InvariantCulture)} of Pl@ntNet-CrowdSWE, written to a dedicated database: users, observations (real rows, not flagged synthetic, with the model's suggestion and score), one current identification per vote named `Taxon 00042` (not in the checklist, so labelled after it); no photos. Never revised before the first run.",
             "Seed: migrations, secondary indexes dropped, bulk insert (prepared statements in 200k-row transactions on SQLite, binary COPY with triggers off on PostgreSQL), indexes rebuilt, ANALYZE (VACUUM ANALYZE on PostgreSQL).",
             "Batch: `CommunityRevision.RunBatchAsync` with the demo checklist and default settings, in a fresh child process per run (what `florascope revise` does); time = the call; peak RSS = VmHWM of that process (runtime, EF Core model and all). First run: every observation and most users change; second run: nothing changes (only the reading and the aggregation remain).",
             "PostgreSQL first run: observation pages are half full (fillfactor 50, migration ObservationsFillFactor); a batch that changes at least half the observations locks the table, drops the indexes on the columns it writes, updates the rows (HOT: no index entry) and builds those indexes again in its transaction (`RevisionBatchStore` `Rewrite`; the steps say how many).",
             $"PostgreSQL on 127.0.0.1, a throw-away test cluster (fsync off{(postgres is { Length: > 0 } ? ", " + PostgresSettings(postgres) : "")}); SQLite file under /tmp (WAL, synchronous NORMAL). The OS file cache is warm (the database was just written)."]));
        return 0;
    }

    private static int ExpectedValid(Report report, Stopwatch clock, CrowdVotes crowd)
    {
        var expected = LabelAggregation.Run(crowd, AggregationSettings.Default);
        var valid = expected.Valid.Count(v => v);
        report.Add("LabelAggregation.Run on the same crowd (in memory)", $"{clock.Elapsed.TotalSeconds:F1} s",
            $"{valid:N0} valid, {expected.Rounds} rounds: what the database batch must find");
        return valid;
    }

    /// <summary>The server settings that bound a bulk UPDATE: its buffer cache and how much WAL it writes between checkpoints.</summary>
    private static string PostgresSettings(string connection)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        string Show(string name)
        {
            using var show = new NpgsqlCommand($"SHOW {name}", c);
            return $"{name} {show.ExecuteScalar()}";
        }
        return $"PostgreSQL {c.PostgreSqlVersion}, {Show("shared_buffers")}, {Show("max_wal_size")}, {Show("work_mem")}";
    }

    private sealed record Target(string Name, DatabaseProvider Provider, string Location, string? AdminConnection = null)
    {
        public DatabaseSettings Settings => Provider == DatabaseProvider.Sqlite
            ? new DatabaseSettings { DataDirectory = Location, Provider = DatabaseProvider.Sqlite }
            : new DatabaseSettings { DataDirectory = Path.GetTempPath(), Provider = DatabaseProvider.Postgres, ConnectionString = Location };
    }

    private static void Measure(Report report, string root, Target target, SyntheticCrowd sim, int expectedValid)
    {
        Console.WriteLine($"{target.Name}: seeding...");
        var clock = Stopwatch.StartNew();
        Create(target);
        target.Settings.Migrate();
        if (target.Provider == DatabaseProvider.Sqlite) SqliteSeed.Run(target.Settings.EffectiveConnectionString, sim);
        else PostgresSeed.Run(target.Location, sim);
        report.Add($"{target.Name}: seed the database", $"{clock.Elapsed.TotalSeconds:F1} s", $"{Size(target) / 1e9:F1} GB on disk");

        for (var run = 1; run <= 2; run++)
        {
            var child = RunBatchChild(root, target);
            if (child.ExitCode != 0 || child.Value("seconds") is not { } seconds)
            {
                report.Note($"{target.Name}: batch run {run} failed: {child.Why()}");
                return;
            }
            var s = double.Parse(seconds, CultureInfo.InvariantCulture);
            var peak = double.Parse(child.Value("peak_mb")!, CultureInfo.InvariantCulture);
            var valid = int.Parse(child.Value("valid")!, CultureInfo.InvariantCulture);
            var what = run == 1 ? "first run (nothing revised yet)" : "second run (nothing to change)";
            var goal = run == 1 ? FirstRunTargetSeconds : SteadyTargetSeconds;
            int Count(string key) => int.Parse(child.Value(key)!, CultureInfo.InvariantCulture);
            report.Add($"{target.Name}: RunBatchAsync, {what}", $"{s:F1} s",
                $"{Count("observations_changed"):N0} observations and {Count("users_changed"):N0} users changed, {child.Value("rounds")} rounds; " +
                (s < goal ? $"target < {goal} s" : $"over the {goal} s target"));
            report.Add("  peak RSS of the process", $"{peak:F0} MB", peak < TargetGb * 1000 ? "VmHWM; target < 4 GB" : "VmHWM; over the 4 GB target");
            report.Add("  steps", child.Value("steps") ?? "", "seconds since the call, from its progress lines");
            if (valid != expectedValid) report.Note($"{target.Name}, run {run}: {valid} valid observations, the in-memory iteration finds {expectedValid}.");
            if (run == 2 && (child.Value("observations_changed") != "0" || child.Value("users_changed") != "0"))
                report.Note($"{target.Name}: the second run changed rows (it should find nothing to change).");
        }
    }

    private static ChildResult RunBatchChild(string root, Target target)
    {
        // The bench's own entry point in a fresh process: `dotnet Florascope.Bench.dll revise-db --child ...`.
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { typeof(ReviseDbBenchmark).Assembly.Location, Suite, ChildArgument, target.Provider.ToString(), target.Location })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start the child process.");
        var stdout = new System.Text.StringBuilder();
        // Echo the progress as it comes: a full-scale run takes a while.
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stdout) stdout.AppendLine(e.Data);
            Console.WriteLine($"    {e.Data}");
        };
        p.BeginOutputReadLine();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        lock (stdout) return new ChildResult(p.ExitCode, stdout.ToString(), stderr);
    }

    /// <summary>The child: one batch run, printed as key=value lines.</summary>
    private static int RunChild(string[] args)
    {
        var provider = Enum.Parse<DatabaseProvider>(args[2]);
        var settings = new Target("", provider, args[3]).Settings;
        var checklist = Checklist.Load(Path.Combine(EngineBenchmark.RepoRoot(), "models", "demo", "checklist.tsv"));
        using var db = settings.CreateContext();
        var steps = new Steps();
        var report = CommunityRevision.RunBatchAsync(db, checklist, AggregationSettings.Default, TimeProvider.System, steps, default, BatchWrite.Rebuild).GetAwaiter().GetResult();
        var seconds = steps.Elapsed;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"seconds={seconds:F2}"));
        Console.WriteLine(string.Create(inv, $"peak_mb={PeakRssMb():F0}"));
        Console.WriteLine(string.Create(inv, $"valid={report.Valid}"));
        Console.WriteLine(string.Create(inv, $"rounds={report.Rounds}"));
        Console.WriteLine(string.Create(inv, $"observations_changed={report.ObservationsChanged}"));
        Console.WriteLine(string.Create(inv, $"users_changed={report.UsersChanged}"));
        Console.WriteLine($"steps={steps.Summary()}");
        return 0;
    }

    /// <summary>Prints each progress line with the time since the start; keeps the main steps for the report.</summary>
    private sealed class Steps : IProgress<string>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _marks = [];

        public double Elapsed => _clock.Elapsed.TotalSeconds;

        public void Report(string value)
        {
            var t = _clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t,7:F2} s  {value}"));
            var word = value.Split(' ', 2)[0];
            if (word is "loaded" or "wrote" or "revised" || (word == "round" && value.Contains("n changed by 0 ", StringComparison.Ordinal)))
                _marks.Add(string.Create(CultureInfo.InvariantCulture, $"{(word == "round" ? "aggregated" : word == "wrote" ? "wrote " + value.Split(' ')[2].TrimEnd(',') : word)} {t:F1}"));
        }

        public string Summary() => string.Join(", ", _marks);
    }

    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static void Create(Target target)
    {
        Drop(target);
        if (target.Provider == DatabaseProvider.Sqlite) { Directory.CreateDirectory(target.Location); return; }
        using var admin = new NpgsqlConnection(target.AdminConnection);
        admin.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {PostgresDatabase}", admin);
        create.ExecuteNonQuery();
    }

    private static void Drop(Target target)
    {
        if (target.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(target.Location)) Directory.Delete(target.Location, recursive: true);
            return;
        }
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(target.AdminConnection);
        admin.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {PostgresDatabase} WITH (FORCE)", admin);
        drop.ExecuteNonQuery();
    }

    private static long Size(Target target)
    {
        if (target.Provider == DatabaseProvider.Sqlite)
            return Directory.EnumerateFiles(target.Location).Sum(f => new FileInfo(f).Length);
        using var c = new NpgsqlConnection(target.Location);
        c.Open();
        using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", c);
        return (long)size.ExecuteScalar()!;
    }

    /// <summary>The rows of the synthetic crowd, as both seeders write them.</summary>
    private static class Rows
    {
        public static readonly DateTime Start = new(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Checklist-free names, zero-padded so that their ordinal order is the taxon ids' order.</summary>
        public static string[] TaxonNames(int taxa) => [.. Enumerable.Range(0, taxa).Select(i => $"Taxon {i:D5}")];

        /// <summary>Observations are created one every 20 seconds or so, in id order, over about four years.</summary>
        public static DateTime Created(int task) => Start.AddSeconds(task * 19.0);

        /// <summary>A position that depends only on the task: rows as wide as real ones, no randomness needed.</summary>
        public static (double Lat, double Lon) Position(int task)
        {
            var h = (uint)task * 2654435761u;
            return (35 + h % 2000 / 100.0, -10 + h / 2000 % 4000 / 100.0);
        }

        /// <summary>The model's vote: a name and a score, or none (the synthetic model always suggests).</summary>
        public static (string? Taxon, double? Score) Model(CrowdVotes crowd, string[] names, int task) =>
            crowd.AiLabel[task] < 0 ? (null, null) : (names[crowd.AiLabel[task]], crowd.AiScore[task]);
    }

    /// <summary>
    /// SQLite: one prepared INSERT per table reused for every row, 200k rows per transaction,
    /// foreign keys and fsync off and the secondary indexes dropped while loading (this database is
    /// thrown away if the load fails).
    /// </summary>
    private static class SqliteSeed
    {
        private const int RowsPerTransaction = 200_000;

        public static void Run(string connectionString, SyntheticCrowd sim)
        {
            // Not pooled: the pragmas below must not outlive the load.
            using var c = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
            c.Open();
            Execute(c, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-524288;");
            var indexes = DropIndexes(c);
            var crowd = sim.Votes;
            var names = Rows.TaxonNames(crowd.LabelCount);
            var created = SqliteDate(Rows.Start);
            Insert(c, """
                INSERT INTO users ("Id", "UserName", "Email", "PasswordHash", "DisplayName", "IsAdmin", "Language", "CreatedUtc", "Expertise", "Score")
                VALUES ($id, $name, $email, '!', $display, 0, 'en', $created, 0, 0)
                """, ["$id", "$name", "$email", "$display", "$created"], crowd.WorkerCount, (j, p) =>
            {
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) =
                    (j + 1, $"crowd-{j:D7}", $"crowd-{j:D7}@example.invalid", $"Crowd user {j}", created);
            });
            Insert(c, """
                INSERT INTO observations ("Id", "AuthorId", "ObservedUtc", "Latitude", "Longitude", "UncertaintyMeters", "License", "Project",
                    "TaxonName", "Confidence", "Accuracy", "IsValid", "Status", "ModelTaxonName", "ModelScore", "ModelVersion", "CreatedUtc", "UpdatedUtc", "Geoprivacy")
                VALUES ($id, $author, $date, $lat, $lon, 20, 'cc-by', 'weurope', NULL, 0, 0, 0, 'needs-votes', $model, $score, 'synthetic', $date, $date, 'open')
                """, ["$id", "$author", "$date", "$lat", "$lon", "$model", "$score"], crowd.TaskCount, (t, p) =>
            {
                var (lat, lon) = Rows.Position(t);
                var (model, score) = Rows.Model(crowd, names, t);
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value, p[5].Value, p[6].Value) =
                    (t + 1, crowd.Author[t] + 1, SqliteDate(Rows.Created(t)), lat, lon, (object?)model ?? DBNull.Value, (object?)score ?? DBNull.Value);
            });
            var voteTask = VoteTasks(crowd);
            Insert(c, """
                INSERT INTO identifications ("ObservationId", "UserId", "TaxonName", "IsCurrent", "CreatedUtc")
                VALUES ($observation, $user, $taxon, 1, $date)
                """, ["$observation", "$user", "$taxon", "$date"], crowd.VoteCount, (v, p) =>
            {
                var t = voteTask[v];
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value) =
                    (t + 1, crowd.VoteWorker[v] + 1, names[crowd.VoteLabel[v]], SqliteDate(Rows.Created(t).AddMinutes(v - crowd.TaskStart[t])));
            });
            foreach (var sql in indexes) Execute(c, sql);
            Execute(c, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        }

        private static List<string> DropIndexes(SqliteConnection c)
        {
            var indexes = new List<(string Name, string Sql)>();
            using (var q = c.CreateCommand())
            {
                q.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('users', 'observations', 'identifications')";
                using var r = q.ExecuteReader();
                while (r.Read()) indexes.Add((r.GetString(0), r.GetString(1)));
            }
            foreach (var (name, _) in indexes) Execute(c, $"DROP INDEX \"{name}\"");
            return [.. indexes.Select(i => i.Sql)];
        }

        private static void Insert(SqliteConnection c, string sql, string[] names, int count, Action<int, SqliteParameter[]> bind)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            var p = names.Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
            for (var start = 0; start < count; start += RowsPerTransaction)
            {
                using var tx = c.BeginTransaction();
                cmd.Transaction = tx;
                for (var i = start; i < Math.Min(count, start + RowsPerTransaction); i++)
                {
                    bind(i, p);
                    cmd.ExecuteNonQuery();
                }
                tx.Commit();
            }
        }

        private static void Execute(SqliteConnection c, string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.CommandTimeout = 0;
            cmd.ExecuteNonQuery();
        }

        /// <summary>The text form EF Core's SQLite provider writes for DateTime.</summary>
        private static string SqliteDate(DateTime d) => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// PostgreSQL: binary COPY per table, with triggers (foreign-key checks) off for the session and
    /// the secondary indexes dropped while loading; then the identity sequences are moved past the ids written.
    /// </summary>
    private static class PostgresSeed
    {
        public static void Run(string connectionString, SyntheticCrowd sim)
        {
            using var c = new NpgsqlConnection(connectionString);
            c.Open();
            Execute(c, "SET session_replication_role = replica; SET maintenance_work_mem = '1GB'");
            var indexes = DropIndexes(c);
            var crowd = sim.Votes;
            var names = Rows.TaxonNames(crowd.LabelCount);
            using (var w = c.BeginBinaryImport("""COPY users ("Id", "UserName", "Email", "PasswordHash", "DisplayName", "IsAdmin", "Language", "CreatedUtc", "Expertise", "Score") FROM STDIN (FORMAT BINARY)"""))
            {
                for (var j = 0; j < crowd.WorkerCount; j++)
                {
                    w.StartRow();
                    w.Write(j + 1, NpgsqlDbType.Integer);
                    w.Write($"crowd-{j:D7}", NpgsqlDbType.Varchar);
                    w.Write($"crowd-{j:D7}@example.invalid", NpgsqlDbType.Varchar);
                    w.Write("!", NpgsqlDbType.Text);
                    w.Write($"Crowd user {j}", NpgsqlDbType.Varchar);
                    w.Write(false, NpgsqlDbType.Boolean);
                    w.Write("en", NpgsqlDbType.Varchar);
                    w.Write(Rows.Start, NpgsqlDbType.TimestampTz);
                    w.Write(0, NpgsqlDbType.Integer);
                    w.Write(0, NpgsqlDbType.Integer);
                }
                w.Complete();
            }
            using (var w = c.BeginBinaryImport("""
                COPY observations ("Id", "AuthorId", "ObservedUtc", "Latitude", "Longitude", "UncertaintyMeters", "License", "Project", "TaxonName",
                    "Confidence", "Accuracy", "IsValid", "Status", "ModelTaxonName", "ModelScore", "ModelVersion", "CreatedUtc", "UpdatedUtc") FROM STDIN (FORMAT BINARY)
                """))
            {
                for (var t = 0; t < crowd.TaskCount; t++)
                {
                    var (lat, lon) = Rows.Position(t);
                    var (model, score) = Rows.Model(crowd, names, t);
                    var date = Rows.Created(t);
                    w.StartRow();
                    w.Write(t + 1, NpgsqlDbType.Integer);
                    w.Write(crowd.Author[t] + 1, NpgsqlDbType.Integer);
                    w.Write(date, NpgsqlDbType.TimestampTz);
                    w.Write(lat, NpgsqlDbType.Double);
                    w.Write(lon, NpgsqlDbType.Double);
                    w.Write(20.0, NpgsqlDbType.Double);
                    w.Write("cc-by", NpgsqlDbType.Varchar);
                    w.Write("weurope", NpgsqlDbType.Varchar);
                    w.WriteNull();
                    w.Write(0.0, NpgsqlDbType.Double);
                    w.Write(0.0, NpgsqlDbType.Double);
                    w.Write(false, NpgsqlDbType.Boolean);
                    w.Write("needs-votes", NpgsqlDbType.Varchar);
                    if (model is null) { w.WriteNull(); w.WriteNull(); }
                    else { w.Write(model, NpgsqlDbType.Varchar); w.Write(score!.Value, NpgsqlDbType.Double); }
                    w.Write("synthetic", NpgsqlDbType.Varchar);
                    w.Write(date, NpgsqlDbType.TimestampTz);
                    w.Write(date, NpgsqlDbType.TimestampTz);
                }
                w.Complete();
            }
            using (var w = c.BeginBinaryImport("""COPY identifications ("ObservationId", "UserId", "TaxonName", "IsCurrent", "CreatedUtc") FROM STDIN (FORMAT BINARY)"""))
            {
                for (var t = 0; t < crowd.TaskCount; t++)
                    for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
                    {
                        w.StartRow();
                        w.Write(t + 1, NpgsqlDbType.Integer);
                        w.Write(crowd.VoteWorker[v] + 1, NpgsqlDbType.Integer);
                        w.Write(names[crowd.VoteLabel[v]], NpgsqlDbType.Varchar);
                        w.Write(true, NpgsqlDbType.Boolean);
                        w.Write(Rows.Created(t).AddMinutes(v - crowd.TaskStart[t]), NpgsqlDbType.TimestampTz);
                    }
                w.Complete();
            }
            foreach (var sql in indexes) Execute(c, sql);
            foreach (var table in new[] { "users", "observations", "identifications" })
                Execute(c, $"SELECT setval(pg_get_serial_sequence('{table}', 'Id'), (SELECT max(\"Id\") FROM {table}))");
            Execute(c, "SET session_replication_role = DEFAULT");
            Execute(c, "VACUUM ANALYZE"); // alone: VACUUM cannot run inside a multi-statement command
        }

        private static List<string> DropIndexes(NpgsqlConnection c)
        {
            var indexes = new List<(string Name, string Sql)>();
            using (var q = new NpgsqlCommand("""
                SELECT indexname, indexdef FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename IN ('users', 'observations', 'identifications') AND indexname NOT LIKE 'PK\_%'
                """, c))
            using (var r = q.ExecuteReader())
                while (r.Read()) indexes.Add((r.GetString(0), r.GetString(1)));
            foreach (var (name, _) in indexes) Execute(c, $"DROP INDEX \"{name}\"");
            return [.. indexes.Select(i => i.Sql)];
        }

        private static void Execute(NpgsqlConnection c, string sql)
        {
            using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>The task of each vote (the crowd's votes are grouped by task).</summary>
    private static int[] VoteTasks(CrowdVotes crowd)
    {
        var task = new int[crowd.VoteCount];
        for (var t = 0; t < crowd.TaskCount; t++)
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++) task[v] = t;
        return task;
    }
}
