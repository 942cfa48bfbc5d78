using Florascope.Messages;

namespace Florascope.Data.ApiKeys;

/// <summary>Why a change to an API key was refused.</summary>
public enum ApiKeyError
{
    /// <summary>No key with that id or prefix (404).</summary>
    NotFound,
    /// <summary>The key is revoked: it is kept for the record and changes no more (409).</summary>
    Revoked,
}

public sealed class ApiKeyException(ApiKeyError error, MessageText text) : Exception(text.English)
{
    /// <summary>The message with its translation key and values (the observatory API answers it in the request's language).</summary>
    public MessageText Text { get; } = text;
    public ApiKeyError Error { get; } = error;
}

/// <summary>A key as the administrators' list shows it: its owner's user name (null for the operator's keys) and today's count.</summary>
public sealed record ApiKeyListing(ApiKey Key, string? OwnerUserName, int UsedToday);
