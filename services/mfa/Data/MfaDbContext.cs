using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Mfa.Factors;
using Auth.Platform.Mfa.Settings;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Mfa.Data;

/// <summary>Keep in step with <c>Data/Migrations/*.sql</c> (databases created before a table existed get it from there).</summary>
public sealed class MfaDbContext(DbContextOptions<MfaDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string TotpPerUserIndex = "ux_mfa_factors_user_totp";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<MfaFactor> Factors => Set<MfaFactor>();
    public DbSet<BackupCode> BackupCodes => Set<BackupCode>();
    public DbSet<MfaChallenge> Challenges => Set<MfaChallenge>();
    public DbSet<MfaAttempt> Attempts => Set<MfaAttempt>();
    public DbSet<MfaUserSettings> UserSettings => Set<MfaUserSettings>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<MfaFactor>(e =>
        {
            e.ToTable("mfa_factors");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(21);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Type).HasMaxLength(16);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Transports).HasMaxLength(300);
            e.Property(x => x.AttestationFormat).HasMaxLength(32);
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_mfa_factors_user_id");
            // W-R19: a credential belongs to one user only; the index is also how authentication finds it.
            e.HasIndex(x => x.CredentialId).IsUnique().HasDatabaseName("ux_mfa_factors_credential_id");
            // One TOTP per user (Logto's rule), held by the database too: the Experience bind and the Management API race otherwise.
            e.HasIndex(x => x.UserId, TotpPerUserIndex).IsUnique().HasFilter("type = 'Totp'").HasDatabaseName(TotpPerUserIndex);
        });
        modelBuilder.Entity<BackupCode>(e =>
        {
            e.ToTable("mfa_backup_codes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.FactorId).HasMaxLength(21);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_mfa_backup_codes_user_id");
            e.HasOne<MfaFactor>().WithMany().HasForeignKey(x => x.FactorId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<MfaChallenge>(e =>
        {
            e.ToTable("mfa_challenges");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.Purpose).HasMaxLength(32);
            e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_mfa_challenges_expires_at");
        });
        modelBuilder.Entity<MfaAttempt>(e =>
        {
            e.ToTable("mfa_attempts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.UserId).HasMaxLength(64);
            e.Property(x => x.FactorType).HasMaxLength(16);
            e.Property(x => x.Reason).HasMaxLength(64);
            e.HasIndex(x => new { x.UserId, x.FactorType, x.CreatedAt }).HasDatabaseName("ix_mfa_attempts_user_factor_created_at");
        });
        modelBuilder.Entity<MfaUserSettings>(e =>
        {
            e.ToTable("mfa_user_settings");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(64);
        });
    }
}
