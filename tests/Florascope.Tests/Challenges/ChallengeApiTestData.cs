using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Challenges;

/// <summary>
/// A small challenge made directly (its row, its baseline team, truth.csv, classes.csv, train.zip and test.zip in
/// the server's challenge store), for the participants' tests: 4 test observations o1..o4 of classes c1, c1, c2, c3,
/// and a split key chosen so that o1 and o2 are public, o3 and o4 private (50 %).
/// </summary>
public static class ChallengeTestData
{
    public static readonly string[] Observations = ["o1", "o2", "o3", "o4"];
    public static readonly string[] TrueClasses = ["c1", "c1", "c2", "c3"];
    public static readonly string[] Classes = ["c1", "c2", "c3", "c4"];

    /// <summary>A key whose split makes o1, o2 public and o3, o4 private (found by trying keys in a fixed order).</summary>
    public static readonly byte[] SplitKey = FindKey();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] FindKey()
    {
        for (var i = 0; ; i++)
        {
            var key = SHA256.HashData(BitConverter.GetBytes(i));
            if (ChallengeRules.PublicMask(key, Observations, 50) is [true, true, false, false]) return key;
        }
    }

    /// <summary>Creates the challenge in the host's database and challenge store; returns it.</summary>
    public static async Task<Challenge> CreateAsync(FlorascopeHost host, string slug, int dailyLimit = 5, int maxTeamSize = 5,
        DateTime? opensUtc = null, DateTime? closesUtc = null)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var files = scope.ServiceProvider.GetRequiredService<ChallengeFileStore>();
        return await CreateAsync(db, files, host.Clock.GetUtcNow().UtcDateTime, slug, dailyLimit, maxTeamSize, opensUtc, closesUtc);
    }

    public static async Task<Challenge> CreateAsync(FlorascopeDb db, ChallengeFileStore files, DateTime now, string slug, int dailyLimit = 5, int maxTeamSize = 5,
        DateTime? opensUtc = null, DateTime? closesUtc = null)
    {
        var challenge = new Challenge
        {
            Slug = slug, Name = "Test " + slug, Description = "A challenge of the tests.", OpensUtc = opensUtc ?? now.AddDays(-1), ClosesUtc = closesUtc ?? now.AddDays(30),
            DailySubmissionLimit = dailyLimit, MaxTeamSize = maxTeamSize, PublicPercent = 50, SplitKey = SplitKey, TrainPhotos = 2,
            TestObservations = Observations.Length, Classes = Classes.Length, CreatedUtc = now,
        };
        db.Challenges.Add(challenge);
        await db.SaveChangesAsync(Ct);
        db.ChallengeTeams.Add(new ChallengeTeam { ChallengeId = challenge.Id, Name = "Florascope demo", IsBaseline = true, CreatedUtc = now });
        await db.SaveChangesAsync(Ct);
        await Put(files, ChallengeFiles.Truth(challenge.Id), string.Concat(Observations.Select((o, i) => $"{o};{TrueClasses[i]}\n")));
        await Put(files, ChallengeFiles.Classes(challenge.Id), string.Concat(Classes.Select((c, i) => $"{c};Species {i}\n")));
        await files.Store.PutAsync(ChallengeFiles.Train(challenge.Id), new MemoryStream(Zip(("train/c1/a.jpg", "jpeg"), ("classes.csv", "c1;Species 0\n"))), ct: Ct);
        await files.Store.PutAsync(ChallengeFiles.Test(challenge.Id), new MemoryStream(Zip(("test/o1.jpg", "jpeg"), ("README.txt", "runs"))), ct: Ct);
        await Put(files, ChallengeFiles.TestSources(challenge.Id), "00\n");
        return challenge;
    }

    private static Task Put(ChallengeFileStore files, string key, string text) =>
        files.Store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(text)), ct: Ct);

    public static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(Encoding.UTF8.GetBytes(text));
            }
        return buffer.ToArray();
    }

    /// <summary>
    /// A valid run whose true classes come at rank 1 (o1), 2 (o2), nowhere (o3) and 4 (o4). By hand: public part
    /// (o1, o2, both c1) MRR = (1 + 1/2) / 2 = 0.75, macro = 0.75 (one class), top-1 = 0.5, top-5 = 1; private part
    /// (o3 of c2, o4 of c3) MRR = (0 + 1/4) / 2 = 0.125, macro = (0 + 0.25) / 2 = 0.125, top-1 = 0, top-5 = 0.5.
    /// </summary>
    public const string GoodRun =
        "o1;c1;0.9;1\no1;c2;0.1;2\n" +
        "o2;c2;0.6;1\no2;c1;0.4;2\n" +
        "o3;c1;1;1\n" +
        "o4;c1;0.4;1\no4;c2;0.3;2\no4;c4;0.2;3\no4;c3;0.1;4\n";

    /// <summary>A run that puts every true class first: all scores 1.</summary>
    public const string PerfectRun = "o1;c1;1;1\no2;c1;1;1\no3;c2;1;1\no4;c3;1;1\n";

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true)) zip.Write(data);
        return buffer.ToArray();
    }

    /// <summary>POST /api/challenges/{slug}/runs as multipart: the run file, the method, and the session's token in the header unless told otherwise.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(ObservatoryClient client, string slug, byte[] run, string fileName = "run.txt",
        string? method = "ResNet18 features, logistic regression", bool withToken = true, bool runPart = true, string query = "", bool tokenInHeader = true)
    {
        using var form = new MultipartFormDataContent();
        if (method is not null) form.Add(new StringContent(method), "method");
        if (withToken && !tokenInHeader)
        {
            var (field, _, token) = await client.AntiforgeryAsync();
            form.Add(new StringContent(token), field);
        }
        if (runPart)
        {
            var file = new ByteArrayContent(run);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "run", fileName);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/challenges/{slug}/runs{query}") { Content = form };
        // As curl sends large bodies: a refusal before the body is read reaches the client instead of a broken pipe.
        request.Headers.ExpectContinue = true;
        if (withToken && tokenInHeader)
        {
            var (_, header, token) = await client.AntiforgeryAsync();
            request.Headers.Add(header, token);
        }
        return await client.Http.SendAsync(request, Ct);
    }

    /// <summary>Checks the error body {statusCode, error, message} (exactly those keys) and returns the message.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = (await response.JsonAsync(status)).AsObject();
        Assert.Equal(["statusCode", "error", "message"], body.Select(p => p.Key));
        Assert.Equal((int)status, body["statusCode"]!.GetValue<int>());
        return body["message"]!.GetValue<string>();
    }

    /// <summary>Polls the team's runs until the newest is scored (or failed); the scorer works in the background.</summary>
    public static async Task<JsonNode> ScoredRunAsync(ObservatoryClient client, string slug, long runId)
    {
        for (var i = 0; i < 600; i++)
        {
            var runs = (await client.Http.GetJsonAsync($"api/challenges/{slug}/runs")).AsArray();
            var run = runs.Single(r => r!["id"]!.GetValue<long>() == runId)!;
            if (run["status"]!.GetValue<string>() is "scored" or "failed") return run;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"Run {runId} was not scored in a minute.");
    }
}
