namespace Auth.Platform.Notification.Delivery;

/// <summary>
/// One message to deliver and what happened to it. While <c>pending</c> it holds the rendered message (it contains the
/// code), so <see cref="CodeDeliveryDispatcher"/> can send it after the request has been answered; the text is cleared
/// once the row leaves <c>pending</c>, as a back-channel logout token is once delivered.
/// </summary>
public sealed class DeliveryRecord
{
    public long Id { get; init; }
    public required string Channel { get; init; }
    public required string Recipient { get; init; }
    public required string Purpose { get; init; }
    public required string Status { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? Subject { get; set; }
    public string? Text { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>The code's expiry: an expired code is not worth sending.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

public static class DeliveryStatus
{
    /// <summary>Accepted: the dispatcher sends it (and retries) after the request was answered.</summary>
    public const string Pending = "pending";
    public const string Sent = "sent";
    /// <summary>Given up after the last attempt; logged as a warning, without the message.</summary>
    public const string Failed = "failed";
    /// <summary>The code expired before any attempt succeeded.</summary>
    public const string Expired = "expired";
}

/// <summary>Development SMS inbox: what would have been sent, listed at <c>GET /internal/dev/sms</c>. Development only.</summary>
public sealed class DevSmsMessage
{
    public long Id { get; init; }
    public required string To { get; init; }
    public required string Text { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
