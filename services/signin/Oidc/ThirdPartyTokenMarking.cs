using System.Security.Claims;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// Access tokens issued to third-party applications carry <c>third_party: true</c>, so the Account and Verification
/// APIs (account) can refuse their writes (Logto's <c>403 auth.third_party_application_forbidden</c>) from the JWT alone,
/// with no introspection call per request. A refresh keeps the claim: OpenIddict rebuilds tokens from the refresh
/// token's principal, destinations included.
/// </summary>
public static class ThirdPartyTokenMarking
{
    public const string Claim = "third_party";

    public static void Mark(ClaimsIdentity identity) => identity.AddClaim(new Claim(Claim, "true", ClaimValueTypes.Boolean));
}
