using Florascope.Data.ApiKeys;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data;

/// <summary>
/// The one EF Core model of Florascope. Each database provider derives its own context type
/// only so that it can carry its own migration set (Migrations/Sqlite, Migrations/Postgres).
/// </summary>
public abstract class FlorascopeDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<QuotaUsage> QuotaUsage => Set<QuotaUsage>();

    protected override void OnModelCreating(ModelBuilder b)
    {
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
            e.HasIndex(k => k.KeyHash).IsUnique();
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
    }
}

public sealed class SqliteFlorascopeDb(DbContextOptions<SqliteFlorascopeDb> options) : FlorascopeDb(options);

public sealed class PostgresFlorascopeDb(DbContextOptions<PostgresFlorascopeDb> options) : FlorascopeDb(options);
