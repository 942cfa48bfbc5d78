namespace Florascope.Data.Accounts;

/// <summary>A person with an account. The password is stored as the framework hasher's hash.</summary>
public sealed class User
{
    public int Id { get; set; }
    /// <summary>Unique, lower-case letters, digits, '.', '-', '_'; shown in URLs.</summary>
    public required string UserName { get; set; }
    public required string Email { get; set; }
    public required string PasswordHash { get; set; }
    public string DisplayName { get; set; } = "";
    public bool IsAdmin { get; set; }
    /// <summary>The first account, made administrator; a unique index keeps it to one even under concurrent sign-ups.</summary>
    public bool IsFounder { get; set; }
    /// <summary>Preferred language of the interface and of vernacular names.</summary>
    public string Language { get; set; } = "en";
    public DateTime CreatedUtc { get; set; }
    /// <summary>n_j of the weighted vote: taxa this person proved (authored valid observations, plus a tenth of those they voted right on others').</summary>
    public int Expertise { get; set; }
    /// <summary>Identifications of others' observations that agree with their validated taxon (the game's score).</summary>
    public int Score { get; set; }
}
