using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Auth.Platform.BuildingBlocks.Messaging;

/// <summary>Wakes the dispatcher right after a commit that wrote outbox rows, so delivery does not wait for the poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>Signals the dispatcher after <c>SaveChanges</c> committed new outbox rows.</summary>
public sealed class OutboxSaveChangesInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // Inside an explicit transaction the rows are not visible yet; the poll picks them up within a second.
        if (eventData.Context?.Database.CurrentTransaction is null) signal.Notify();
        return ValueTask.FromResult(result);
    }
}

public sealed class OutboxOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 50;
    public TimeSpan RetainDispatched { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Publishes pending outbox rows to RabbitMQ after commit. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> so
/// replicas never publish the same row at once; a row is marked dispatched only after the broker confirmed it.
/// While the broker is down, rows stay pending with a growing <c>available_at</c> (bounded backoff) and are
/// delivered once it is back: nothing is lost, and consumers deduplicate the rare double publish by MessageId.
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    OutboxOptions options,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService where TContext : DbContext
{
    private static readonly Meter Meter = new("Auth.Platform.Outbox");
    private static readonly Counter<long> Published = Meter.CreateCounter<long>("outbox.published");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("outbox.publish_failed");
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await DispatchBatchAsync(stoppingToken);
                await PurgeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                // The database may be restarting; the rows are safe in it, try again on the next tick.
                logger.LogWarning(ex, "Outbox dispatch failed; retrying");
            }
            if (!more)
            {
                try { await signal.WaitAsync(options.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Returns true when a full batch was published, meaning more rows may be waiting.</summary>
    internal async Task<bool> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var batch = await db.Set<OutboxMessage>()
                .FromSqlRaw("SELECT * FROM outbox_messages WHERE dispatched_at IS NULL AND available_at <= now() ORDER BY created_at LIMIT {0} FOR UPDATE SKIP LOCKED", options.BatchSize)
                .ToListAsync(ct);
            var published = 0;
            foreach (var row in batch)
            {
                try
                {
                    var type = OutboxMessage.ResolveType(row.Type);
                    var message = JsonSerializer.Deserialize(row.Payload, type, OutboxMessage.Json)!;
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(options.PublishTimeout);
                    await bus.Publish(message, type, context => context.MessageId = row.Id, timeout.Token);
                    row.DispatchedAt = DateTimeOffset.UtcNow;
                    published++;
                    Published.Add(1);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    row.Attempts++;
                    row.LastError = ex.GetType().Name + ": " + ex.Message;
                    var backoff = TimeSpan.FromSeconds(Math.Min(options.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(row.Attempts, 10)) / 4));
                    row.AvailableAt = DateTimeOffset.UtcNow + backoff;
                    Failed.Add(1);
                    logger.LogWarning("Outbox message {MessageId} ({Type}) not published (attempt {Attempts}): {Error}; next try in {Backoff}",
                        row.Id, row.Type, row.Attempts, row.LastError, backoff);
                    // The broker is most likely down: keep the order and stop this batch.
                    foreach (var rest in batch.Where(r => r.DispatchedAt is null && r != row)) rest.AvailableAt = row.AvailableAt;
                    break;
                }
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return published == options.BatchSize;
        }, cancellationToken);
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow < _nextPurge) return;
        _nextPurge = DateTimeOffset.UtcNow.AddHours(1);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var before = DateTimeOffset.UtcNow - options.RetainDispatched;
        await db.Set<OutboxMessage>().Where(m => m.DispatchedAt != null && m.DispatchedAt < before).ExecuteDeleteAsync(cancellationToken);
        await db.Set<InboxMessage>().Where(m => m.ProcessedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
