namespace Auth.Platform.Notification.Delivery;

/// <summary>Wakes a dispatcher when a row was stored, so the first attempt does not wait for the poll.</summary>
public abstract class DispatchSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// The loop shared by notification's table-backed senders (codes, back-channel logout): one batch at a time, the next
/// at once while batches come back full, otherwise wait for the signal or the poll interval. A failed batch is logged
/// and retried on the next turn, so a database blip delays deliveries and loses none.
/// </summary>
public abstract class PollingDispatcher(DispatchSignal signal, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Claims and attempts one batch; true when the batch was full (more may be due).</summary>
    internal abstract Task<bool> DispatchBatchAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await DispatchBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "{Dispatcher} dispatch failed; retrying", GetType().Name);
            }
            if (!more)
            {
                try { await signal.WaitAsync(PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Exponential backoff after <paramref name="attempts"/> failures: first, 2×first, 4×first … capped at max.</summary>
    public static TimeSpan RetryDelay(int attempts, TimeSpan first, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks * (1L << Math.Min(attempts - 1, 20))));
}
