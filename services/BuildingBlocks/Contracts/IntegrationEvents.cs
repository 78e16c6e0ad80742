namespace Auth.Platform.BuildingBlocks.Contracts;

/// <summary>
/// A fact another service may act on. Past tense, immutable, with an id (also the MassTransit MessageId, so consumers
/// can deduplicate) and the time it happened. Published only through the transactional outbox.
/// </summary>
public abstract record IntegrationEvent
{
    public Guid EventId { get; init; } = Guid.CreateVersion7();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>A user was created in the directory (account service).</summary>
public sealed record UserRegistered(string UserId, string? Username, string? PrimaryEmail, string? PrimaryPhone) : IntegrationEvent;

/// <summary>A user was deleted; every service purges that user's data.</summary>
public sealed record UserDeleted(string UserId) : IntegrationEvent;

/// <summary>
/// signin ended a session in which <paramref name="ClientId"/> received tokens, and signed the OpenID Back-Channel Logout
/// token for it; notification POSTs it to <paramref name="Uri"/> (retries until <paramref name="ExpiresAt"/>).
/// <paramref name="DeliveryId"/> is the idempotency key of that one delivery.
/// </summary>
public sealed record BackChannelLogoutRequested(Guid DeliveryId, string ClientId, string Uri, string LogoutToken, DateTimeOffset ExpiresAt) : IntegrationEvent;
