using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.UserDirectory;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Data;

public sealed class OrganizationDbContext(DbContextOptions<OrganizationDbContext> options) : DbContext(options)
{
    public DbSet<DirectoryUser> DirectoryUsers => Set<DirectoryUser>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<DirectoryUser>(e =>
        {
            e.ToTable("user_directory");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(12);
            e.Property(x => x.PrimaryEmail).HasColumnName("primary_email").HasMaxLength(254);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            // Invitations and JIT provisioning match by email (and later by email domain).
            e.HasIndex(x => x.PrimaryEmail).HasDatabaseName("ix_user_directory_primary_email");
        });
    }
}
