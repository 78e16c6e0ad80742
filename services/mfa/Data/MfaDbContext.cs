using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Mfa.Data;

public sealed class MfaDbContext(DbContextOptions<MfaDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
