namespace Auth.Platform.SsoConnector.SsoConnectors;

/// <summary>
/// An enterprise SSO connector (Logto's <c>sso_connectors</c> row). Secret configuration fields live only in
/// <see cref="Secrets"/> (Data Protection ciphertext); the SAML SP key pairs in <see cref="SpCredentials"/>, likewise.
/// </summary>
public sealed class EnterpriseConnector
{
    public required string Id { get; init; }
    public required string ProviderName { get; init; }
    public required string ConnectorName { get; set; }
    public required string Config { get; set; }
    public string? Secrets { get; set; }
    public required string Branding { get; set; }
    public bool SyncProfile { get; set; }
    public bool EnableTokenStorage { get; set; }
    public string? SpCredentials { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An email domain routed to one connector; the domain is the key, so two connectors cannot claim it.</summary>
public sealed class SsoConnectorDomain
{
    public required string Domain { get; init; }
    public required string ConnectorId { get; init; }
}

/// <summary>Logto's <c>sso_connector_idp_initiated_auth_configs</c>: where an unsolicited SAML response signs the user in.</summary>
public sealed class IdpInitiatedAuthConfig
{
    public required string ConnectorId { get; init; }
    public required string DefaultApplicationId { get; set; }
    public string? RedirectUri { get; set; }
    public required string AuthParameters { get; set; }
    public bool AutoSendAuthorizationRequest { get; set; }
    public string? ClientIdpInitiatedAuthCallbackUri { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
