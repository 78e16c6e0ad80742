using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Organizations;
using System.Text.Json;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Oidc;

/// <summary>The user's claims as account holds them now, limited to what the granted scopes allow.</summary>
public static class UserClaims
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
    private static readonly JsonElement EmptyArray = JsonDocument.Parse("[]").RootElement.Clone();

    /// <param name="memberships">The user's organizations; read only when the organizations or organization roles scope is granted.</param>
    /// <param name="identities">The user's social and enterprise identities; read only when the <c>identities</c> scope is granted (userinfo).</param>
    public static Dictionary<string, object?> For(AccountUser user, IReadOnlyCollection<string> scopes, IReadOnlyCollection<OrganizationMembership>? memberships = null,
        AccountUserIdentities? identities = null)
    {
        var claims = new Dictionary<string, object?> { [Claims.Subject] = user.Id };
        if (scopes.Contains(Scopes.Profile))
        {
            claims[Claims.Name] = user.Name;
            claims[Claims.Username] = user.Username;
            claims[Claims.Picture] = user.Avatar;
            // OIDC's updated_at is in seconds; account's times are Logto's epoch milliseconds.
            claims[Claims.UpdatedAt] = user.UpdatedAt is { } ms ? ms / 1000 : null;
        }
        if (scopes.Contains(Scopes.Email))
        {
            claims[Claims.Email] = user.PrimaryEmail;
            // Account only sets a primary email after verifying it (Logto's rule), so presence means verified.
            claims[Claims.EmailVerified] = user.PrimaryEmail is not null;
        }
        if (scopes.Contains(Scopes.Phone))
        {
            claims[Claims.PhoneNumber] = user.PrimaryPhone;
            claims[Claims.PhoneNumberVerified] = user.PrimaryPhone is not null;
        }
        // Logto's extra user scopes. No address is stored (the profile has no address fields yet), so `address` adds
        // nothing; roles do not exist yet and are given as empty values so clients can rely on the claim's shape.
        if (scopes.Contains(LogtoScopes.CustomData)) claims[LogtoClaims.CustomData] = user.CustomData ?? EmptyObject;
        if (scopes.Contains(LogtoScopes.Identities))
        {
            // Logto's shapes: {target: {userId, details}} and [{issuer, identityId, detail}].
            claims[LogtoClaims.Identities] = identities?.Identities ?? EmptyObject;
            claims[LogtoClaims.SsoIdentities] = identities is { SsoIdentities.ValueKind: JsonValueKind.Array } known
                ? JsonSerializer.SerializeToElement(known.SsoIdentities.EnumerateArray().Select(i => new
                {
                    issuer = i.GetProperty("issuer").GetString(), identityId = i.GetProperty("identityId").GetString(), detail = i.GetProperty("detail"),
                }))
                : EmptyArray;
        }
        if (scopes.Contains(LogtoScopes.Roles)) claims[LogtoClaims.Roles] = EmptyArray;
        if (scopes.Contains(LogtoScopes.Organizations))
            claims[LogtoClaims.Organizations] = JsonSerializer.SerializeToElement(memberships?.Select(m => m.OrganizationId).ToArray() ?? []);
        // Logto's "<organization id>:<role name>", one per role held.
        if (scopes.Contains(LogtoScopes.OrganizationRoles))
            claims[LogtoClaims.OrganizationRoles] = JsonSerializer.SerializeToElement(
                memberships?.SelectMany(m => (m.OrganizationRoles ?? []).Select(r => $"{m.OrganizationId}:{r}")).ToArray() ?? []);
        return claims;
    }
}

/// <summary>Logto's user scopes beyond OIDC's (packages/toolkit/core-kit/src/openid.ts).</summary>
public static class LogtoScopes
{
    public const string Address = "address";
    public const string CustomData = "custom_data";
    public const string Identities = "identities";
    public const string Roles = "roles";
    public const string Organizations = "urn:logto:scope:organizations";
    public const string OrganizationRoles = "urn:logto:scope:organization_roles";
    public static readonly string[] All = [Address, CustomData, Identities, Roles, Organizations, OrganizationRoles];
}

public static class LogtoClaims
{
    public const string CustomData = "custom_data";
    public const string Identities = "identities";
    public const string SsoIdentities = "sso_identities";
    public const string Roles = "roles";
    public const string Organizations = "organizations";
    public const string OrganizationRoles = "organization_roles";
}
