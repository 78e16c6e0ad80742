using Auth.Platform.BuildingBlocks.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.BuildingBlocks.Messaging;

public static class OutboxModel
{
    /// <summary>Maps <c>outbox_messages</c> and <c>inbox_messages</c> into a service's own DbContext.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(256);
            e.Property(x => x.Payload).HasColumnName("payload").HasColumnType("jsonb");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.AvailableAt).HasColumnName("available_at");
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.LastError).HasColumnName("last_error");
            e.Property(x => x.DispatchedAt).HasColumnName("dispatched_at");
            // The dispatcher only ever scans pending rows.
            e.HasIndex(x => x.AvailableAt).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_outbox_pending");
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(x => new { x.Consumer, x.MessageId });
            e.Property(x => x.Consumer).HasColumnName("consumer").HasMaxLength(200);
            e.Property(x => x.MessageId).HasColumnName("message_id");
            e.Property(x => x.ProcessedAt).HasColumnName("processed_at");
        });
        return modelBuilder;
    }

    /// <summary>Queues an event to be saved by the next <c>SaveChanges</c>, in the same transaction as the change.</summary>
    public static void AddIntegrationEvent(this DbContext db, IntegrationEvent integrationEvent) =>
        db.Set<OutboxMessage>().Add(OutboxMessage.From(integrationEvent));
}
