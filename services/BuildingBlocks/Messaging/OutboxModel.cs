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
            e.Property(x => x.Type).HasMaxLength(256);
            e.Property(x => x.Payload).HasColumnType("jsonb");
            // The dispatcher only ever scans pending rows.
            e.HasIndex(x => x.AvailableAt).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_outbox_pending");
        });
        modelBuilder.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(x => new { x.Consumer, x.MessageId });
            e.Property(x => x.Consumer).HasMaxLength(200);
        });
        return modelBuilder;
    }

    /// <summary>Queues an event to be saved by the next <c>SaveChanges</c>, in the same transaction as the change.</summary>
    public static void AddIntegrationEvent(this DbContext db, IntegrationEvent integrationEvent) =>
        db.Set<OutboxMessage>().Add(OutboxMessage.From(integrationEvent));
}
