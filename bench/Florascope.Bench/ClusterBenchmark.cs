using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Florascope.Data;
using Florascope.Data.ApiKeys;

namespace Florascope.Bench;

/// <summary>
/// The balancer's cost, in one run on one machine: deploy/cluster.sh starts PostgreSQL, s3rver, two nodes (the
/// Release build) and nginx; the same load is then sent to node 1 directly and through nginx to both nodes,
/// alternately (direct, balancer, direct, balancer) so that the machine's noise falls on both alike.
/// Two loads: identification of a 12 MP photo (the expensive request; per core = per second / cores) and a
/// small JSON GET (/api/limits: what the balancer adds to a request that costs the node almost nothing).
/// Usage: cluster [--requests N]
/// </summary>
public static class ClusterBenchmark
{
    private const int IdentifyClients = 8;
    private const int GetClients = 16;
    private const int GetRequests = 4000;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var identifyRequests = Array.IndexOf(args, "--requests") is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 64;
        var report = new Report("cluster");
        Console.WriteLine($"Florascope cluster benchmark on {Report.Machine()}");
        var dir = Path.Combine(Path.GetTempPath(), "florascope-cluster-bench");
        var env = new Dictionary<string, string>
        {
            ["CLUSTER_DIR"] = dir, ["CLUSTER_PORT"] = "56400", ["CLUSTER_PG_PORT"] = "56401", ["CLUSTER_S3_PORT"] = "56402", ["CLUSTER_NODE_PORT"] = "56411",
            // One client process sends for all the clients: the per-address body share must not be what limits them (nodes inherit it).
            ["Florascope__Clients__BodiesPerAddress"] = IdentifyClients.ToString(CultureInfo.InvariantCulture),
        };
        var up = Script(root, env, "up", "2");
        if (up.ExitCode != 0)
        {
            Console.Error.WriteLine($"deploy/cluster.sh up failed: {up.Stdout}{up.Stderr}");
            return 1;
        }
        try
        {
            var settings = new DatabaseSettings
            {
                DataDirectory = Path.Combine(dir, "bench"), Provider = DatabaseProvider.Postgres,
                ConnectionString = "Host=127.0.0.1;Port=56401;Username=postgres;Database=florascope",
            };
            string secret;
            using (var db = settings.CreateContext())
                secret = ApiKeyStore.CreateAsync(db, "bench", int.MaxValue, TimeProvider.System).GetAwaiter().GetResult().Secret;
            var photo = TestPhoto.Create(Path.Combine(root, "data", "demo-flora", "val", "Leucanthemum_vulgare", "ox17_image_0801.jpg"),
                Path.Combine(Path.GetTempPath(), "florascope-bench"));
            var identifyPath = $"/v2/identify/all?api-key={Uri.EscapeDataString(secret)}&no-reject=true";
            var direct = new Uri("http://127.0.0.1:56411");
            var balancer = new Uri("http://127.0.0.1:56400");

            var runs = new Dictionary<string, List<Load>>();
            void Add(string name, Load load) => (runs.TryGetValue(name, out var l) ? l : runs[name] = []).Add(load);
            for (var round = 0; round < 2; round++)
            {
                Add("get-direct", Load.Run(direct, GetClients, GetRequests, http => Get(http, "/api/limits")));
                Add("get-nginx", Load.Run(balancer, GetClients, GetRequests, http => Get(http, "/api/limits")));
                Add("identify-direct", Load.Run(direct, IdentifyClients, identifyRequests, http => Identify(http, identifyPath, photo.Jpeg)));
                Add("identify-nginx", Load.Run(balancer, IdentifyClients, identifyRequests, http => Identify(http, identifyPath, photo.Jpeg)));
            }
            Load Best(string name) => runs[name].MaxBy(l => l.PerSecond)!;
            var cores = Environment.ProcessorCount;
            report.Add("Small GET (/api/limits), node 1 directly", $"{Best("get-direct").PerSecond:F0} req/s", Best("get-direct").Describe(GetClients));
            report.Add("Small GET (/api/limits), nginx -> 2 nodes", $"{Best("get-nginx").PerSecond:F0} req/s", Best("get-nginx").Describe(GetClients));
            report.Add("  nginx / direct", $"{Best("get-nginx").PerSecond / Best("get-direct").PerSecond:F2}x", "the balancer's cost on a request that costs the node almost nothing");
            report.Add("Identify 12 MP JPEG, node 1 directly", $"{Best("identify-direct").PerSecond:F2} req/s", Best("identify-direct").Describe(IdentifyClients));
            report.Add("Identify 12 MP JPEG, nginx -> 2 nodes", $"{Best("identify-nginx").PerSecond:F2} req/s", Best("identify-nginx").Describe(IdentifyClients));
            report.Add("  nginx / direct", $"{Best("identify-nginx").PerSecond / Best("identify-direct").PerSecond:F2}x", "target >= 0.90x (overhead at most 10 %)");
            report.Add("Identifications per second per core", $"{Best("identify-nginx").PerSecond / cores:F2}", $"through nginx, {cores} cores (nodes, nginx, PostgreSQL and the clients share them)");
            foreach (var (name, loads) in runs)
                report.Add($"  {name}, each round", string.Join(" / ", loads.Select(l => l.PerSecond.ToString(l.PerSecond >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture))), "req/s");
        }
        finally
        {
            Script(root, env, "down", "--purge");
        }
        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(command,
        [
            "deploy/cluster.sh on this machine: PostgreSQL (its own cluster, fsync off), s3rver, two nodes (dotnet publish -c Release, default inference settings each), nginx 1.22 (deploy/nginx/florascope.conf, one worker).",
            "Each load: a fixed number of requests from concurrent clients in this process (HttpClient, keep-alive); best of two rounds, rounds interleaved direct / balancer.",
            "Both nodes run on the same cores, so two nodes cannot add compute here: the ratio shows what the balancer costs, not what a second machine adds.",
        ]));
        return 0;
    }

    private static ChildResult Script(string root, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(root, "deploy", "cluster.sh"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start bash.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new ChildResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static async Task<bool> Get(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    private static async Task<bool> Identify(HttpClient http, string path, byte[] jpeg)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "images", "photo.jpg");
        form.Add(new StringContent("auto"), "organs");
        using var response = await http.PostAsync(path, form);
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>One load: requests per second, latency percentiles and errors.</summary>
    private sealed record Load(double PerSecond, double P50, double P95, int Errors)
    {
        public string Describe(int clients) => $"{clients} clients; p50 {P50:F0} ms, p95 {P95:F0} ms; {Errors} errors";

        public static Load Run(Uri baseAddress, int clients, int total, Func<HttpClient, Task<bool>> call)
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients };
            using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
            call(http).GetAwaiter().GetResult();
            var next = 0;
            var errors = 0;
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            Task.WaitAll([.. Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) <= total)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (!await call(http)) Interlocked.Increment(ref errors);
                    var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (times) times.Add(ms);
                }
            }))]);
            var perSecond = total / clock.Elapsed.TotalSeconds;
            times.Sort();
            double Pct(double p) => times[Math.Clamp((int)Math.Ceiling(p / 100 * times.Count) - 1, 0, times.Count - 1)];
            return new Load(perSecond, Pct(50), Pct(95), errors);
        }
    }
}
