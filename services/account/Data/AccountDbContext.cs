using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.EntityFrameworkCore;

using Auth.Platform.Account.AccountCenter;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.Identities;
using Auth.Platform.Account.PersonalAccessTokens;
using Auth.Platform.Account.Verifications;

namespace Auth.Platform.Account.Data;

public sealed class AccountDbContext(DbContextOptions<AccountDbContext> options) : DbContext(options)
{
    /// <summary>Unique index names: a unique violation on one of them is mapped to its Logto error code.</summary>
    public const string UsernameIndex = "ux_users_username";
    public const string EmailIndex = "ux_users_primary_email_normalized";
    public const string PhoneIndex = "ux_users_primary_phone";
    public const string IdentityIndex = "ux_user_identities_target_identity_id";
    public const string IdentityKey = "pk_user_identities";
    public const string SsoIdentityIndex = "ux_user_sso_identities_issuer_identity_id";
    public const string SsoIdentityConnectorIndex = "ux_user_sso_identities_user_id_sso_connector_id";

    public DbSet<User> Users => Set<User>();
    public DbSet<AccountCenterSettings> AccountCenterSettings => Set<AccountCenterSettings>();
    public DbSet<VerificationRecord> VerificationRecords => Set<VerificationRecord>();
    public DbSet<UserIdentity> UserIdentities => Set<UserIdentity>();
    public DbSet<UserSsoIdentity> UserSsoIdentities => Set<UserSsoIdentity>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(12);
            e.Property(x => x.Username).HasMaxLength(UsernameRules.MaxLength);
            e.Property(x => x.PrimaryEmail).HasMaxLength(EmailAddressRules.MaxLength);
            e.Property(x => x.PrimaryEmailNormalized).HasMaxLength(EmailAddressRules.MaxLength);
            e.Property(x => x.PrimaryPhone).HasMaxLength(16);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Avatar).HasMaxLength(2048);
            e.Property(x => x.CustomData).HasColumnType("jsonb");
            e.Property(x => x.Profile).HasColumnType("jsonb");
            e.Property(x => x.PasswordHash).HasMaxLength(256);
            // PostgreSQL unique indexes ignore NULLs, so users without a given identifier never collide.
            e.HasIndex(x => x.Username).IsUnique().HasDatabaseName(UsernameIndex);
            e.HasIndex(x => x.PrimaryEmailNormalized).IsUnique().HasDatabaseName(EmailIndex);
            e.HasIndex(x => x.PrimaryPhone).IsUnique().HasDatabaseName(PhoneIndex);
            // The Management API lists newest first.
            e.HasIndex(x => x.CreatedAt).HasDatabaseName("ix_users_created_at");
        });
        modelBuilder.Entity<AccountCenterSettings>(e =>
        {
            e.ToTable("account_center_settings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(16);
            e.Property(x => x.Fields).HasColumnType("jsonb");
            e.Property(x => x.DeleteAccountUrl).HasMaxLength(2048);
        });
        modelBuilder.Entity<VerificationRecord>(e =>
        {
            e.ToTable("verification_records");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(21);
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.Type).HasMaxLength(32);
            e.Property(x => x.IdentifierType).HasMaxLength(8);
            e.Property(x => x.Identifier).HasMaxLength(EmailAddressRules.MaxLength);
            e.Property(x => x.TemplateType).HasMaxLength(32);
            e.Property(x => x.CodeId).HasMaxLength(64);
            // Records go with their user.
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_verification_records_user_id");
        });
        modelBuilder.Entity<UserIdentity>(e =>
        {
            e.ToTable("user_identities");
            e.HasKey(x => new { x.UserId, x.Target }).HasName(IdentityKey);
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.Target).HasMaxLength(IdentityRules.MaxTargetLength);
            e.Property(x => x.IdentityId).HasMaxLength(IdentityRules.MaxIdentityIdLength);
            e.Property(x => x.Details).HasColumnType("jsonb");
            // Identities go with their user (migration 0005).
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.Target, x.IdentityId }).IsUnique().HasDatabaseName(IdentityIndex);
        });
        modelBuilder.Entity<UserSsoIdentity>(e =>
        {
            e.ToTable("user_sso_identities");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(21);
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.Issuer).HasMaxLength(IdentityRules.MaxIssuerLength);
            e.Property(x => x.IdentityId).HasMaxLength(IdentityRules.MaxIdentityIdLength);
            e.Property(x => x.SsoConnectorId).HasMaxLength(IdentityRules.MaxTargetLength);
            e.Property(x => x.Detail).HasColumnType("jsonb");
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.Issuer, x.IdentityId }).IsUnique().HasDatabaseName(SsoIdentityIndex);
            e.HasIndex(x => new { x.UserId, x.SsoConnectorId }).IsUnique().HasDatabaseName(SsoIdentityConnectorIndex);
        });
        modelBuilder.Entity<PersonalAccessToken>(e =>
        {
            e.ToTable("personal_access_tokens");
            e.HasKey(x => new { x.UserId, x.Name });
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.Name).HasMaxLength(PersonalAccessToken.MaxNameLength);
            e.HasIndex(x => x.ValueHash).IsUnique().HasDatabaseName("ux_personal_access_tokens_value_hash");
            // Tokens go with their user.
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
