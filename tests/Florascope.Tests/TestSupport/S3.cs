using System.Data.Common;
using Florascope.Data.Storage;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// The one rule for tests that need an S3-compatible server: its settings come from
/// FLORASCOPE_TEST_S3 (see .ci/s3.sh), e.g. <c>ServiceUrl=http://127.0.0.1:54330;Bucket=florascope-test;AccessKey=S3RVER;SecretKey=S3RVER</c>.
/// Without it the test is skipped, except under CI=true where it fails, like <see cref="Postgres"/>.
/// </summary>
public static class S3
{
    public const string Variable = "FLORASCOPE_TEST_S3";

    public static string? Settings => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : null;

    /// <summary>Storage settings for the test server under a key prefix of their own (so tests never see each other's objects), or the test ends here.</summary>
    public static StorageSettings Require()
    {
        if (Settings is { } s) return Parse(s, "test-" + Guid.NewGuid().ToString("N")[..12] + "/");
        var reason = $"{Variable} is not set: start a server with `export {Variable}=\"$(bash .ci/s3.sh)\"`.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"CI=true but {reason}");
        Assert.Skip(reason);
        return null!; // Assert.Skip throws.
    }

    public static StorageSettings Parse(string settings, string prefix)
    {
        var b = new DbConnectionStringBuilder { ConnectionString = settings };
        string Get(string key) => b.TryGetValue(key, out var v) ? v.ToString() ?? "" : "";
        return new StorageSettings
        {
            Kind = "s3",
            ServiceUrl = Get("ServiceUrl"),
            Bucket = Get("Bucket"),
            AccessKey = Get("AccessKey"),
            SecretKey = Get("SecretKey"),
            Prefix = prefix,
        };
    }

    /// <summary>The settings as server configuration (Florascope:Storage:*).</summary>
    public static Dictionary<string, string?> Configuration(StorageSettings s) => new()
    {
        ["Florascope:Storage:Kind"] = s.Kind,
        ["Florascope:Storage:ServiceUrl"] = s.ServiceUrl,
        ["Florascope:Storage:Bucket"] = s.Bucket,
        ["Florascope:Storage:AccessKey"] = s.AccessKey,
        ["Florascope:Storage:SecretKey"] = s.SecretKey,
        ["Florascope:Storage:Prefix"] = s.Prefix,
    };
}
