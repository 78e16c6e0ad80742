using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Auth.Platform.BuildingBlocks.Messaging;

/// <summary>
/// Base for consumers: the inbox row and the consumer's own changes are saved in one transaction, so a redelivered
/// or republished message (same MessageId) has exactly one effect. A duplicate is acknowledged and skipped.
/// </summary>
public abstract class IdempotentConsumer<TMessage, TContext>(TContext db) : IConsumer<TMessage>
    where TMessage : class
    where TContext : DbContext
{
    protected TContext Db { get; } = db;

    /// <summary>Stable name of this consumer in the inbox (defaults to the type name).</summary>
    protected virtual string ConsumerName => GetType().Name;

    /// <summary>Applies the message to <see cref="Db"/>; do not call SaveChanges, the base class does it.</summary>
    protected abstract Task HandleAsync(TMessage message, CancellationToken cancellationToken);

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException("Messages without a MessageId cannot be deduplicated.");
        var strategy = Db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            Db.ChangeTracker.Clear();
            await using var transaction = await Db.Database.BeginTransactionAsync(ct);
            if (await Db.Set<InboxMessage>().AnyAsync(m => m.Consumer == ConsumerName && m.MessageId == messageId, ct)) return;
            Db.Set<InboxMessage>().Add(new InboxMessage { Consumer = ConsumerName, MessageId = messageId, ProcessedAt = DateTimeOffset.UtcNow });
            await HandleAsync(context.Message, ct);
            try
            {
                await Db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: var c } && c?.StartsWith("PK_inbox", StringComparison.Ordinal) == true)
            {
                // A concurrent delivery of the same message won the race: it had the effect, this one is a duplicate.
            }
        }, context.CancellationToken);
    }
}
