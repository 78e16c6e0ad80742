using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Connectors;

namespace Auth.Platform.SsoConnector.ExternalAuth;

/// <summary>Apple's client authentication: a short-lived ES256 JWT signed with the team's key instead of a static secret.</summary>
public sealed record AppleClientKey(string TeamId, string KeyId, string PrivateKeyPem);

/// <summary>Everything one OIDC / OAuth 2.0 sign-in needs, from a social factory or an enterprise OIDC connector.</summary>
public sealed record ExternalProviderSettings(
    ExternalProtocol Protocol,
    string? Issuer,
    string? AuthorizationEndpoint,
    string? TokenEndpoint,
    string? UserInfoEndpoint,
    string ClientId,
    string? ClientSecret,
    AppleClientKey? AppleKey,
    string Scope,
    string? ResponseMode,
    string? Prompt,
    bool ClientSecretPost,
    IReadOnlyDictionary<string, string> ProfileMap,
    bool TrustUnverifiedEmail)
{
    public static ExternalProviderSettings FromSocial(ConnectorFactory factory, JsonObject config)
    {
        var preset = factory.Preset;
        var issuer = preset.Issuer?.Replace("{tenantId}", Text(config, "tenantId"), StringComparison.Ordinal) ?? Text(config, "issuer");
        var profileMap = config["profileMap"] is JsonObject map
            ? map.Where(p => p.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>())
            : preset.ProfileMap ?? ConnectorFactories.DefaultProfileMap;
        var scope = Text(config, "scope") is { Length: > 0 } s ? s : preset.Scope;
        if (factory.Protocol == ExternalProtocol.Oidc && !scope.Split(' ').Contains("openid")) scope = ("openid " + scope).Trim();
        var prompts = config["prompts"] is JsonArray p ? string.Join(' ', p.Select(x => x?.ToString()).Where(x => !string.IsNullOrEmpty(x))) : null;
        return new(factory.Protocol, issuer,
            preset.AuthorizationEndpoint ?? Text(config, "authorizationEndpoint"),
            preset.TokenEndpoint ?? Text(config, "tokenEndpoint"),
            preset.UserInfoEndpoint ?? Text(config, "userInfoEndpoint"),
            Text(config, "clientId") ?? "", Text(config, "clientSecret"),
            preset.ClientSecretIsAppleJwt ? new AppleClientKey(Text(config, "teamId") ?? "", Text(config, "keyId") ?? "", Text(config, "privateKey") ?? "") : null,
            scope, preset.ResponseMode, string.IsNullOrEmpty(prompts) ? null : prompts,
            Text(config, "tokenEndpointAuthMethod") == "client_secret_post",
            profileMap, config["trustUnverifiedEmail"]?.GetValueKind() == System.Text.Json.JsonValueKind.True);
    }

    /// <summary>An enterprise OIDC connector (OIDC, Okta, Azure AD OIDC, Google Workspace): an OpenID provider by issuer.</summary>
    public static ExternalProviderSettings FromEnterpriseOidc(string? fixedIssuer, JsonObject config)
    {
        var scope = Text(config, "scope") is { Length: > 0 } s ? s : "openid profile email";
        if (!scope.Split(' ').Contains("openid")) scope = "openid " + scope;
        return new(ExternalProtocol.Oidc, fixedIssuer ?? Text(config, "issuer"), null, null, null, Text(config, "clientId") ?? "", Text(config, "clientSecret"), null,
            scope, null, null, Text(config, "tokenEndpointAuthMethod") == "client_secret_post", ConnectorFactories.DefaultProfileMap,
            config["trustUnverifiedEmail"]?.GetValueKind() == System.Text.Json.JsonValueKind.True);
    }

    private static string? Text(JsonObject config, string key) =>
        config[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
