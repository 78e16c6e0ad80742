namespace Auth.Platform.BuildingBlocks.Contracts;

/// <summary>
/// The user changed their password through the Account API (account service): every other session and every grant
/// (refresh token) of the user ends. <paramref name="KeepAuthorizationId"/> is the grant of the access token that made the
/// change (its <c>oi_au_id</c>): its session and that session's grants stay, so the user is not signed out where they are.
/// </summary>
public sealed record UserPasswordChanged(string UserId, string? KeepAuthorizationId) : IntegrationEvent;

