using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Oidc;

/// <summary>Which token each claim may reach, decided by the granted scopes. A claim not listed here reaches no token.</summary>
public static class ClaimDestinations
{
    public static readonly IReadOnlyDictionary<string, string[]> ClaimsByScope = new Dictionary<string, string[]>
    {
        [Scopes.Profile] = [Claims.Name, Claims.Username, Claims.Picture, Claims.UpdatedAt],
        [Scopes.Email] = [Claims.Email, Claims.EmailVerified],
        [Scopes.Phone] = [Claims.PhoneNumber, Claims.PhoneNumberVerified],
        // As Logto: roles and organizations reach the ID token; custom_data and identities only userinfo (they can be large).
        [LogtoScopes.Roles] = [LogtoClaims.Roles],
        [LogtoScopes.Organizations] = [LogtoClaims.Organizations],
        [LogtoScopes.OrganizationRoles] = [LogtoClaims.OrganizationRoles],
    };

    public static IEnumerable<string> For(Claim claim, ClaimsPrincipal principal)
    {
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return Destinations.AccessToken;
                yield return Destinations.IdentityToken;
                yield break;
            case ThirdPartyTokenMarking.Claim:
                yield return Destinations.AccessToken;
                yield break;
            case Claims.AuthenticationTime or "sid" or Claims.AuthenticationMethodReference:
                yield return Destinations.IdentityToken;
                yield break;
        }
        foreach (var (scope, claims) in ClaimsByScope)
        {
            if (claims.Contains(claim.Type) && OpenIddict.Abstractions.OpenIddictExtensions.HasScope(principal, scope))
            {
                yield return Destinations.IdentityToken;
                yield break;
            }
        }
    }
}
