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
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(12);
            e.Property(x => x.Email).HasColumnName("email").HasMaxLength(254);
            e.Property(x => x.Phone).HasColumnName("phone").HasMaxLength(16);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });
        modelBuilder.Entity<VerificationCode>(e =>
        {
            e.ToTable("verification_codes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(21);
            e.Property(x => x.InteractionId).HasColumnName("interaction_id").HasMaxLength(128);
            e.Property(x => x.Purpose).HasColumnName("purpose").HasMaxLength(32);
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(8);
            e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(254);
            e.Property(x => x.Salt).HasColumnName("salt");
            e.Property(x => x.CodeHash).HasColumnName("code_hash");
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.MaxAttempts).HasColumnName("max_attempts");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.ConsumedAt).HasColumnName("consumed_at");
            e.Property(x => x.VoidedAt).HasColumnName("voided_at");
            // Cooldown and hourly cap look up a recipient's recent codes; voiding looks up the binding.
            e.HasIndex(x => new { x.Channel, x.Recipient, x.CreatedAt }).HasDatabaseName("ix_verification_codes_recipient_created_at");
            e.HasIndex(x => new { x.InteractionId, x.Purpose }).HasDatabaseName("ix_verification_codes_binding");
        });
        modelBuilder.Entity<DeliveryRecord>(e =>
        {
            e.ToTable("deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(8);
            e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(254);
            e.Property(x => x.Purpose).HasColumnName("purpose").HasMaxLength(32);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Error).HasColumnName("error").HasMaxLength(500);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            // Keep in step with Data/Migrations/0003_pending_code_deliveries.sql.
            e.Property(x => x.Subject).HasColumnName("subject").HasMaxLength(200);
            e.Property(x => x.Text).HasColumnName("text").HasMaxLength(1000);
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.HasIndex(x => x.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_deliveries_pending");
        });
        modelBuilder.Entity<DevSmsMessage>(e =>
        {
            e.ToTable("dev_sms_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.To).HasColumnName("to").HasMaxLength(16);
            e.Property(x => x.Text).HasColumnName("text").HasMaxLength(1000);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });
        // Keep in step with Data/Migrations/0002_backchannel_logout_deliveries.sql.
        modelBuilder.Entity<BackChannelLogoutDelivery>(e =>
        {
            e.ToTable("backchannel_logout_deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.ClientId).HasColumnName("client_id").HasMaxLength(64);
            e.Property(x => x.Uri).HasColumnName("uri").HasMaxLength(2048);
            e.Property(x => x.LogoutToken).HasColumnName("logout_token");
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
            e.Property(x => x.LastAttemptAt).HasColumnName("last_attempt_at");
            e.Property(x => x.LastStatusCode).HasColumnName("last_status_code");
            e.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(300);
            e.Property(x => x.DeliveredAt).HasColumnName("delivered_at");
            // The dispatcher scans only pending rows; the log is read per application.
            e.HasIndex(x => x.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_backchannel_logout_deliveries_pending");
            e.HasIndex(x => new { x.ClientId, x.CreatedAt }).HasDatabaseName("ix_backchannel_logout_deliveries_client_created_at");
        });
    }
}
