namespace Auth.Platform.BuildingBlocks.Contracts;

/// <summary>
/// A user got an enterprise SSO identity through <paramref name="SsoConnectorId"/> (account service): a JIT user's first
/// sign-in, or an existing user's first sign-in through that connector. Logto provisions organization memberships by SSO
/// connector on exactly these two occasions; <paramref name="Email"/> is the user's primary email then, if any.
/// </summary>
public sealed record SsoIdentityLinked(string UserId, string SsoConnectorId, string? Email) : IntegrationEvent;
