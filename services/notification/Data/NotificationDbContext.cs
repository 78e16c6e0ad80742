using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Data;

public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
