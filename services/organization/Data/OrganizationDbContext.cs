using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Applications;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.JustInTime;
using Auth.Platform.Organization.Organizations;
using Auth.Platform.Organization.SelfService;
using Auth.Platform.Organization.Template;
using Auth.Platform.Organization.UserDirectory;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Data;

/// <summary>
/// A new database gets this model whole; an existing one gets the scripts in <c>Data/Migrations</c> it lacks, so every
/// model change here needs a matching script.
/// </summary>
public sealed class OrganizationDbContext(DbContextOptions<OrganizationDbContext> options) : DbContext(options)
{
    public DbSet<DirectoryUser> DirectoryUsers => Set<DirectoryUser>();
    public DbSet<OrganizationEntity> Organizations => Set<OrganizationEntity>();
    public DbSet<OrganizationMember> Members => Set<OrganizationMember>();
    public DbSet<OrganizationScope> Scopes => Set<OrganizationScope>();
    public DbSet<OrganizationRole> Roles => Set<OrganizationRole>();
    public DbSet<OrganizationRoleScope> RoleScopes => Set<OrganizationRoleScope>();
    public DbSet<OrganizationMemberRole> MemberRoles => Set<OrganizationMemberRole>();
    public DbSet<OrganizationInvitation> Invitations => Set<OrganizationInvitation>();
    public DbSet<OrganizationInvitationRole> InvitationRoles => Set<OrganizationInvitationRole>();
    public DbSet<OrganizationJitEmailDomain> JitEmailDomains => Set<OrganizationJitEmailDomain>();
    public DbSet<OrganizationJitRole> JitRoles => Set<OrganizationJitRole>();
    public DbSet<OrganizationJitSsoConnector> JitSsoConnectors => Set<OrganizationJitSsoConnector>();
    public DbSet<OrganizationApplication> Applications => Set<OrganizationApplication>();
    public DbSet<OrganizationApplicationRole> ApplicationRoles => Set<OrganizationApplicationRole>();
    public DbSet<OrganizationCreationSettings> Settings => Set<OrganizationCreationSettings>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<DirectoryUser>(e =>
        {
            e.ToTable("user_directory");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.PrimaryEmail).HasMaxLength(254);
            // Invitations and JIT provisioning match by email (and later by email domain).
            e.HasIndex(x => x.PrimaryEmail).HasDatabaseName("ix_user_directory_primary_email");
        });
        modelBuilder.Entity<OrganizationEntity>(e =>
        {
            e.ToTable("organizations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Description).HasMaxLength(256);
            e.Property(x => x.CustomData).HasColumnType("jsonb");
            e.Property(x => x.Branding).HasColumnType("jsonb");
            e.HasIndex(x => x.CreatedAt).HasDatabaseName("ix_organizations_created_at");
        });
        modelBuilder.Entity<OrganizationMember>(e =>
        {
            e.ToTable("organization_users");
            e.HasKey(x => new { x.OrganizationId, x.UserId });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.UserId).HasMaxLength(12);
            // signin asks for one user's memberships on every organization token.
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_organization_users_user_id");
            e.HasOne<OrganizationEntity>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_users_organizations");
            // Only users the directory replica knows can be members, and a user leaving the directory leaves every
            // organization: enforced by the database, so a concurrent deletion cannot leave a membership behind.
            e.HasOne<DirectoryUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_users_user_directory");
        });
        modelBuilder.Entity<OrganizationScope>(e =>
        {
            e.ToTable("organization_scopes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.Name).HasMaxLength(TemplateRules.MaxName);
            e.Property(x => x.Description).HasMaxLength(TemplateRules.MaxDescription);
            e.HasIndex(x => x.Name).IsUnique().HasDatabaseName("ux_organization_scopes_name");
        });
        modelBuilder.Entity<OrganizationRole>(e =>
        {
            e.ToTable("organization_roles");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.Name).HasMaxLength(TemplateRules.MaxName);
            e.Property(x => x.Description).HasMaxLength(TemplateRules.MaxDescription);
            e.Property(x => x.Type).HasMaxLength(32);
            e.HasIndex(x => x.Name).IsUnique().HasDatabaseName("ux_organization_roles_name");
        });
        modelBuilder.Entity<OrganizationRoleScope>(e =>
        {
            e.ToTable("organization_role_scopes");
            e.HasKey(x => new { x.RoleId, x.ScopeId });
            e.Property(x => x.RoleId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.ScopeId).HasMaxLength(OrganizationIds.Length);
            e.HasIndex(x => x.ScopeId).HasDatabaseName("ix_organization_role_scopes_scope_id");
            e.HasOne<OrganizationRole>().WithMany().HasForeignKey(x => x.RoleId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_role_scopes_roles");
            e.HasOne<OrganizationScope>().WithMany().HasForeignKey(x => x.ScopeId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_role_scopes_scopes");
        });
        modelBuilder.Entity<OrganizationMemberRole>(e =>
        {
            e.ToTable("organization_user_roles");
            e.HasKey(x => new { x.OrganizationId, x.UserId, x.RoleId });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.RoleId).HasMaxLength(OrganizationIds.Length);
            e.HasIndex(x => x.RoleId).HasDatabaseName("ix_organization_user_roles_role_id");
            // A role belongs to a membership: leaving the organization (or the organization going) takes the roles along.
            e.HasOne<OrganizationMember>().WithMany().HasForeignKey(x => new { x.OrganizationId, x.UserId }).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_user_roles_memberships");
            e.HasOne<OrganizationRole>().WithMany().HasForeignKey(x => x.RoleId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_user_roles_roles");
        });
        modelBuilder.Entity<OrganizationInvitation>(e =>
        {
            e.ToTable("organization_invitations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.Invitee).HasMaxLength(254);
            e.Property(x => x.InviterId).HasMaxLength(12);
            e.Property(x => x.AcceptedUserId).HasMaxLength(12);
            e.Property(x => x.Status).HasMaxLength(16);
            // Logto's rule, enforced where two concurrent invitations cannot both pass: one Pending per invitee and organization.
            e.HasIndex(x => new { x.OrganizationId, x.Invitee }).IsUnique().HasFilter("status = 'Pending'")
                .HasDatabaseName("ux_organization_invitations_pending");
            e.HasIndex(x => x.Invitee).HasDatabaseName("ix_organization_invitations_invitee");
            e.HasOne<OrganizationEntity>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_invitations_organizations");
        });
        modelBuilder.Entity<OrganizationInvitationRole>(e =>
        {
            e.ToTable("organization_invitation_roles");
            e.HasKey(x => new { x.InvitationId, x.RoleId });
            e.Property(x => x.InvitationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.RoleId).HasMaxLength(OrganizationIds.Length);
            e.HasIndex(x => x.RoleId).HasDatabaseName("ix_organization_invitation_roles_role_id");
            e.HasOne<OrganizationInvitation>().WithMany().HasForeignKey(x => x.InvitationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_invitation_roles_invitations");
            e.HasOne<OrganizationRole>().WithMany().HasForeignKey(x => x.RoleId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_invitation_roles_roles");
        });
        modelBuilder.Entity<OrganizationJitEmailDomain>(e =>
        {
            e.ToTable("organization_jit_email_domains");
            e.HasKey(x => new { x.OrganizationId, x.EmailDomain });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.EmailDomain).HasMaxLength(253);
            // A new user's domain is looked up on every registration.
            e.HasIndex(x => x.EmailDomain).HasDatabaseName("ix_organization_jit_email_domains_email_domain");
            e.HasOne<OrganizationEntity>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_jit_email_domains_organizations");
        });
        modelBuilder.Entity<OrganizationJitRole>(e =>
        {
            e.ToTable("organization_jit_roles");
            e.HasKey(x => new { x.OrganizationId, x.RoleId });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.RoleId).HasMaxLength(OrganizationIds.Length);
            e.HasIndex(x => x.RoleId).HasDatabaseName("ix_organization_jit_roles_role_id");
            e.HasOne<OrganizationEntity>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_jit_roles_organizations");
            e.HasOne<OrganizationRole>().WithMany().HasForeignKey(x => x.RoleId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_jit_roles_roles");
        });
        modelBuilder.Entity<OrganizationJitSsoConnector>(e =>
        {
            e.ToTable("organization_jit_sso_connectors");
            e.HasKey(x => new { x.OrganizationId, x.SsoConnectorId });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.SsoConnectorId).HasMaxLength(128);
            // Every first SSO sign-in looks its connector up.
            e.HasIndex(x => x.SsoConnectorId).HasDatabaseName("ix_organization_jit_sso_connectors_sso_connector_id");
            e.HasOne<OrganizationEntity>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_jit_sso_connectors_organizations");
        });
        modelBuilder.Entity<OrganizationApplication>(e =>
        {
            e.ToTable("organization_applications");
            e.HasKey(x => new { x.OrganizationId, x.ApplicationId });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.ApplicationId).HasMaxLength(21);
            // signin asks for one application's memberships on every client_credentials organization token.
            e.HasIndex(x => x.ApplicationId).HasDatabaseName("ix_organization_applications_application_id");
            e.HasOne<OrganizationEntity>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_applications_organizations");
        });
        modelBuilder.Entity<OrganizationApplicationRole>(e =>
        {
            e.ToTable("organization_application_roles");
            e.HasKey(x => new { x.OrganizationId, x.ApplicationId, x.RoleId });
            e.Property(x => x.OrganizationId).HasMaxLength(OrganizationIds.Length);
            e.Property(x => x.ApplicationId).HasMaxLength(21);
            e.Property(x => x.RoleId).HasMaxLength(OrganizationIds.Length);
            e.HasIndex(x => x.RoleId).HasDatabaseName("ix_organization_application_roles_role_id");
            e.HasOne<OrganizationApplication>().WithMany().HasForeignKey(x => new { x.OrganizationId, x.ApplicationId }).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_application_roles_memberships");
            e.HasOne<OrganizationRole>().WithMany().HasForeignKey(x => x.RoleId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_organization_application_roles_roles");
        });
        modelBuilder.Entity<OrganizationCreationSettings>(e =>
        {
            e.ToTable("organization_settings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.OrganizationCreation).HasMaxLength(16);
            e.Property(x => x.OwnerRoleId).HasMaxLength(OrganizationIds.Length);
            // A deleted owner role leaves creation allowed, without a role for the creator.
            e.HasOne<OrganizationRole>().WithMany().HasForeignKey(x => x.OwnerRoleId).OnDelete(DeleteBehavior.SetNull)
                .HasConstraintName("fk_organization_settings_organization_roles_owner_role_id");
        });
    }
}
