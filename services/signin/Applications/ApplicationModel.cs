using System.Security.Cryptography;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Applications;

public static class ApplicationTypes
{
    public const string Spa = "SPA";
    public const string Native = "Native";
    public const string Traditional = "Traditional";
    public const string MachineToMachine = "MachineToMachine";
    public static readonly string[] All = [Spa, Native, Traditional, MachineToMachine];
    public static bool IsPublic(string type) => type is Spa or Native;
}

/// <summary>Logto's application shape, held in OpenIddict's application entity (Logto-only fields live in its properties).</summary>
public sealed record OidcClientMetadata(IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris,
    string? BackchannelLogoutUri = null, bool BackchannelLogoutSessionRequired = false);

public sealed record ApplicationResponse(string Id, string Name, string? Secret, string? Description, string Type,
    OidcClientMetadata OidcClientMetadata, object CustomClientMetadata, bool IsThirdParty, long CreatedAt);

internal static class ApplicationProperties
{
    public const string Type = "logto_type";
    public const string Description = "description";
    public const string IsThirdParty = "is_third_party";
    public const string CreatedAt = "created_at";
    /// <summary>OpenID Back-Channel Logout client metadata (Logto: <c>oidcClientMetadata.backchannelLogoutUri</c>).</summary>
    public const string BackchannelLogoutUri = "backchannel_logout_uri";
    public const string BackchannelLogoutSessionRequired = "backchannel_logout_session_required";
    /// <summary>Logto's user consent scopes of a third-party application (JSON array); absent = every OIDC user scope.</summary>
    public const string UserConsentScopes = "user_consent_scopes";
    /// <summary>Logto's <c>customClientMetadata.allowTokenExchange</c>: may exchange personal access tokens at <c>/oidc/token</c>.</summary>
    public const string AllowTokenExchange = "allow_token_exchange";
}

public static class ApplicationDescriptors
{
    /// <summary>21 characters of [a-z0-9] from the CSPRNG, like Logto's application ids.</summary>
    public static string NewId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 21);

    /// <summary>Sets the client type, permissions and requirements that follow from the Logto application type.</summary>
    public static void ApplyType(OpenIddictApplicationDescriptor d, string type)
    {
        d.ClientType = ApplicationTypes.IsPublic(type) ? ClientTypes.Public : ClientTypes.Confidential;
        d.ApplicationType = type == ApplicationTypes.Native ? ApplicationTypes.Native.ToLowerInvariant() : "web";
        d.Permissions.Clear();
        d.Requirements.Clear();
        d.Properties[ApplicationProperties.Type] = JsonSerializer.SerializeToElement(type);
        if (type == ApplicationTypes.MachineToMachine)
        {
            d.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.ClientCredentials]);
            return;
        }
        d.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
            Permissions.Endpoints.Revocation, Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken,
            Permissions.ResponseTypes.Code, Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Scopes.Phone,
            Permissions.Prefixes.Scope + Sessions.SessionsApi.SessionsScope]);
        // Logto's other user scopes (custom_data, identities, roles, organizations…); applications created before they
        // existed lack them until re-created.
        d.Permissions.UnionWith(Oidc.LogtoScopes.All.Select(s => Permissions.Prefixes.Scope + s));
        if (type == ApplicationTypes.Traditional) d.Permissions.Add(Permissions.Endpoints.Introspection);
        // Public clients cannot keep a secret, so a stolen code is only redeemable with the verifier (RFC 9700 §2.1.1).
        if (ApplicationTypes.IsPublic(type)) d.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
    }

    /// <summary>
    /// The token exchange grant is an OpenIddict permission, so OpenIddict itself refuses (<c>unauthorized_client</c>) an
    /// application without it. Only with <c>allowTokenExchange</c>, and never for a third-party application (Logto's rule).
    /// </summary>
    public static void ApplyTokenExchangePermission(OpenIddictApplicationDescriptor d)
    {
        if (Flag(d, ApplicationProperties.AllowTokenExchange) && !Flag(d, ApplicationProperties.IsThirdParty))
            d.Permissions.Add(Permissions.GrantTypes.TokenExchange);
        else
            d.Permissions.Remove(Permissions.GrantTypes.TokenExchange);
    }

    private static bool Flag(OpenIddictApplicationDescriptor d, string key) => d.Properties.TryGetValue(key, out var e) && e.ValueKind == JsonValueKind.True;

    public static ApplicationResponse ToResponse(OpenIddictApplicationDescriptor d, string? secret)
    {
        string? Str(string key) => d.Properties.TryGetValue(key, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return new ApplicationResponse(d.ClientId!, d.DisplayName ?? "", secret, Str(ApplicationProperties.Description),
            Str(ApplicationProperties.Type) ?? ApplicationTypes.Traditional,
            new OidcClientMetadata([.. d.RedirectUris.Select(u => u.OriginalString)], [.. d.PostLogoutRedirectUris.Select(u => u.OriginalString)],
                Str(ApplicationProperties.BackchannelLogoutUri),
                d.Properties.TryGetValue(ApplicationProperties.BackchannelLogoutSessionRequired, out var sr) && sr.ValueKind == JsonValueKind.True),
            d.Properties.ContainsKey(ApplicationProperties.AllowTokenExchange) ? new { allowTokenExchange = Flag(d, ApplicationProperties.AllowTokenExchange) } : new { },
            Flag(d, ApplicationProperties.IsThirdParty),
            d.Properties.TryGetValue(ApplicationProperties.CreatedAt, out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : 0);
    }
}

/// <summary>Redirect URI rules (RFC 9700 §2.1 and §4.1.3): absolute, no fragment, https except on loopback.</summary>
public static class RedirectUriRule
{
    public const int MaxLength = 2048;

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return false;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment) || value.Contains('#')) return false;
        if (!string.IsNullOrEmpty(uri.UserInfo)) return false;
        if (uri.Scheme == Uri.UriSchemeHttps) return true;
        return uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase));
    }
}
