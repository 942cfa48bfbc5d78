using Amazon.Runtime;
using Amazon.S3;

namespace Florascope.Data.Storage;

public enum StorageKind
{
    /// <summary>Folders under the data directory (one node).</summary>
    Files,
    /// <summary>An S3-compatible bucket shared by every node.</summary>
    S3,
}

/// <summary>
/// Where photos and model bundles are kept: the server binds the <c>Florascope:Storage</c> section,
/// the CLI reads the same keys from environment variables (<c>Florascope__Storage__Kind</c>...), so
/// both use one store. See docs/storage.md.
/// </summary>
public sealed class StorageSettings
{
    public const string Section = "Florascope:Storage";

    /// <summary><c>files</c> (default) or <c>s3</c>.</summary>
    public string Kind { get; set; } = "files";
    /// <summary>The S3 endpoint, e.g. <c>http://127.0.0.1:54330</c>; empty: AWS S3 in <see cref="Region"/>.</summary>
    public string ServiceUrl { get; set; } = "";
    public string Bucket { get; set; } = "";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    public string Region { get; set; } = "us-east-1";
    /// <summary>Path-style URLs (<c>host/bucket/key</c>): what MinIO, Ceph RGW and s3rver expect by default.</summary>
    public bool ForcePathStyle { get; set; } = true;
    /// <summary>A key prefix, so that several deployments can share a bucket (e.g. <c>florascope/</c>).</summary>
    public string Prefix { get; set; } = "";

    public StorageKind ParsedKind => Kind.ToLowerInvariant() switch
    {
        "" or "files" or "file" => StorageKind.Files,
        "s3" => StorageKind.S3,
        _ => throw new ArgumentException($"Unknown storage kind '{Kind}': use files or s3."),
    };

    public static StorageSettings FromEnvironment()
    {
        static string? Env(string key) => Environment.GetEnvironmentVariable("Florascope__Storage__" + key) is { Length: > 0 } v ? v : null;
        var s = new StorageSettings();
        s.Kind = Env(nameof(Kind)) ?? s.Kind;
        s.ServiceUrl = Env(nameof(ServiceUrl)) ?? s.ServiceUrl;
        s.Bucket = Env(nameof(Bucket)) ?? s.Bucket;
        s.AccessKey = Env(nameof(AccessKey)) ?? s.AccessKey;
        s.SecretKey = Env(nameof(SecretKey)) ?? s.SecretKey;
        s.Region = Env(nameof(Region)) ?? s.Region;
        s.ForcePathStyle = Env(nameof(ForcePathStyle)) is { } f ? bool.Parse(f) : s.ForcePathStyle;
        s.Prefix = Env(nameof(Prefix)) ?? s.Prefix;
        return s;
    }

    /// <summary>The store of photos: <c>{dataDirectory}/photos</c>, or <c>{Prefix}photos/</c> in the bucket.</summary>
    public IObjectStore CreatePhotoStore(string dataDirectory) =>
        ParsedKind == StorageKind.Files ? new FileObjectStore(Path.Combine(dataDirectory, "photos")) : CreateS3("photos/");

    /// <summary>The shared store of model bundles (<c>{Prefix}models/</c>), or null with files: bundles then stay where they were written.</summary>
    public IObjectStore? CreateModelStore() => ParsedKind == StorageKind.Files ? null : CreateS3("models/");

    /// <summary>The shared store of the open-data archive (<c>{Prefix}open-data/</c>), or null with files: the archive then stays a file of the node.</summary>
    public IObjectStore? CreateOpenDataStore() => ParsedKind == StorageKind.Files ? null : CreateS3("open-data/");

    /// <summary>The store of challenge files (published data, hidden truths, runs): <c>{dataDirectory}/challenges</c>, or <c>{Prefix}challenges/</c> in the bucket.</summary>
    public IObjectStore CreateChallengeStore(string dataDirectory) =>
        ParsedKind == StorageKind.Files ? new FileObjectStore(Path.Combine(dataDirectory, "challenges")) : CreateS3("challenges/");

    private S3ObjectStore CreateS3(string area)
    {
        if (Bucket.Length == 0) throw new ArgumentException("Florascope:Storage:Bucket is required when Kind is s3.");
        var config = new AmazonS3Config
        {
            ForcePathStyle = ForcePathStyle,
            AuthenticationRegion = Region,
            // Checksums only where S3 requires them: servers older than the SDK's default CRC checksums (s3rver, older MinIO and Ceph) reject them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // A store that is down answers 503 within seconds instead of holding the request through long retries.
            // A store that hangs must not hold a request longer than the balancer waits (nginx: 120 s): at most 2 x 15 s.
            MaxErrorRetry = 1,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            Timeout = TimeSpan.FromSeconds(15),
        };
        if (ServiceUrl.Length > 0) config.ServiceURL = ServiceUrl;
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(Region);
        var client = AccessKey.Length > 0
            ? new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config)
            : new AmazonS3Client(config);
        var prefix = Prefix.Length == 0 || Prefix.EndsWith('/') ? Prefix : Prefix + "/";
        return new S3ObjectStore(client, Bucket, prefix + area);
    }
}
