using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Data.Storage;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Storage;

/// <summary>The command-line tool reads the servers' storage settings from the environment (Florascope__Storage__*).</summary>
[Trait("Category", "Slow")]
public sealed class CliStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModelsPromoteUploadsTheBundleToTheSharedStore()
    {
        var s3 = S3.Require();
        await using var database = await PostgresDatabase.CreateAsync(Postgres.Require(), Ct);
        using var temp = new TempDirectory();
        var settings = new DatabaseSettings { DataDirectory = temp.Path, Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString };
        settings.Migrate();
        const string version = "cli-store-1";
        var bundle = Path.Combine(temp.Path, "bundle");
        Directory.CreateDirectory(bundle);
        foreach (var file in Directory.GetFiles(RepoPaths.ModelBundle)) File.Copy(file, Path.Combine(bundle, Path.GetFileName(file)));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "manifest.json"), Ct))!;
        manifest["version"] = version;
        await File.WriteAllTextAsync(Path.Combine(bundle, "manifest.json"), manifest.ToJsonString(), Ct);
        await using (var db = settings.CreateContext())
            await ModelRegistry.RecordAsync(db, new ModelVersion { Version = version, Path = bundle, Decision = "Registered by the test." }, Ct);

        var result = await CliProcess.RunAsync(new Dictionary<string, string>
        {
            ["Florascope__Storage__Kind"] = "s3",
            ["Florascope__Storage__ServiceUrl"] = s3.ServiceUrl,
            ["Florascope__Storage__Bucket"] = s3.Bucket,
            ["Florascope__Storage__AccessKey"] = s3.AccessKey,
            ["Florascope__Storage__SecretKey"] = s3.SecretKey,
            ["Florascope__Storage__Prefix"] = s3.Prefix,
        }, "models", "promote", version, "--data-dir", temp.Path, "--database", "postgres", "--connection", database.ConnectionString);
        Assert.True(result.ExitCode == 0, result.ToString());

        await using (var db = settings.CreateContext())
        {
            var row = await db.ModelVersions.SingleAsync(m => m.Version == version, Ct);
            Assert.True(row.IsCurrent);
            Assert.Equal(BundleStore.KeyOf(version), row.BundleKey);
        }
        var uploaded = new List<string>();
        await foreach (var o in s3.CreateModelStore()!.ListAsync(BundleStore.KeyOf(version), Ct)) uploaded.Add(o.Key[BundleStore.KeyOf(version).Length..]);
        Assert.Equal(Directory.GetFiles(bundle).Select(Path.GetFileName).Order(StringComparer.Ordinal), uploaded.Order(StringComparer.Ordinal));

        // Another node fetches it whole into its cache.
        using var node = new TempDirectory();
        var fetched = await new BundleStore(s3.CreateModelStore(), node.Path).FetchAsync(BundleStore.KeyOf(version), Ct);
        Assert.Equal(version, Florascope.Bundles.ModelBundle.Load(fetched).Manifest.Version);
    }
}
