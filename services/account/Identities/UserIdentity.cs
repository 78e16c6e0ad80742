namespace Auth.Platform.Account.Identities;

/// <summary>
/// A social identity on a user (Logto's <c>users.identities[target]</c>): the provider's user id under a connector target.
/// One per target per user; one user per (target, identity id): the same Google account cannot sign in two users.
/// </summary>
public sealed class UserIdentity
{
    public required string UserId { get; init; }
    /// <summary>The social target (<c>google</c>, a generic connector's <c>metadata.target</c>).</summary>
    public required string Target { get; init; }
    /// <summary>The provider's user id (Logto's <c>identities[target].userId</c>).</summary>
    public required string IdentityId { get; set; }
    /// <summary>What the provider said of the user at the last sign-in (Logto's <c>details</c>), a JSON object (jsonb).</summary>
    public string Details { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// An enterprise identity on a user (Logto's <c>user_sso_identities</c>): the IdP's issuer (OIDC issuer, SAML entity id)
/// and its user id, found through an SSO connector. One user per (issuer, identity id).
/// </summary>
public sealed class UserSsoIdentity
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Issuer { get; set; }
    public required string IdentityId { get; set; }
    public required string SsoConnectorId { get; init; }
    /// <summary>The IdP's user info at the last sign-in (Logto's <c>detail</c>), a JSON object (jsonb).</summary>
    public string Detail { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}
