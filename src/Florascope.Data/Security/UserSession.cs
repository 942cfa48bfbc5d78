namespace Florascope.Data.Security;

/// <summary>
/// One signed-in session. The cookie carries a random secret; the row keeps only its SHA-256, so
/// a stolen database cannot be replayed. Sign-out ends the row, and every request checks it, so a
/// replayed cookie of an ended session is refused.
/// </summary>
public sealed class UserSession
{
    /// <summary>Lower-case hex SHA-256 of the session secret held in the cookie.</summary>
    public required string Id { get; set; }
    public int UserId { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime LastSeenUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
    /// <summary>When the session was ended (sign-out, sign-out everywhere); null while it is open.</summary>
    public DateTime? EndedUtc { get; set; }
    /// <summary>The browser's User-Agent at sign-in, shortened, so a person can recognise their sessions.</summary>
    public string? UserAgent { get; set; }
}

/// <summary>
/// A counter of events in a time window for one subject (sign-in failures per account or address,
/// identifications per account and day...). Changed by single SQL statements so that every server
/// process sharing the database sees the same counts.
/// </summary>
public sealed class RateCounter
{
    /// <summary>What is counted, e.g. "signin-account", "signin-address", "identify-user".</summary>
    public required string Scope { get; set; }
    /// <summary>Whom it is counted for: a salted hash of an address or login, or a user id.</summary>
    public required string Subject { get; set; }
    /// <summary>Start of the window (UTC), e.g. the day or the minute.</summary>
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
}
