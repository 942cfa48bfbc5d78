using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Florascope.Data.Storage;

/// <summary>
/// Objects in an S3 bucket (AWS S3, MinIO, Ceph RGW, s3rver in the tests) under an optional key
/// prefix, shared by every node. A PUT is atomic in S3, so no temporary names are needed. The
/// bucket is created on first use when it is missing.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly SemaphoreSlim _bucketLock = new(1, 1);
    private volatile bool _bucketReady;

    public S3ObjectStore(IAmazonS3 client, string bucket, string prefix)
    {
        _client = client;
        _bucket = bucket;
        _prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    public string Description => $"s3://{_bucket}/{_prefix}";

    public string? LocalPath(string key) => null;

    public Task PutAsync(string key, Stream content, string? contentType = null, CancellationToken ct = default) =>
        CallAsync(async () =>
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = _prefix + ObjectKeys.Check(key),
                InputStream = content,
                AutoCloseStream = false,
                ContentType = contentType ?? "application/octet-stream",
                // A signed payload instead of aws-chunked streaming, which older S3 servers lack.
                UseChunkEncoding = false,
            }, ct);
            return true;
        }, ct);

    /// <summary>
    /// An S3 object cannot be touched, and the bytes are determined by the key, so writing them again
    /// is the touch: atomic, and a reader sees the same bytes before and after.
    /// </summary>
    /// <summary>
    /// An object written less than this long ago is left as it is: S3 has no "touch", and rewriting a photo
    /// every time it is saved again costs an upload and, on some servers, readers of it at that moment. Garbage
    /// collection keeps objects younger than an hour, far longer than any save takes.
    /// </summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(10);

    public async Task WriteOnceAsync(string key, byte[] content, string? contentType = null, CancellationToken ct = default)
    {
        if (await InfoAsync(key, ct) is { } existing && existing.Length == content.Length && DateTime.UtcNow - existing.LastModifiedUtc < RefreshAfter) return;
        using var stream = new MemoryStream(content, writable: false);
        await PutAsync(key, stream, contentType, ct);
    }

    public Task<ObjectContent?> OpenReadAsync(string key, CancellationToken ct = default) =>
        CallAsync<ObjectContent?>(async () =>
        {
            try
            {
                var response = await _client.GetObjectAsync(_bucket, _prefix + ObjectKeys.Check(key), ct);
                return new ObjectContent(response.ResponseStream, response.ContentLength, response.LastModified?.ToUniversalTime() ?? DateTime.UnixEpoch,
                    response.Headers.ContentType);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);

    public Task<ObjectInfo?> InfoAsync(string key, CancellationToken ct = default) =>
        CallAsync<ObjectInfo?>(async () =>
        {
            try
            {
                var head = await _client.GetObjectMetadataAsync(_bucket, _prefix + ObjectKeys.Check(key), ct);
                return new ObjectInfo(key, head.ContentLength, head.LastModified?.ToUniversalTime() ?? DateTime.UnixEpoch);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + prefix, ContinuationToken = token };
            var page = await CallAsync(() => _client.ListObjectsV2Async(request, ct), ct);
            foreach (var o in page.S3Objects ?? [])
                yield return new ObjectInfo(o.Key[_prefix.Length..], o.Size ?? 0, o.LastModified?.ToUniversalTime() ?? DateTime.UnixEpoch);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public Task DeleteAsync(string key, CancellationToken ct = default) =>
        CallAsync(async () =>
        {
            await _client.DeleteObjectAsync(_bucket, _prefix + ObjectKeys.Check(key), ct);
            return true;
        }, ct);

    public async Task<bool> IsAvailableAsync(CancellationToken ct = default)
    {
        try
        {
            await CallAsync(() => _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix, MaxKeys = 1 }, ct), ct);
            return true;
        }
        catch (ObjectStoreUnavailableException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _bucketLock.Dispose();
    }

    /// <summary>Runs a request once the bucket exists, turning every failure to reach the store into <see cref="ObjectStoreUnavailableException"/>.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            await EnsureBucketAsync(ct);
            return await call();
        }
        catch (Exception e) when (IsUnavailable(e, ct))
        {
            throw new ObjectStoreUnavailableException($"{Description}: {e.Message}", e);
        }
    }

    private static bool IsUnavailable(Exception e, CancellationToken ct) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (_bucketReady) return;
        await _bucketLock.WaitAsync(ct);
        try
        {
            if (_bucketReady) return;
            try
            {
                await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, MaxKeys = 1 }, ct);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                try
                {
                    await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, ct);
                }
                catch (AmazonS3Exception c) when (c.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
                {
                    // Created by another node meanwhile.
                }
            }
            _bucketReady = true;
        }
        finally
        {
            _bucketLock.Release();
        }
    }
}
