namespace Auth.Platform.Notification.VerificationCodes;

/// <summary>
/// One issued code, bound to (interaction, purpose, channel, recipient). Only a salted HMAC of the code is kept, so a
/// read of the table does not hand out live codes. Voided and consumed rows stay until purged: the hourly send cap
/// counts them.
/// </summary>
public sealed class VerificationCode
{
    public required string Id { get; init; }
    public required string InteractionId { get; init; }
    public required string Purpose { get; init; }
    public required string Channel { get; init; }
    public required string Recipient { get; init; }
    public required byte[] Salt { get; init; }
    public required byte[] CodeHash { get; init; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
}
