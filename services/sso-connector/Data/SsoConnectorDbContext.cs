using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.SsoConnectors;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.Data;

/// <summary>Keep in step with <c>Data/Migrations/*.sql</c> (databases created before a table existed get it from there).</summary>
public sealed class SsoConnectorDbContext(DbContextOptions<SsoConnectorDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SocialConnector> Connectors => Set<SocialConnector>();
    public DbSet<EnterpriseConnector> SsoConnectors => Set<EnterpriseConnector>();
    public DbSet<SsoConnectorDomain> SsoConnectorDomains => Set<SsoConnectorDomain>();
    public DbSet<IdpInitiatedAuthConfig> IdpInitiatedAuthConfigs => Set<IdpInitiatedAuthConfig>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<SocialConnector>(e =>
        {
            e.ToTable("connectors");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(128);
            e.Property(x => x.ConnectorId).HasMaxLength(128);
            e.Property(x => x.Target).HasMaxLength(128);
            e.Property(x => x.Config).HasColumnType("jsonb");
            e.Property(x => x.Metadata).HasColumnType("jsonb");
            // Logto's rule: one social connector per target (a second "google" would make the sign-in button ambiguous).
            e.HasIndex(x => x.Target).IsUnique().HasDatabaseName("ux_connectors_target");
        });
        modelBuilder.Entity<EnterpriseConnector>(e =>
        {
            e.ToTable("sso_connectors");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(128);
            e.Property(x => x.ProviderName).HasMaxLength(32);
            e.Property(x => x.ConnectorName).HasMaxLength(128);
            e.Property(x => x.Config).HasColumnType("jsonb");
            e.Property(x => x.Branding).HasColumnType("jsonb");
            e.HasIndex(x => x.ConnectorName).IsUnique().HasDatabaseName("ux_sso_connectors_connector_name");
        });
        modelBuilder.Entity<SsoConnectorDomain>(e =>
        {
            // One row per claimed domain: the key is what refuses a domain claimed by two connectors, races included.
            e.ToTable("sso_connector_domains");
            e.HasKey(x => x.Domain);
            e.Property(x => x.Domain).HasMaxLength(253);
            e.Property(x => x.ConnectorId).HasMaxLength(128);
            e.HasIndex(x => x.ConnectorId).HasDatabaseName("ix_sso_connector_domains_connector_id");
            e.HasOne<EnterpriseConnector>().WithMany().HasForeignKey(x => x.ConnectorId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<IdpInitiatedAuthConfig>(e =>
        {
            e.ToTable("sso_connector_idp_initiated_auth_configs");
            e.HasKey(x => x.ConnectorId);
            e.Property(x => x.ConnectorId).HasMaxLength(128);
            e.Property(x => x.DefaultApplicationId).HasMaxLength(128);
            e.Property(x => x.RedirectUri).HasMaxLength(2048);
            e.Property(x => x.ClientIdpInitiatedAuthCallbackUri).HasMaxLength(2048);
            e.Property(x => x.AuthParameters).HasColumnType("jsonb");
            e.HasOne<EnterpriseConnector>().WithOne().HasForeignKey<IdpInitiatedAuthConfig>(x => x.ConnectorId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
