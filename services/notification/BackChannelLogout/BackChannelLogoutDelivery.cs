namespace Auth.Platform.Notification.BackChannelLogout;

/// <summary>
/// One logout token to POST to one client's back-channel logout URI, retried with exponential backoff until the
/// receiver answers 2xx, the token expires, or the attempts run out. The row is the delivery log too.
/// </summary>
public sealed class BackChannelLogoutDelivery
{
    /// <summary>signin's <c>DeliveryId</c>: the idempotency key (a redelivered event finds the row and adds nothing).</summary>
    public Guid Id { get; init; }
    public required string ClientId { get; init; }
    public required string Uri { get; init; }
    /// <summary>Kept only until delivered or given up (then cleared): a signed token is not log material.</summary>
    public string? LogoutToken { get; set; }
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

public static class BackChannelLogoutStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    /// <summary>The token expired before a receiver acknowledged it: sending it now would only be refused.</summary>
    public const string Expired = "expired";
    public const string Failed = "failed";
}

public sealed class BackChannelLogoutOptions
{
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
    public int MaxAttempts { get; set; } = 20;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 20;
}
