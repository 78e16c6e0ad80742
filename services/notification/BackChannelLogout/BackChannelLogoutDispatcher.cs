using System.Diagnostics.Metrics;
using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.BackChannelLogout;

/// <summary>Wakes <see cref="BackChannelLogoutDispatcher"/> when a delivery was stored.</summary>
public sealed class BackChannelLogoutSignal : DispatchSignal;

/// <summary>
/// POSTs due logout tokens (<c>application/x-www-form-urlencoded</c>, <c>logout_token=…</c>, OpenID Back-Channel
/// Logout §2.5). Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so two replicas never send the same one at once;
/// a 2xx marks the row delivered in the same transaction, so an acknowledged receiver is never called again (only a
/// crash between the 2xx and the commit can repeat a POST, and the token's <c>jti</c> lets the receiver drop it).
/// Anything else is retried with exponential backoff until the token expires or the attempts run out. Redirects are
/// not followed: the URI was registered, where it points to is not.
/// </summary>
public sealed class BackChannelLogoutDispatcher(IServiceScopeFactory scopes, BackChannelLogoutSignal signal, BackChannelLogoutOptions options,
    TimeProvider time, ILogger<BackChannelLogoutDispatcher> logger) : PollingDispatcher(signal, logger)
{
    private static readonly Meter Meter = new("Auth.Platform.Notification.BackChannelLogout");
    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>("backchannel_logout.delivered");
    private static readonly Counter<long> FailedAttempts = Meter.CreateCounter<long>("backchannel_logout.failed_attempts");

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    }) { Timeout = Timeout.InfiniteTimeSpan };

    protected override TimeSpan PollInterval => options.PollInterval;

    internal override async Task<bool> DispatchBatchAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var batch = await db.BackChannelLogoutDeliveries
                .FromSqlRaw("SELECT * FROM backchannel_logout_deliveries WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT {0} FOR UPDATE SKIP LOCKED", options.BatchSize)
                .ToListAsync(token);
            await Task.WhenAll(batch.Select(d => AttemptAsync(d, token)));
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return batch.Count == options.BatchSize;
        }, ct);
    }

    private async Task AttemptAsync(BackChannelLogoutDelivery delivery, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (delivery.ExpiresAt <= now || delivery.LogoutToken is null)
        {
            GiveUp(delivery, BackChannelLogoutStatus.Expired);
            return;
        }
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.RequestTimeout);
            using var content = new FormUrlEncodedContent([new("logout_token", delivery.LogoutToken)]);
            using var response = await _http.PostAsync(delivery.Uri, content, timeout.Token);
            delivery.LastStatusCode = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                delivery.Status = BackChannelLogoutStatus.Delivered;
                delivery.DeliveredAt = time.GetUtcNow();
                delivery.LastError = null;
                delivery.LogoutToken = null;
                Delivered.Add(1);
                return;
            }
            delivery.LastError = $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            delivery.LastStatusCode = null;
            var error = ex is OperationCanceledException ? "timeout" : $"{ex.GetType().Name}: {ex.Message}";
            delivery.LastError = error.Length > 300 ? error[..300] : error;
        }
        FailedAttempts.Add(1);
        if (delivery.Attempts >= options.MaxAttempts)
        {
            GiveUp(delivery, BackChannelLogoutStatus.Failed);
            return;
        }
        var delay = RetryDelay(delivery.Attempts, options.FirstRetryDelay, options.MaxRetryDelay);
        delivery.NextAttemptAt = time.GetUtcNow() + delay;
        logger.LogInformation("Back-channel logout {DeliveryId} to client {ClientId} failed (attempt {Attempts}: {Error}); next in {Delay}",
            delivery.Id, delivery.ClientId, delivery.Attempts, delivery.LastError, delay);
    }

    private void GiveUp(BackChannelLogoutDelivery delivery, string status)
    {
        delivery.Status = status;
        delivery.LogoutToken = null;
        logger.LogWarning("Back-channel logout {DeliveryId} to client {ClientId} given up ({Status}) after {Attempts} attempt(s): {Error}",
            delivery.Id, delivery.ClientId, status, delivery.Attempts, delivery.LastError);
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
