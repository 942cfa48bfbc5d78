using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.ApiKeys;
using Florascope.Data.Challenges;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Bench;

/// <summary>
/// Issue 14's load target: while 20 teams upload runs of 100,000 test observations x 30 predictions (~70 MB; half of
/// them gzip-compressed) and get them checked and scored, identification's p95 stays within 20 % of its idle value.
/// One server in this process (Kestrel on 127.0.0.1, SQLite), a challenge seeded with a generated truth, 20 teams of
/// one account with an API key each. Identification: one client, one 12 MP photo at a time, through /v2/identify.
/// Usage: challenge-load [--teams N] [--observations N]
/// </summary>
public static class ChallengeLoadBenchmark
{
    private const int Classes = 10_000;
    private const int IdleRequests = 30;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var teams = Arg(args, "--teams", 20);
        var n = Arg(args, "--observations", 100_000);
        var command = $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}";
        var report = new Report("challenge-load");
        Console.WriteLine($"Florascope challenge-load benchmark on {Report.Machine()}");

        var outDir = Path.Combine(Path.GetTempPath(), "florascope-bench");
        Directory.CreateDirectory(outDir);
        var photo = TestPhoto.Create(Path.Combine(root, "data", "demo-flora", "val", "Leucanthemum_vulgare", "ox17_image_0801.jpg"), outDir);
        var dataDir = Path.Combine(outDir, "challenge-load-" + Guid.NewGuid().ToString("N")[..8]);
        var truthPath = Path.Combine(outDir, "challenge-load-truth.csv");
        var runPath = Path.Combine(outDir, "challenge-load-run.txt");
        var gzPath = runPath + ".gz";
        var truth = RunFiles.WriteTruth(truthPath, n, Classes, 14);
        RunFiles.WriteRun(runPath, truth, Classes, 14);
        using (var input = File.OpenRead(runPath))
        using (var output = new GZipStream(File.Create(gzPath), CompressionLevel.Optimal))
            input.CopyTo(output);
        report.Add("Run file", $"{new FileInfo(runPath).Length / 1e6:F1} MB", $"{n:N0} observations x 30 predictions; gzip {new FileInfo(gzPath).Length / 1e6:F1} MB (half the teams send it)");

        var app = FlorascopeServer.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Florascope:DataDirectory"] = dataDir,
                // One client process sends for every team: per-address limits must not be what limits them.
                ["Florascope:Clients:BodiesPerAddress"] = (teams + 4).ToString(CultureInfo.InvariantCulture),
                ["Florascope:Clients:ConcurrentRequestsPerAddress"] = (teams + 4).ToString(CultureInfo.InvariantCulture),
                ["Urls"] = "http://127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            var baseUrl = app.Urls.First();
            var (slug, challengeId, secrets, identifyKey) = Seed(app.Services, teams, truthPath).GetAwaiter().GetResult();
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
            var identifyUrl = $"/v2/identify/all?api-key={Uri.EscapeDataString(identifyKey)}&no-reject=true";

            // 1. Idle: identification alone.
            for (var w = 0; w < 3; w++) Identify(http, identifyUrl, photo.Jpeg);
            var idle = new List<double>();
            for (var r = 0; r < IdleRequests; r++) idle.Add(Identify(http, identifyUrl, photo.Jpeg).Ms);
            idle.Sort();

            // 2. Under load: every team uploads at once; identification goes on until every run is scored.
            var clock = Stopwatch.StartNew();
            var uploads = Enumerable.Range(0, teams).Select(t => Task.Run(() => Upload(http, slug, secrets[t], t % 2 == 0 ? gzPath : runPath))).ToList();
            var loaded = new List<double>();
            var identifyErrors = 0;
            var allScoredAt = TimeSpan.Zero;
            while (true)
            {
                var (ms, ok) = Identify(http, identifyUrl, photo.Jpeg);
                loaded.Add(ms);
                if (!ok) identifyErrors++;
                if (allScoredAt == TimeSpan.Zero && uploads.All(u => u.IsCompleted) && Scored(app.Services, challengeId) >= uploads.Count(u => u.Result.Status == 202))
                    allScoredAt = clock.Elapsed;
                if (allScoredAt != TimeSpan.Zero && loaded.Count >= IdleRequests) break;
                if (clock.Elapsed > TimeSpan.FromMinutes(10)) break;
            }
            var results = uploads.Select(u => u.Result).ToList();
            loaded.Sort();
            var accepted = results.Count(r => r.Status == 202);
            report.Add("Identification idle, p50 / p95", $"{Pct(idle, 50):F0} / {Pct(idle, 95):F0} ms", $"{IdleRequests} requests of a 12 MP JPEG, one at a time");
            report.Add($"Identification while {teams} teams upload, p50 / p95", $"{Pct(loaded, 50):F0} / {Pct(loaded, 95):F0} ms", $"{loaded.Count} requests until every run was scored, {identifyErrors} errors");
            report.Add("  p95 loaded / idle", $"{Pct(loaded, 95) / Pct(idle, 95):F2}x", "target <= 1.20x");
            report.Add("Runs accepted (202)", $"{accepted} of {teams}", string.Join(", ", results.Where(r => r.Status != 202).Select(r => $"{r.Status}: {r.Body}")).PadRight(1));
            report.Add("  upload answered (received and checked), median / max", $"{Median(results.Select(r => r.Ms)):F1} / {results.Max(r => r.Ms) / 1000:F1} s", "each answer waits for its check on the low-priority thread, one run at a time");
            report.Add("  every run scored after", allScoredAt == TimeSpan.Zero ? "not within 10 min" : $"{allScoredAt.TotalSeconds:F1} s", "from the first upload");
            report.Add("  peak working set of the process", $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB", "server, clients and file generation in this process");
            report.Add("  background thread lowered", app.Services.GetRequiredService<BackgroundCpu>().Lowered ? "yes (nice 19)" : "no", "checks and scoring run there");
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)app).Dispose();
            foreach (var f in new[] { truthPath, runPath, gzPath }) File.Delete(f);
        }

        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(command,
        [
            "Server in this process on 127.0.0.1 (Kestrel), SQLite in a temp folder; the challenge, its teams (one account each) and their API keys are seeded directly; the truth and the run are generated (10,000 classes, seed 14).",
            "Uploads: multipart POST /api/challenges/{slug}/runs?api-key=..., all teams at once; identification: POST /v2/identify with one 12 MP photo, one request at a time, before (idle) and during the uploads, checks and scoring.",
        ]));
        return 0;
    }

    private static async Task<(string Slug, int ChallengeId, string[] Secrets, string IdentifyKey)> Seed(IServiceProvider services, int teams, string truthPath)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var clock = TimeProvider.System;
        var now = clock.GetUtcNow().UtcDateTime;
        var challenge = new Challenge
        {
            Slug = "bench-" + Guid.NewGuid().ToString("N")[..8], Name = "Load benchmark", OpensUtc = now.AddDays(-1), ClosesUtc = now.AddDays(30),
            DailySubmissionLimit = 100, MaxTeamSize = 5, PublicPercent = ChallengeRules.DefaultPublicPercent,
            SplitKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), TestObservations = File.ReadLines(truthPath).Count(), Classes = Classes, CreatedUtc = now,
        };
        db.Challenges.Add(challenge);
        await db.SaveChangesAsync();
        var files = services.GetRequiredService<ChallengeFileStore>().Store;
        await using (var truth = File.OpenRead(truthPath)) await files.PutAsync(ChallengeFiles.Truth(challenge.Id), truth, "text/csv");
        var classes = string.Join("", Enumerable.Range(0, Classes).Select(c => $"cls{c};Species {c}\n"));
        await files.PutAsync(ChallengeFiles.Classes(challenge.Id), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(classes)), "text/csv");
        var secrets = new string[teams];
        for (var t = 0; t < teams; t++)
        {
            var user = new User { UserName = $"bench{t}-{challenge.Id}", Email = $"bench{t}-{challenge.Id}@example.org", PasswordHash = "-", CreatedUtc = now };
            db.Users.Add(user);
            var team = new ChallengeTeam { ChallengeId = challenge.Id, Name = $"Team {t}", CreatedUtc = now };
            db.ChallengeTeams.Add(team);
            await db.SaveChangesAsync();
            team.CreatedById = user.Id;
            db.ChallengeTeamMembers.Add(new ChallengeTeamMember { ChallengeId = challenge.Id, UserId = user.Id, TeamId = team.Id, JoinedUtc = now });
            await db.SaveChangesAsync();
            secrets[t] = (await ApiKeyStore.CreateAsync(db, $"bench{t}", 1000, clock, user.Id)).Secret;
        }
        var identifyKey = (await ApiKeyStore.CreateAsync(db, "bench-identify", int.MaxValue, clock)).Secret;
        return (challenge.Slug, challenge.Id, secrets, identifyKey);
    }

    private static int Scored(IServiceProvider services, int challengeId)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        return db.ChallengeRuns.Count(r => r.ChallengeId == challengeId && (r.Status == RunStatus.Scored || r.Status == RunStatus.Failed));
    }

    private sealed record UploadResult(int Status, double Ms, string Body);

    private static async Task<UploadResult> Upload(HttpClient http, string slug, string secret, string path)
    {
        var start = Stopwatch.GetTimestamp();
        using var form = new MultipartFormDataContent();
        await using var file = File.OpenRead(path);
        var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue(path.EndsWith(".gz", StringComparison.Ordinal) ? "application/gzip" : "text/plain");
        form.Add(content, "run", Path.GetFileName(path));
        form.Add(new StringContent("Load benchmark: generated predictions"), "method");
        using var response = await http.PostAsync($"/api/challenges/{slug}/runs?api-key={Uri.EscapeDataString(secret)}", form);
        var body = await response.Content.ReadAsStringAsync();
        return new UploadResult((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds, body.Length > 200 ? body[..200] : body);
    }

    private static (double Ms, bool Ok) Identify(HttpClient http, string url, byte[] jpeg)
    {
        var start = Stopwatch.GetTimestamp();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "images", "photo.jpg");
        form.Add(new StringContent("auto"), "organs");
        using var response = http.PostAsync(url, form).GetAwaiter().GetResult();
        response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, response.IsSuccessStatusCode);
    }

    private static int Arg(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? 0 : v[v.Count / 2] / 1000;
    }

    private static double Pct(List<double> sorted, int p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
}
