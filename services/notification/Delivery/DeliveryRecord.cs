namespace Auth.Platform.Notification.Delivery;

/// <summary>One attempt to deliver a message: who, how, why and what happened. Never the message body (it holds the code).</summary>
public sealed class DeliveryRecord
{
    public long Id { get; init; }
    public required string Channel { get; init; }
    public required string Recipient { get; init; }
    public required string Purpose { get; init; }
    public required string Status { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public static class DeliveryStatus
{
    public const string Sent = "sent";
    public const string Failed = "failed";
    /// <summary>No provider configured: nothing was sent, and the log says why.</summary>
    public const string Skipped = "skipped";
}

/// <summary>Development SMS inbox: what would have been sent, listed at <c>GET /internal/dev/sms</c>. Development only.</summary>
public sealed class DevSmsMessage
{
    public long Id { get; init; }
    public required string To { get; init; }
    public required string Text { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
