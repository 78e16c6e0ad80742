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
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(21);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(64);
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(16);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(128);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.LastUsedAt).HasColumnName("last_used_at");
            e.Property(x => x.ProtectedTotpSecret).HasColumnName("protected_totp_secret");
            e.Property(x => x.TotpLastUsedStep).HasColumnName("totp_last_used_step");
            e.Property(x => x.CredentialId).HasColumnName("credential_id");
            e.Property(x => x.CredentialPublicKey).HasColumnName("credential_public_key");
            e.Property(x => x.CredentialAlgorithm).HasColumnName("credential_algorithm");
            e.Property(x => x.SignCount).HasColumnName("sign_count");
            e.Property(x => x.Aaguid).HasColumnName("aaguid");
            e.Property(x => x.BackupEligible).HasColumnName("backup_eligible");
            e.Property(x => x.BackupState).HasColumnName("backup_state");
            e.Property(x => x.UvInitialized).HasColumnName("uv_initialized");
            e.Property(x => x.Transports).HasColumnName("transports").HasMaxLength(300);
            e.Property(x => x.AttestationFormat).HasColumnName("attestation_format").HasMaxLength(32);
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_mfa_factors_user_id");
            // W-R19: a credential belongs to one user only; the index is also how authentication finds it.
            e.HasIndex(x => x.CredentialId).IsUnique().HasDatabaseName("ux_mfa_factors_credential_id");
            // One TOTP per user (Logto's rule), held by the database too: the Experience bind and the Management API race otherwise.
            e.HasIndex(x => x.UserId, TotpPerUserIndex).IsUnique().HasFilter("type = 'Totp'");
        });
        modelBuilder.Entity<BackupCode>(e =>
        {
            e.ToTable("mfa_backup_codes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.FactorId).HasColumnName("factor_id").HasMaxLength(21);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(64);
            e.Property(x => x.Salt).HasColumnName("salt");
            e.Property(x => x.Hash).HasColumnName("hash");
            e.Property(x => x.UsedAt).HasColumnName("used_at");
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_mfa_backup_codes_user_id");
            e.HasOne<MfaFactor>().WithMany().HasForeignKey(x => x.FactorId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<MfaChallenge>(e =>
        {
            e.ToTable("mfa_challenges");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(32);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(64);
            e.Property(x => x.Purpose).HasColumnName("purpose").HasMaxLength(32);
            e.Property(x => x.Challenge).HasColumnName("challenge");
            e.Property(x => x.ProtectedState).HasColumnName("protected_state");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.VerifiedAt).HasColumnName("verified_at");
            e.Property(x => x.ConsumedAt).HasColumnName("consumed_at");
            e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_mfa_challenges_expires_at");
        });
        modelBuilder.Entity<MfaAttempt>(e =>
        {
            e.ToTable("mfa_attempts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(64);
            e.Property(x => x.FactorType).HasColumnName("factor_type").HasMaxLength(16);
            e.Property(x => x.Succeeded).HasColumnName("succeeded");
            e.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(64);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.HasIndex(x => new { x.UserId, x.FactorType, x.CreatedAt }).HasDatabaseName("ix_mfa_attempts_user_factor_created_at");
        });
        modelBuilder.Entity<MfaUserSettings>(e =>
        {
            e.ToTable("mfa_user_settings");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(64);
            e.Property(x => x.Skipped).HasColumnName("skipped");
            e.Property(x => x.SkipMfaOnSignIn).HasColumnName("skip_mfa_on_sign_in");
            e.Property(x => x.PasskeySkipped).HasColumnName("passkey_skipped");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
    }
}
