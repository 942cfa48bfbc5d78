using Florascope.Challenges;

namespace Florascope.Data.Challenges;

/// <summary>
/// An evaluation campaign (table <c>challenges</c>): published training data and test photos, a hidden truth
/// (in the object store, <see cref="ChallengeFiles"/>), dates, limits and the public/private split of the test set.
/// </summary>
public sealed class Challenge
{
    public int Id { get; set; }
    /// <summary>The challenge's name in URLs (lower-case letters, digits, '-').</summary>
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public DateTime OpensUtc { get; set; }
    /// <summary>Runs are taken until then; the private leaderboard is shown from then on.</summary>
    public DateTime ClosesUtc { get; set; }
    /// <summary>When an administrator closed it before <see cref="ClosesUtc"/>; null otherwise.</summary>
    public DateTime? ClosedUtc { get; set; }
    public int DailySubmissionLimit { get; set; } = ChallengeRules.DefaultDailySubmissions;
    public int MaxTeamSize { get; set; } = ChallengeRules.DefaultMaxTeamSize;
    public int PublicPercent { get; set; } = ChallengeRules.DefaultPublicPercent;
    /// <summary>The secret key of the public/private split (<see cref="ChallengeRules.IsPublic"/>); never published.</summary>
    public byte[] SplitKey { get; set; } = [];
    public int TrainPhotos { get; set; }
    public int TestObservations { get; set; }
    public int Classes { get; set; }
    public int? CreatedById { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>Why the current model has no baseline run here (it saw test photos, no model); null when it has one or is due one.</summary>
    public string? BaselineNote { get; set; }

    public ChallengePhase PhaseAt(DateTime nowUtc) => ChallengeRules.PhaseAt(OpensUtc, ClosesUtc, ClosedUtc, nowUtc);

    /// <summary>
    /// <see cref="ClosedUtc"/> of a challenge whose files are being stored (<see cref="ChallengeBuilder"/>): closed on every
    /// node whatever its clock, and hidden from every listing and lookup until it is opened.
    /// </summary>
    public static readonly DateTime BeingCreated = DateTime.UnixEpoch;
}

/// <summary>A team of a challenge (table <c>challenge_teams</c>). The baseline team holds Florascope's own model's runs.</summary>
public sealed class ChallengeTeam
{
    public int Id { get; set; }
    public int ChallengeId { get; set; }
    public string Name { get; set; } = "";
    public int? CreatedById { get; set; }
    public DateTime CreatedUtc { get; set; }
    public bool IsBaseline { get; set; }
}

/// <summary>An account in a team; the key (challenge, user) makes it one team per account per challenge.</summary>
public sealed class ChallengeTeamMember
{
    public int ChallengeId { get; set; }
    public int UserId { get; set; }
    public int TeamId { get; set; }
    public DateTime JoinedUtc { get; set; }
}

/// <summary>An invitation of an account to a team, pending until accepted or declined (then deleted).</summary>
public sealed class ChallengeInvitation
{
    public int Id { get; set; }
    public int ChallengeId { get; set; }
    public int TeamId { get; set; }
    public int UserId { get; set; }
    public int InvitedById { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public enum RunStatus
{
    /// <summary>Valid and waiting for the scorer.</summary>
    Queued,
    /// <summary>A node's scorer holds it (<see cref="ChallengeRun.ClaimedUtc"/>; taken over when that is old).</summary>
    Scoring,
    Scored,
    /// <summary>Scoring failed (the stored file could not be read); <see cref="ChallengeRun.Error"/> says why.</summary>
    Failed,
}

/// <summary>
/// A submitted run (table <c>challenge_runs</c>): only valid files are kept (in the object store, gzip,
/// <see cref="ChallengeFiles.Run"/>); scores on the public and private parts of the test set once scored.
/// </summary>
public sealed class ChallengeRun
{
    public long Id { get; set; }
    public int ChallengeId { get; set; }
    public int TeamId { get; set; }
    /// <summary>The account that uploaded it; null for the baseline.</summary>
    public int? SubmittedById { get; set; }
    public DateTime SubmittedUtc { get; set; }
    /// <summary>The team's short description of its method.</summary>
    public string Method { get; set; } = "";
    public string FileName { get; set; } = "";
    /// <summary>Size of the run as text (uncompressed).</summary>
    public long Bytes { get; set; }
    public long Predictions { get; set; }
    public RunStatus Status { get; set; }
    public string? Error { get; set; }
    /// <summary>The model version of a baseline run.</summary>
    public string? ModelVersion { get; set; }
    public DateTime? ClaimedUtc { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTime? ScoredUtc { get; set; }
    public double? PublicMrr { get; set; }
    public double? PublicMacroMrr { get; set; }
    public double? PublicTop1 { get; set; }
    public double? PublicTop5 { get; set; }
    public double? PrivateMrr { get; set; }
    public double? PrivateMacroMrr { get; set; }
    public double? PrivateTop1 { get; set; }
    public double? PrivateTop5 { get; set; }
}

/// <summary>The object store of challenge files (<see cref="Storage.StorageSettings.CreateChallengeStore"/>).</summary>
public sealed class ChallengeFileStore(Storage.IObjectStore store)
{
    public Storage.IObjectStore Store { get; } = store;
}

/// <summary>Where a challenge's files are in its object store.</summary>
public static class ChallengeFiles
{
    private static string Root(int challengeId) => $"{challengeId}/";
    /// <summary>Published: the training photos in folders per class, with a licences file.</summary>
    public static string Train(int challengeId) => Root(challengeId) + "train.zip";
    /// <summary>Published: the test photos, re-encoded, metadata stripped, under random ids.</summary>
    public static string Test(int challengeId) => Root(challengeId) + "test.zip";
    /// <summary>Published: ClassId;ScientificName per line.</summary>
    public static string Classes(int challengeId) => Root(challengeId) + "classes.csv";
    /// <summary>Hidden: ObservationId;ClassId per line.</summary>
    public static string Truth(int challengeId) => Root(challengeId) + "truth.csv";
    /// <summary>Hidden: the SHA-256 of each test photo's source file (hex, one per line), to prove a model never saw them.</summary>
    public static string TestSources(int challengeId) => Root(challengeId) + "test-sources.sha256";
    /// <summary>A kept run, gzip-compressed.</summary>
    public static string Run(int challengeId, long runId) => Root(challengeId) + $"runs/{runId}.txt.gz";
}

/// <summary>Why a challenge operation is refused; mapped to HTTP once (Web/Hosting/DomainErrors).</summary>
public enum ChallengeError
{
    /// <summary>A bad field or file (400).</summary>
    Invalid,
    /// <summary>No such challenge, team, invitation or run (404).</summary>
    NotFound,
    /// <summary>Not allowed for this account (not a member, not an administrator) (403).</summary>
    Forbidden,
    /// <summary>Against the state: already in a team, team full, name taken, challenge not open (409).</summary>
    Conflict,
    /// <summary>The team's runs for today are used up (429).</summary>
    LimitReached,
    /// <summary>A run over the size limit (413).</summary>
    TooLarge,
}

public sealed class ChallengeException(Florascope.Messages.MessageText text, ChallengeError error = ChallengeError.Invalid) : Exception(text.English)
{
    public Florascope.Messages.MessageText Text { get; } = text;
    public ChallengeError Error { get; } = error;
}
