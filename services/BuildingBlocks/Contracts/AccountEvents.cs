namespace Auth.Platform.BuildingBlocks.Contracts;

/// <summary>An admin suspended a user (account service): their sessions end and their grants (refresh tokens) are revoked.</summary>
public sealed record UserSuspended(string UserId) : IntegrationEvent;
