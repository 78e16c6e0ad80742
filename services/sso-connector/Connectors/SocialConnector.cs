namespace Auth.Platform.SsoConnector.Connectors;

/// <summary>
/// A configured social connector (Logto's <c>connectors</c> row). <see cref="Config"/> is the public part of the
/// configuration as JSON; the factory's secret fields live only in <see cref="Secrets"/>, Data Protection ciphertext.
/// </summary>
public sealed class SocialConnector
{
    public required string Id { get; init; }
    /// <summary>The factory id (Logto's <c>connectorId</c>): <c>oidc</c>, <c>oauth2</c>, <c>google-universal</c>, ...</summary>
    public required string ConnectorId { get; init; }
    /// <summary>The identity namespace of the users it signs in (<c>google</c>, <c>github</c>, or the admin's choice for generic factories).</summary>
    public required string Target { get; set; }
    public required string Config { get; set; }
    public string? Secrets { get; set; }
    public required string Metadata { get; set; }
    public bool SyncProfile { get; set; }
    public bool EnableTokenStorage { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
