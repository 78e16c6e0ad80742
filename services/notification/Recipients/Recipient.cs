namespace Auth.Platform.Notification.Recipients;

/// <summary>Where to reach a user, replicated from account's <c>UserRegistered</c> so sending never calls account.</summary>
public sealed class Recipient
{
    public required string UserId { get; init; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
