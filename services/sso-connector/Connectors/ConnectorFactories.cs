namespace Auth.Platform.SsoConnector.Connectors;

/// <summary>How a factory talks to its provider: OpenID Connect (ID token) or plain OAuth 2.0 (userinfo + claim mapping).</summary>
public enum ExternalProtocol { Oidc, OAuth2 }

/// <summary>A configuration field of a factory, as Logto's <c>formItems</c>; secret fields are write-only.</summary>
public sealed record ConnectorFormItem(string Key, string Label, string Type, bool Required, bool Secret = false);

/// <summary>
/// A social connector factory (Logto's connector package). The presets are configurations of the two generic
/// protocols, not separate code: Google, Microsoft and Apple are OpenID providers with a known issuer, GitHub is an
/// OAuth 2.0 provider with known endpoints and a claim map.
/// </summary>
public sealed record ConnectorFactory(
    string Id,
    string? Target,
    string Name,
    string Description,
    ExternalProtocol Protocol,
    IReadOnlyList<ConnectorFormItem> FormItems,
    ExternalProviderPreset Preset)
{
    public IEnumerable<string> SecretKeys => FormItems.Where(f => f.Secret).Select(f => f.Key);
    /// <summary>Generic factories let the admin name the target (Logto: <c>metadata.target</c>); presets fix it.</summary>
    public bool IsStandard => Target is null;
}

/// <summary>What a preset fixes: issuer or endpoints, default scope, claim map, response mode, client authentication.</summary>
public sealed record ExternalProviderPreset(
    string? Issuer = null,
    string? AuthorizationEndpoint = null,
    string? TokenEndpoint = null,
    string? UserInfoEndpoint = null,
    string Scope = "openid profile email",
    IReadOnlyDictionary<string, string>? ProfileMap = null,
    string? ResponseMode = null,
    bool ClientSecretIsAppleJwt = false);

public static class ConnectorFactories
{
    private static readonly ConnectorFormItem ClientId = new("clientId", "Client ID", "Text", true);
    private static readonly ConnectorFormItem ClientSecret = new("clientSecret", "Client secret", "Text", true, Secret: true);
    private static readonly ConnectorFormItem Scope = new("scope", "Scope", "Text", false);

    /// <summary>Logto's OAuth 2.0 connector default: the provider's field names in its userinfo answer.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultProfileMap = new Dictionary<string, string>
    {
        ["id"] = "id", ["email"] = "email", ["phone"] = "phone", ["name"] = "name", ["avatar"] = "avatar",
    };

    public static readonly IReadOnlyList<ConnectorFactory> All =
    [
        new("oidc", null, "OIDC", "Any OpenID Connect provider: discovery from the issuer, PKCE, nonce, ID token checked against the provider's JWKS.",
            ExternalProtocol.Oidc,
            [new("issuer", "Issuer", "Text", true), ClientId, ClientSecret, Scope,
             new("tokenEndpointAuthMethod", "Token endpoint auth method", "Select", false),
             new("trustUnverifiedEmail", "Trust unverified email", "Switch", false)],
            new()),
        new("oauth2", null, "OAuth 2.0", "Any OAuth 2.0 provider: authorization, token and userinfo endpoints, PKCE, and a map from the userinfo answer to the profile.",
            ExternalProtocol.OAuth2,
            [new("authorizationEndpoint", "Authorization endpoint", "Text", true), new("tokenEndpoint", "Token endpoint", "Text", true),
             new("userInfoEndpoint", "Userinfo endpoint", "Text", true), ClientId, ClientSecret, Scope,
             new("tokenEndpointAuthMethod", "Token endpoint auth method", "Select", false),
             new("profileMap", "Profile map", "Json", false), new("trustUnverifiedEmail", "Trust unverified email", "Switch", false)],
            new(Scope: "")),
        new("google-universal", "google", "Google", "Sign in with Google (OpenID Connect).", ExternalProtocol.Oidc,
            [ClientId, ClientSecret, Scope, new("prompts", "Prompts", "MultiSelect", false)],
            new(Issuer: "https://accounts.google.com")),
        new("github-universal", "github", "GitHub", "Sign in with GitHub (OAuth 2.0).", ExternalProtocol.OAuth2,
            [ClientId, ClientSecret, Scope],
            new(AuthorizationEndpoint: "https://github.com/login/oauth/authorize", TokenEndpoint: "https://github.com/login/oauth/access_token",
                UserInfoEndpoint: "https://api.github.com/user", Scope: "read:user user:email",
                ProfileMap: new Dictionary<string, string> { ["id"] = "id", ["email"] = "email", ["name"] = "name", ["avatar"] = "avatar_url" })),
        new("azure-ad", "azuread", "Microsoft", "Sign in with a Microsoft Entra ID (Azure AD) account (OpenID Connect, one tenant).", ExternalProtocol.Oidc,
            [ClientId, ClientSecret, new("tenantId", "Tenant ID", "Text", true), Scope],
            new(Issuer: "https://login.microsoftonline.com/{tenantId}/v2.0")),
        new("apple-universal", "apple", "Apple", "Sign in with Apple: form_post callback, client secret as an ES256 JWT signed with the team's key.", ExternalProtocol.Oidc,
            [ClientId, new("teamId", "Team ID", "Text", true), new("keyId", "Key ID", "Text", true),
             new("privateKey", "Private key (PKCS#8 PEM)", "MultilineText", true, Secret: true), Scope],
            new(Issuer: "https://appleid.apple.com", Scope: "openid name email", ResponseMode: "form_post", ClientSecretIsAppleJwt: true)),
    ];

    public static ConnectorFactory? Find(string id) => All.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));
}
