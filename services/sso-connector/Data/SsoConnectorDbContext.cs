using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.Data;

public sealed class SsoConnectorDbContext(DbContextOptions<SsoConnectorDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
