using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Data;

public sealed class AccountDbContext(DbContextOptions<AccountDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
