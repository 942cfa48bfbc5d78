using Florascope.Data.Accounts;
using Florascope.Data.ApiKeys;
using Florascope.Data.Observations;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data;

/// <summary>
/// The one EF Core model of Florascope. Each database provider derives its own context type
/// only so that it can carry its own migration set (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public abstract class FlorascopeDb(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<QuotaUsage> QuotaUsage => Set<QuotaUsage>();
    public DbSet<AddressUsage> AddressUsage => Set<AddressUsage>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Observation> Observations => Set<Observation>();
    public DbSet<ObservationPhoto> ObservationPhotos => Set<ObservationPhoto>();
    public DbSet<Observations.Identification> Identifications => Set<Observations.Identification>();
    public DbSet<PhotoVote> PhotoVotes => Set<PhotoVote>();
    public DbSet<GameSkip> GameSkips => Set<GameSkip>();
    public DbSet<Models.ModelVersion> ModelVersions => Set<Models.ModelVersion>();
    public DbSet<Privacy.ThreatStatus> ThreatStatuses => Set<Privacy.ThreatStatus>();
    public DbSet<Security.UserSession> UserSessions => Set<Security.UserSession>();
    public DbSet<Security.RateCounter> RateCounters => Set<Security.RateCounter>();
    public DbSet<Floras.ChecklistProject> ChecklistProjects => Set<Floras.ChecklistProject>();
    public DbSet<Floras.ChecklistName> ChecklistNames => Set<Floras.ChecklistName>();

    /// <summary>ASP.NET Core's data-protection key ring (cookies, anti-forgery): one for every node of a deployment.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Runs of the periodic jobs: every node reads them to decide whether a job is due.</summary>
    public DbSet<Jobs.JobRun> JobRuns => Set<Jobs.JobRun>();

    /// <summary>Secrets every node shares (address-hash salt, geoprivacy key).</summary>
    public DbSet<Security.ServerSecret> ServerSecrets => Set<Security.ServerSecret>();

    public DbSet<Challenges.Challenge> Challenges => Set<Challenges.Challenge>();
    public DbSet<Challenges.ChallengeTeam> ChallengeTeams => Set<Challenges.ChallengeTeam>();
    public DbSet<Challenges.ChallengeTeamMember> ChallengeTeamMembers => Set<Challenges.ChallengeTeamMember>();
    public DbSet<Challenges.ChallengeInvitation> ChallengeInvitations => Set<Challenges.ChallengeInvitation>();
    public DbSet<Challenges.ChallengeRun> ChallengeRuns => Set<Challenges.ChallengeRun>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC; SQLite forgets the kind, so it is restored on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        ConfigureChallenges(b);
        b.Entity<Jobs.JobRun>(e =>
        {
            e.ToTable("job_runs");
            e.Property(r => r.Id).HasColumnName("id");
            e.Property(r => r.Job).HasColumnName("job").HasMaxLength(32).HasConversion(v => Jobs.JobText.Of(v), v => Jobs.JobText.FromText(v));
            e.Property(r => r.Node).HasColumnName("node").HasMaxLength(Jobs.JobRunStore.MaxNodeLength);
            e.Property(r => r.StartedUtc).HasColumnName("started_utc");
            e.Property(r => r.FinishedUtc).HasColumnName("finished_utc");
            e.Property(r => r.Outcome).HasColumnName("outcome").HasMaxLength(32).HasConversion(v => Jobs.JobText.Of(v), v => Jobs.JobText.ParseOutcome(v));
            e.Property(r => r.Error).HasColumnName("error").HasMaxLength(Jobs.JobRunStore.MaxErrorLength);
            e.Property(r => r.Attempt).HasColumnName("attempt");
            e.HasIndex(r => new { r.Job, r.StartedUtc });
        });
        b.Entity<Security.ServerSecret>(e =>
        {
            // snake_case: inserted with hand-written insert-if-absent SQL.
            e.ToTable("server_secrets");
            e.HasKey(s => s.Name);
            e.Property(s => s.Name).HasColumnName("name").HasMaxLength(64);
            e.Property(s => s.Value).HasColumnName("value");
            e.Property(s => s.CreatedUtc).HasColumnName("created_utc");
        });
        // Explicit snake_case names: the quota counter is updated with hand-written SQL.
        b.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.Property(k => k.Id).HasColumnName("id");
            e.Property(k => k.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(k => k.KeyHash).HasColumnName("key_hash").HasMaxLength(64);
            e.Property(k => k.Prefix).HasColumnName("prefix").HasMaxLength(16);
            e.Property(k => k.DailyQuota).HasColumnName("daily_quota");
            e.Property(k => k.CreatedUtc).HasColumnName("created_utc");
            e.Property(k => k.RevokedUtc).HasColumnName("revoked_utc");
            e.Property(k => k.UserId).HasColumnName("user_id");
            e.Property(k => k.AllowSurvey).HasColumnName("allow_survey");
            e.HasIndex(k => k.KeyHash).IsUnique();
            e.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<QuotaUsage>(e =>
        {
            e.ToTable("quota_usage");
            e.HasKey(q => new { q.ApiKeyId, q.Day });
            e.Property(q => q.ApiKeyId).HasColumnName("api_key_id");
            e.Property(q => q.Day).HasColumnName("day");
            e.Property(q => q.Count).HasColumnName("count");
            e.HasOne<ApiKey>().WithMany().HasForeignKey(q => q.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AddressUsage>(e =>
        {
            e.ToTable("address_usage");
            e.HasKey(q => new { q.AddressHash, q.Day });
            e.Property(q => q.AddressHash).HasColumnName("address_hash").HasMaxLength(64);
            e.Property(q => q.Day).HasColumnName("day");
            e.Property(q => q.Count).HasColumnName("count");
        });
        b.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.UserName).HasMaxLength(40);
            e.Property(u => u.Email).HasMaxLength(254);
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.Property(u => u.Language).HasMaxLength(8);
            e.HasIndex(u => u.UserName).IsUnique();
            e.HasIndex(u => u.Email).IsUnique();
            e.HasIndex(u => u.Score);
            e.HasIndex(u => u.IsFounder).IsUnique().HasFilter("\"IsFounder\"").HasDatabaseName("IX_users_founder");
        });
        b.Entity<Observation>(e =>
        {
            e.ToTable("observations");
            e.Property(o => o.Notes).HasMaxLength(4000);
            e.Property(o => o.License).HasMaxLength(16);
            e.Property(o => o.Project).HasMaxLength(Florascope.Taxonomy.ProjectCode.MaxLength);
            e.Property(o => o.TaxonName).HasMaxLength(200);
            e.Property(o => o.Status).HasMaxLength(16);
            e.Property(o => o.ModelTaxonName).HasMaxLength(200);
            e.Property(o => o.ModelVersion).HasMaxLength(100);
            e.Property(o => o.Geoprivacy).HasMaxLength(16).HasConversion(
                v => v.ToString().ToLowerInvariant(), v => Enum.Parse<Privacy.Geoprivacy>(v, true));
            e.HasOne<User>().WithMany().HasForeignKey(o => o.AuthorId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(o => o.Photos).WithOne().HasForeignKey(p => p.ObservationId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(o => o.Identifications).WithOne().HasForeignKey(i => i.ObservationId).OnDelete(DeleteBehavior.Cascade);
            // The latest list, the map's viewport query and the taxon pages.
            e.HasIndex(o => o.CreatedUtc);
            // Public outputs and their filters use the public position only (geoprivacy). On PostgreSQL
            // it covers the map's columns: a dense viewport is read from the index alone (no heap page
            // per row; the rows lie in creation order, not by place). SQLite has no INCLUDE and ignores it.
            e.HasIndex(o => new { o.PublicLatitude, o.PublicLongitude })
                .IncludeProperties(nameof(Observation.CreatedUtc), nameof(Observation.Id), nameof(Observation.TaxonName), nameof(Observation.ObservedUtc), nameof(Observation.Project));
            e.HasIndex(o => new { o.TaxonName, o.CreatedUtc });
            // Covering too on PostgreSQL: the map's date ranges read from the index alone.
            e.HasIndex(o => o.ObservedUtc)
                .IncludeProperties(nameof(Observation.CreatedUtc), nameof(Observation.Id), nameof(Observation.TaxonName), nameof(Observation.PublicLatitude),
                    nameof(Observation.PublicLongitude), nameof(Observation.Project));
            e.HasIndex(o => o.AuthorId);
            // The identification game: observations that need votes, in a flora. Valid ones (most of
            // them) are never offered, so they have no entry: the game's query (Status <> 'valid')
            // matches the filter, and the batch has fewer entries to write.
            e.HasIndex(o => new { o.Status, o.Project, o.CreatedUtc }).HasFilter("\"Status\" <> 'valid'");
            // Idempotent saving: one observation per author and client id, whoever wins a concurrent retry (NULLs are distinct).
            e.HasIndex(o => new { o.AuthorId, o.ClientId }).IsUnique();
        });
        b.Entity<ObservationPhoto>(e =>
        {
            e.ToTable("observation_photos");
            e.Property(p => p.Sha256).HasMaxLength(64);
            e.Property(p => p.Organ).HasMaxLength(16);
            e.HasIndex(p => p.Sha256);
            e.HasIndex(p => new { p.ObservationId, p.Position }).IsUnique();
            e.Property(p => p.VotedOrgan).HasMaxLength(16);
            e.Property(p => p.ExcludedBecause).HasMaxLength(32);
            e.HasMany(p => p.Votes).WithOne().HasForeignKey(v => v.PhotoId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<PhotoVote>(e =>
        {
            e.ToTable("photo_votes");
            e.Property(v => v.Aspect).HasMaxLength(16);
            e.Property(v => v.Value).HasMaxLength(16);
            e.HasOne<User>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(v => new { v.PhotoId, v.UserId, v.Aspect }).IsUnique().HasFilter("\"IsCurrent\"").HasDatabaseName("IX_photo_votes_current");
            e.HasIndex(v => new { v.UserId, v.IsCurrent });
        });
        b.Entity<GameSkip>(e =>
        {
            e.ToTable("game_skips");
            e.HasKey(s => new { s.UserId, s.ObservationId });
            e.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Observation>().WithMany().HasForeignKey(s => s.ObservationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Models.ModelVersion>(e =>
        {
            e.ToTable("model_versions");
            e.Property(m => m.Version).HasMaxLength(100);
            e.Property(m => m.Path).HasMaxLength(1000);
            e.Property(m => m.BundleKey).HasMaxLength(400);
            e.Property(m => m.Decision).HasMaxLength(1000);
            e.HasIndex(m => m.Version).IsUnique();
            e.HasIndex(m => m.IsCurrent);
        });
        b.Entity<Privacy.ThreatStatus>(e =>
        {
            e.ToTable("threat_statuses");
            e.HasKey(t => t.ScientificName);
            e.Property(t => t.ScientificName).HasMaxLength(200);
            // The same text column as the two-letter codes it always held: no migration.
            e.Property(t => t.Category).HasMaxLength(8).HasConversion(v => Privacy.IucnCategories.Code(v), v => Privacy.IucnCategories.FromCode(v));
            e.Property(t => t.Source).HasMaxLength(200);
        });
        b.Entity<Security.UserSession>(e =>
        {
            e.ToTable("user_sessions");
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.UserAgent).HasMaxLength(200);
            e.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => new { s.UserId, s.EndedUtc });
        });
        b.Entity<Security.RateCounter>(e =>
        {
            // snake_case: counted with hand-written upserts, like the quotas.
            e.ToTable("rate_counters");
            e.HasKey(c => new { c.Scope, c.Subject, c.WindowStart });
            e.Property(c => c.Scope).HasColumnName("scope").HasMaxLength(32);
            e.Property(c => c.Subject).HasColumnName("subject").HasMaxLength(128);
            e.Property(c => c.WindowStart).HasColumnName("window_start");
            e.Property(c => c.Count).HasColumnName("count");
            e.HasIndex(c => c.WindowStart);
        });
        b.Entity<Floras.ChecklistProject>(e =>
        {
            e.ToTable("checklist_projects");
            e.Property(p => p.Code).HasMaxLength(Florascope.Taxonomy.ProjectCode.MaxLength);
            e.Property(p => p.Title).HasMaxLength(Floras.ChecklistProject.MaxTitleLength);
            e.Property(p => p.Description).HasMaxLength(Floras.ChecklistProject.MaxDescriptionLength);
            e.Property(p => p.SourceFile).HasMaxLength(260);
            e.HasIndex(p => p.Code).IsUnique();
            e.HasMany(p => p.Names).WithOne().HasForeignKey(n => n.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Floras.ChecklistName>(e =>
        {
            e.ToTable("checklist_names");
            e.Property(n => n.TaxonId).HasMaxLength(200);
            e.Property(n => n.CanonicalName).HasMaxLength(300);
            e.Property(n => n.Authorship).HasMaxLength(300);
            e.Property(n => n.Rank).HasMaxLength(32);
            e.Property(n => n.TaxonomicStatus).HasMaxLength(64);
            e.Property(n => n.AcceptedTaxonId).HasMaxLength(200);
            e.Property(n => n.Genus).HasMaxLength(100);
            e.Property(n => n.Family).HasMaxLength(100);
            e.HasIndex(n => new { n.ProjectId, n.TaxonId }).IsUnique();
            e.HasMany(n => n.VernacularNames).WithOne().HasForeignKey(v => v.NameId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Floras.ChecklistVernacularName>(e =>
        {
            e.ToTable("checklist_vernacular_names");
            e.Property(v => v.Name).HasMaxLength(300);
            e.Property(v => v.Language).HasMaxLength(8);
            e.HasIndex(v => v.NameId);
        });
        b.Entity<Observations.Identification>(e =>
        {
            e.ToTable("identifications");
            e.Property(i => i.TaxonName).HasMaxLength(200);
            e.HasOne<User>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
            // At most one current identification per user and observation, even under concurrent requests.
            e.HasIndex(i => new { i.ObservationId, i.UserId }).IsUnique().HasFilter("\"IsCurrent\"").HasDatabaseName("IX_identifications_current");
            e.HasIndex(i => new { i.ObservationId, i.UserId, i.IsCurrent });
            e.HasIndex(i => new { i.UserId, i.IsCurrent });
        });
    }

    private static void ConfigureChallenges(ModelBuilder b)
    {
        b.Entity<Challenges.Challenge>(e =>
        {
            e.ToTable("challenges");
            e.Property(c => c.Slug).HasMaxLength(64);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Description).HasMaxLength(4000);
            e.Property(c => c.BaselineNote).HasMaxLength(500);
            e.HasIndex(c => c.Slug).IsUnique();
        });
        b.Entity<Challenges.ChallengeTeam>(e =>
        {
            e.ToTable("challenge_teams");
            e.Property(t => t.Name).HasMaxLength(64);
            e.HasIndex(t => new { t.ChallengeId, t.Name }).IsUnique();
            e.HasOne<Challenges.Challenge>().WithMany().HasForeignKey(t => t.ChallengeId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Challenges.ChallengeTeamMember>(e =>
        {
            e.ToTable("challenge_team_members");
            // One team per account per challenge.
            e.HasKey(m => new { m.ChallengeId, m.UserId });
            e.HasIndex(m => m.TeamId);
            e.HasOne<Challenges.ChallengeTeam>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Challenges.ChallengeInvitation>(e =>
        {
            e.ToTable("challenge_invitations");
            e.HasIndex(i => new { i.TeamId, i.UserId }).IsUnique();
            e.HasIndex(i => new { i.UserId, i.ChallengeId });
            e.HasOne<Challenges.ChallengeTeam>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<User>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Challenges.ChallengeRun>(e =>
        {
            e.ToTable("challenge_runs");
            e.Property(r => r.Method).HasMaxLength(1000);
            e.Property(r => r.FileName).HasMaxLength(200);
            e.Property(r => r.Error).HasMaxLength(1000);
            e.Property(r => r.ModelVersion).HasMaxLength(100);
            e.Property(r => r.ClaimedBy).HasMaxLength(100);
            e.Property(r => r.Status).HasMaxLength(16).HasConversion(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<Challenges.RunStatus>(v, true));
            e.HasIndex(r => new { r.ChallengeId, r.TeamId, r.SubmittedUtc });
            e.HasIndex(r => r.Status);
            e.HasOne<Challenges.ChallengeTeam>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

public sealed class SqliteFlorascopeDb(DbContextOptions<SqliteFlorascopeDb> options) : FlorascopeDb(options);

public sealed class PostgresFlorascopeDb(DbContextOptions<PostgresFlorascopeDb> options) : FlorascopeDb(options);
