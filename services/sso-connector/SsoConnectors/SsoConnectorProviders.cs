using Auth.Platform.SsoConnector.Connectors;

namespace Auth.Platform.SsoConnector.SsoConnectors;

/// <summary>An enterprise SSO provider (Logto's <c>SsoProviderName</c>): OIDC-based ones share one flow, SAML-based ones another.</summary>
public sealed record SsoProvider(string ProviderName, string ProviderType, string Name, string Description, string? FixedIssuer, IReadOnlyList<ConnectorFormItem> FormItems)
{
    public bool IsSaml => ProviderType == SsoProviderTypes.Saml;
    public IEnumerable<string> SecretKeys => FormItems.Where(f => f.Secret).Select(f => f.Key);
}

public static class SsoProviderTypes
{
    public const string Oidc = "oidc";
    public const string Saml = "saml";
}

public static class SsoConnectorProviders
{
    private static readonly ConnectorFormItem[] OidcForm =
    [
        new("issuer", "Issuer", "Text", true), new("clientId", "Client ID", "Text", true),
        new("clientSecret", "Client secret", "Text", true, Secret: true), new("scope", "Scope", "Text", false),
        new("tokenEndpointAuthMethod", "Token endpoint auth method", "Select", false), new("trustUnverifiedEmail", "Trust unverified email", "Switch", false),
    ];

    private static readonly ConnectorFormItem[] SamlForm =
    [
        new("metadata", "IdP metadata (XML)", "MultilineText", false), new("metadataUrl", "IdP metadata URL", "Text", false),
        new("entityId", "IdP entity ID", "Text", false), new("signInEndpoint", "IdP single sign-on URL (HTTP-Redirect)", "Text", false),
        new("x509Certificate", "IdP signing certificate (PEM)", "MultilineText", false),
        new("attributeMapping", "Attribute mapping", "Json", false), new("signAuthnRequest", "Sign AuthnRequest", "Switch", false),
        new("signatureAlgorithm", "AuthnRequest signature algorithm (RSA-SHA256 | RSA-SHA512)", "Select", false),
        new("trustUnverifiedEmail", "Trust the IdP's email", "Switch", false),
    ];

    public static readonly IReadOnlyList<SsoProvider> All =
    [
        new("OIDC", SsoProviderTypes.Oidc, "OIDC", "Any OpenID Connect identity provider.", null, OidcForm),
        new("SAML", SsoProviderTypes.Saml, "SAML", "Any SAML 2.0 identity provider.", null, SamlForm),
        new("AzureAD", SsoProviderTypes.Saml, "Microsoft Entra ID (SAML)", "Microsoft Entra ID through SAML 2.0.", null, SamlForm),
        new("AzureAdOidc", SsoProviderTypes.Oidc, "Microsoft Entra ID (OIDC)", "Microsoft Entra ID through OpenID Connect.", null, OidcForm),
        new("GoogleWorkspace", SsoProviderTypes.Oidc, "Google Workspace", "Google Workspace accounts (OpenID Connect).", "https://accounts.google.com",
            [.. OidcForm.Where(f => f.Key != "issuer")]),
        new("Okta", SsoProviderTypes.Oidc, "Okta", "Okta through OpenID Connect.", null, OidcForm),
    ];

    public static SsoProvider? Find(string? providerName) => All.FirstOrDefault(p => string.Equals(p.ProviderName, providerName, StringComparison.Ordinal));
}
