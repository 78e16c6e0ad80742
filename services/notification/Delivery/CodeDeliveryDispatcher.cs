using Auth.Platform.Notification.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Delivery;

/// <summary><c>CodeDelivery:*</c>: how pending code messages are retried.</summary>
public sealed class CodeDeliveryOptions
{
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxAttempts { get; set; } = 10;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 10;
}

/// <summary>Wakes <see cref="CodeDeliveryDispatcher"/> when a code was accepted.</summary>
public sealed class CodeDeliverySignal : DispatchSignal;

/// <summary>
/// Sends accepted code messages after the request was answered, so the answer for a known address (a message to send)
/// and an unknown one (nothing to send) takes the same path and never waits on SMTP or SMS. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> (replicas never send the same one at once). A failure is retried with exponential
/// backoff until the code expires (<c>expired</c>) or the attempts run out (<c>failed</c>, a warning): never a silent
/// success. The message text is cleared when the row leaves <c>pending</c>; logs name the row, never the code.
/// </summary>
public sealed class CodeDeliveryDispatcher(IServiceScopeFactory scopes, CodeDeliverySignal signal, Microsoft.Extensions.Options.IOptions<CodeDeliveryOptions> options,
    TimeProvider time, ILogger<CodeDeliveryDispatcher> logger) : PollingDispatcher(signal, logger)
{
    private CodeDeliveryOptions Options => options.Value;

    protected override TimeSpan PollInterval => Options.PollInterval;

    internal override async Task<bool> DispatchBatchAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        var email = scope.ServiceProvider.GetRequiredService<EmailSender>();
        var sms = scope.ServiceProvider.GetRequiredService<SmsSender>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var batch = await db.Deliveries
                .FromSqlRaw("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT {0} FOR UPDATE SKIP LOCKED", Options.BatchSize)
                .ToListAsync(token);
            // One at a time: SmsSender's development inbox shares this DbContext.
            foreach (var delivery in batch) await AttemptAsync(delivery, email, sms, token);
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return batch.Count == Options.BatchSize;
        }, ct);
    }

    private async Task AttemptAsync(DeliveryRecord delivery, EmailSender email, SmsSender sms, CancellationToken ct)
    {
        if (delivery.ExpiresAt <= time.GetUtcNow() || delivery.Text is null)
        {
            Finish(delivery, DeliveryStatus.Expired);
            logger.LogWarning("Code delivery {DeliveryId} by {Channel} expired after {Attempts} attempt(s): {Error}", delivery.Id, delivery.Channel, delivery.Attempts, delivery.Error);
            return;
        }
        delivery.Attempts++;
        try
        {
            var message = new RenderedMessage(delivery.Subject ?? "", delivery.Text);
            var outcome = delivery.Channel == "email" ? await email.SendAsync(delivery.Recipient, message, ct) : await sms.SendAsync(delivery.Recipient, message, ct);
            if (outcome == SendOutcome.Sent)
            {
                delivery.Error = null;
                Finish(delivery, DeliveryStatus.Sent);
                return;
            }
            delivery.Error = $"no {delivery.Channel} provider configured";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var error = ex is OperationCanceledException ? "timeout" : $"{ex.GetType().Name}: {ex.Message}";
            delivery.Error = error.Length > 500 ? error[..500] : error;
        }
        if (delivery.Attempts >= Options.MaxAttempts)
        {
            Finish(delivery, DeliveryStatus.Failed);
            logger.LogWarning("Code delivery {DeliveryId} by {Channel} failed after {Attempts} attempt(s): {Error}", delivery.Id, delivery.Channel, delivery.Attempts, delivery.Error);
            return;
        }
        var delay = RetryDelay(delivery.Attempts, Options.FirstRetryDelay, Options.MaxRetryDelay);
        delivery.NextAttemptAt = time.GetUtcNow() + delay;
        logger.LogInformation("Code delivery {DeliveryId} by {Channel} failed (attempt {Attempts}: {Error}); next in {Delay}", delivery.Id, delivery.Channel, delivery.Attempts, delivery.Error, delay);
    }

    private static void Finish(DeliveryRecord delivery, string status)
    {
        delivery.Status = status;
        delivery.Subject = null;
        delivery.Text = null;
        delivery.NextAttemptAt = null;
    }
}
