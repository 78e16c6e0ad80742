using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Notification.BackChannelLogout;
using Auth.Platform.Notification.Delivery;
using Auth.Platform.Notification.Recipients;
using Auth.Platform.Notification.VerificationCodes;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Data;

public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    public DbSet<Recipient> Recipients => Set<Recipient>();
    public DbSet<VerificationCode> VerificationCodes => Set<VerificationCode>();
    public DbSet<DeliveryRecord> Deliveries => Set<DeliveryRecord>();
    public DbSet<DevSmsMessage> DevSmsMessages => Set<DevSmsMessage>();
    public DbSet<BackChannelLogoutDelivery> BackChannelLogoutDeliveries => Set<BackChannelLogoutDelivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Recipient>(e =>
        {
            e.ToTable("recipients");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(12);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Phone).HasMaxLength(16);
        });
        modelBuilder.Entity<VerificationCode>(e =>
        {
            e.ToTable("verification_codes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(21);
            e.Property(x => x.InteractionId).HasMaxLength(128);
            e.Property(x => x.Purpose).HasMaxLength(32);
            e.Property(x => x.Channel).HasMaxLength(8);
            e.Property(x => x.Recipient).HasMaxLength(254);
            // Cooldown and hourly cap look up a recipient's recent codes; voiding looks up the binding.
            e.HasIndex(x => new { x.Channel, x.Recipient, x.CreatedAt }).HasDatabaseName("ix_verification_codes_recipient_created_at");
            e.HasIndex(x => new { x.InteractionId, x.Purpose }).HasDatabaseName("ix_verification_codes_binding");
        });
        modelBuilder.Entity<DeliveryRecord>(e =>
        {
            e.ToTable("deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Channel).HasMaxLength(8);
            e.Property(x => x.Recipient).HasMaxLength(254);
            e.Property(x => x.Purpose).HasMaxLength(32);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.Error).HasMaxLength(500);
            // Keep in step with Data/Migrations/0004_pending_code_deliveries.sql.
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.Text).HasMaxLength(1000);
            e.HasIndex(x => x.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_deliveries_pending");
        });
        modelBuilder.Entity<DevSmsMessage>(e =>
        {
            e.ToTable("dev_sms_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.To).HasMaxLength(16);
            e.Property(x => x.Text).HasMaxLength(1000);
        });
        // Keep in step with Data/Migrations/0002_backchannel_logout_deliveries.sql.
        modelBuilder.Entity<BackChannelLogoutDelivery>(e =>
        {
            e.ToTable("backchannel_logout_deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.ClientId).HasMaxLength(64);
            e.Property(x => x.Uri).HasMaxLength(2048);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(300);
            // The dispatcher scans only pending rows; the log is read per application.
            e.HasIndex(x => x.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_backchannel_logout_deliveries_pending");
            e.HasIndex(x => new { x.ClientId, x.CreatedAt }).HasDatabaseName("ix_backchannel_logout_deliveries_client_created_at");
        });
    }
}
