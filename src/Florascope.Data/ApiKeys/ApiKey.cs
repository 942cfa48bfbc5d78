namespace Florascope.Data.ApiKeys;

/// <summary>An API key. Only the SHA-256 of the key is stored; the key itself is shown once.</summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string KeyHash { get; set; }
    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public required string Prefix { get; set; }
    public int DailyQuota { get; set; }
    public DateTimeOffset CreatedUtc { get; set; }
    public DateTimeOffset? RevokedUtc { get; set; }
    /// <summary>The account that owns the key; null for keys made by the operator with the CLI.</summary>
    public int? UserId { get; set; }
    /// <summary>
    /// Whether the key may call /v2/survey/tiles (hundreds of windows per photo, charged in units by tiles): off by
    /// default, set with <c>florascope apikey create --allow-survey</c> or by an administrator on the key's page.
    /// </summary>
    public bool AllowSurvey { get; set; }
}

/// <summary>Identifications counted for one key on one UTC day.</summary>
public sealed class QuotaUsage
{
    public int ApiKeyId { get; set; }
    public DateOnly Day { get; set; }
    public int Count { get; set; }
}

/// <summary>Identifications counted for one network address (stored as a salted hash) on one UTC day: the web app's limit without an account.</summary>
public sealed class AddressUsage
{
    public required string AddressHash { get; set; }
    public DateOnly Day { get; set; }
    public int Count { get; set; }
}
