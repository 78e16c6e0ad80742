using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Data;

public sealed class OrganizationDbContext(DbContextOptions<OrganizationDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
