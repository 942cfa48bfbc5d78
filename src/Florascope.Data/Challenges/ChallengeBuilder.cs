namespace Florascope.Data.Challenges;

/// <summary>What an administrator gives to create a challenge from labelled photo folders (<c>DIR/&lt;Scientific_name&gt;/&lt;photo&gt;</c>).</summary>
public sealed record ChallengeSpec
{
    public required string Name { get; init; }
    /// <summary>Derived from the name when absent.</summary>
    public string? Slug { get; init; }
    public string Description { get; init; } = "";
    public required DateTime OpensUtc { get; init; }
    public required DateTime ClosesUtc { get; init; }
    public int DailySubmissionLimit { get; init; } = Florascope.Challenges.ChallengeRules.DefaultDailySubmissions;
    public int MaxTeamSize { get; init; } = Florascope.Challenges.ChallengeRules.DefaultMaxTeamSize;
    public int PublicPercent { get; init; } = Florascope.Challenges.ChallengeRules.DefaultPublicPercent;
    public required string TrainDir { get; init; }
    public required string TestDir { get; init; }
}

/// <summary>
/// Creates a challenge: publishes the training photos (with licences) and the test photos (re-encoded, metadata
/// stripped, under random ids), keeps the truth hidden, and records the challenge with its baseline team.
/// </summary>
public static class ChallengeBuilder
{
    /// <summary>Creates the challenge; bad input is a <see cref="ChallengeException"/> and leaves nothing behind.</summary>
    public static Task<Challenge> CreateAsync(FlorascopeDb db, ChallengeFileStore files, ChallengeSpec spec, int? createdById,
        TimeProvider clock, IProgress<string>? progress, CancellationToken ct) =>
        throw new NotImplementedException("Issue 14, part A: being written.");
}
