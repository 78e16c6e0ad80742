using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Notification.Recipients;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Data;

public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    public DbSet<Recipient> Recipients => Set<Recipient>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Recipient>(e =>
        {
            e.ToTable("recipients");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(12);
            e.Property(x => x.Email).HasColumnName("email").HasMaxLength(254);
            e.Property(x => x.Phone).HasColumnName("phone").HasMaxLength(16);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });
    }
}
