using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cluster;

/// <summary>
/// The cluster of deploy/cluster.sh, started by the script itself on free loopback ports in a folder of its own:
/// a PostgreSQL cluster of its own (so a test may restart it), s3rver, two nodes running the test build's
/// Florascope.Web.dll as child processes (so a test may kill -9 one), and nginx in front. Shared by the tests of
/// one class; each test leaves it whole again.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "florascope-cluster-test-" + Guid.NewGuid().ToString("N")[..8]);
    // Outside the ephemeral range (32768+), so that no outgoing connection takes a port the drills bind again.
    public int Port { get; } = FreePorts(1);
    public int PostgresPort { get; } = FreePorts(1);
    public int S3Port { get; } = FreePorts(1);
    public int FirstNodePort { get; } = FreePorts(2);

    /// <summary>Why the cluster cannot run here (a tool missing), or null when it runs.</summary>
    public string? Missing { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public Uri NodeAddress(int node) => new($"http://127.0.0.1:{FirstNodePort + node - 1}/");
    public string NodeEndpoint(int node) => $"127.0.0.1:{FirstNodePort + node - 1}";
    // No pooling: the tests restart this PostgreSQL, which would leave broken connections in a pool.
    public string ConnectionString => $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Database=florascope;Pooling=false";

    public async ValueTask InitializeAsync()
    {
        Missing = MissingTool();
        if (Missing is not null) return;
        var result = await ScriptAsync("up", "2");
        if (result.ExitCode != 0)
        {
            var logs = Logs();
            await ScriptAsync("down", "--purge");
            throw new InvalidOperationException($"deploy/cluster.sh up failed ({result.ExitCode}):\n{result.Output}\n{logs}");
        }
    }

    /// <summary>The test ends here when a tool is missing (skipped; failed under CI=true).</summary>
    public void Require()
    {
        if (Missing is null) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"CI=true but {Missing}");
        Assert.Skip(Missing);
    }

    /// <summary>Runs deploy/cluster.sh with this cluster's folder and ports; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> ScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "cluster.sh"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CLUSTER_DIR"] = Directory;
        start.Environment["CLUSTER_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CLUSTER_PG_PORT"] = PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CLUSTER_S3_PORT"] = S3Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CLUSTER_NODE_PORT"] = FirstNodePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CLUSTER_MODEL_POLL_SECONDS"] = "1";
        start.Environment["FLORASCOPE_WEB_DLL"] = Path.Combine(AppContext.BaseDirectory, "Florascope.Web.dll");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start bash.");
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        // Read both streams to their end: the script's children write to their own logs, never to these pipes.
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"deploy/cluster.sh {string.Join(' ', args)} did not end within {ScriptTimeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs the script and fails the test unless it succeeded.</summary>
    public async Task RunAsync(params string[] args)
    {
        var (code, output) = await ScriptAsync(args);
        Assert.True(code == 0, $"deploy/cluster.sh {string.Join(' ', args)} -> {code}\n{output}\n{Logs()}");
    }

    /// <summary>The last lines of each node's log, for failure messages.</summary>
    public string Logs() => string.Join("\n", Enumerable.Range(1, 2).Select(i => Path.Combine(Directory, $"node{i}", "log"))
        .Where(File.Exists).Select(f => $"--- {f}\n" + string.Join("\n", File.ReadLines(f).TakeLast(15))));

    /// <summary>The node that answered, from the balancer's X-Florascope-Upstream header (the last one tried).</summary>
    public static string Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Florascope-Upstream", out var v) ? v.Single().Split(", ").Last() : "";

    public DatabaseSettings Database => new() { DataDirectory = Path.Combine(Directory, "tests"), Provider = DatabaseProvider.Postgres, ConnectionString = ConnectionString };

    public async Task<TestKey> CreateKeyAsync(int quota = 10_000)
    {
        await using var db = Database.CreateContext();
        var (key, secret) = await ApiKeyStore.CreateAsync(db, "cluster tests", quota, TimeProvider.System, TestContext.Current.CancellationToken);
        return new TestKey(key.Id, secret, quota);
    }

    public async ValueTask DisposeAsync()
    {
        if (Missing is null) await ScriptAsync("down", "--purge");
    }

    private static string? MissingTool()
    {
        if (!File.Exists("/usr/sbin/nginx") && !ExistsOnPath("nginx"))
            return "nginx is not installed (apt-get install nginx-light; .ci/run does it).";
        if (!System.IO.Directory.Exists("/usr/lib/postgresql"))
            return "PostgreSQL is not installed (.ci/postgres.sh installs it).";
        if (Environment.GetEnvironmentVariable("FLORASCOPE_TEST_S3") is not { Length: > 0 })
            return "FLORASCOPE_TEST_S3 is not set: s3rver is not installed (`export FLORASCOPE_TEST_S3=\"$(bash .ci/s3.sh)\"`).";
        return null;
    }

    private static bool ExistsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));

    /// <summary>The first of <paramref name="count"/> consecutive free ports.</summary>
    private static int FreePorts(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Random.Shared.Next(20_000, 30_000);
            if (Enumerable.Range(first, count).All(IsFree)) return first;
        }
        throw new InvalidOperationException("No consecutive free ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
