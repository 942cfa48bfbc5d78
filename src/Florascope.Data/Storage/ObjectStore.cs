using Florascope.Messages;

namespace Florascope.Data.Storage;

/// <summary>An object as listed: its key (relative to the store), size and last write.</summary>
public sealed record ObjectInfo(string Key, long Length, DateTime LastModifiedUtc);

/// <summary>An object opened for reading; the caller disposes <see cref="Content"/>.</summary>
public sealed record ObjectContent(Stream Content, long Length, DateTime LastModifiedUtc, string? ContentType);

/// <summary>
/// Where photos and model bundles live: a folder on this machine (<see cref="FileObjectStore"/>,
/// the default) or an S3 bucket every node shares (<see cref="S3ObjectStore"/>). Keys are relative
/// paths with '/' separators. A write is atomic: a reader sees the whole object or none.
/// Failures to reach the store are <see cref="ObjectStoreUnavailableException"/>.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any object there.</summary>
    Task PutAsync(string key, Stream content, string? contentType = null, CancellationToken ct = default);

    /// <summary>
    /// Stores bytes that are determined by their key (content-addressed) unless they are there; either
    /// way the object then counts as just written for age-based garbage collection.
    /// </summary>
    Task WriteOnceAsync(string key, byte[] content, string? contentType = null, CancellationToken ct = default);

    /// <summary>The object, or null when there is none.</summary>
    Task<ObjectContent?> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>The object's size and last write, or null when there is none.</summary>
    Task<ObjectInfo?> InfoAsync(string key, CancellationToken ct = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix = "", CancellationToken ct = default);

    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>The file holding the object when the store is a folder on this machine, else null.</summary>
    string? LocalPath(string key);

    /// <summary>Whether the store answers (readiness); never throws for an unreachable store.</summary>
    Task<bool> IsAvailableAsync(CancellationToken ct = default);

    /// <summary>Where it is, for logs and messages (no secrets).</summary>
    string Description { get; }
}

/// <summary>The object store cannot be reached or refused the request: the caller's work is not done and may be retried.</summary>
public sealed class ObjectStoreUnavailableException(string detail, Exception? inner = null)
    : Exception($"The object store is unavailable: {detail}", inner)
{
    /// <summary>What users are told (translated by the observatory API).</summary>
    public MessageText Text { get; } = MessageText.Of("server.storage.unavailable",
        "Photo storage is unavailable at the moment; nothing was saved. Please try again in a few minutes.");
}

/// <summary>Key rules shared by the stores.</summary>
public static class ObjectKeys
{
    /// <summary>Throws for a key that could leave the store's root (absolute, empty segments, "." or "..").</summary>
    public static string Check(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Contains('\\') || key.Split('/').Any(s => s is "" or "." or ".."))
            throw new ArgumentException($"Not an object key: '{key}'.", nameof(key));
        return key;
    }
}
