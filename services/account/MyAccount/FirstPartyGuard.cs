using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.MyAccount;

/// <summary>
/// Third-party applications may read what the user consented to, never change the account (Logto's
/// <c>assertFirstPartyClient</c>). signin marks their access tokens with a <c>third_party: true</c> claim (signin's
/// <c>Oidc/ThirdPartyTokenMarking</c>), so account decides from the validated JWT alone, without introspection.
/// </summary>
public static class FirstPartyGuard
{
    /// <summary>The claim signin adds to access tokens issued to third-party applications.</summary>
    public const string ThirdPartyClaim = "third_party";

    public static ProblemHttpResult? Check(ClaimsPrincipal principal) =>
        principal.FindFirst(ThirdPartyClaim) is { Value: "true" }
            ? PlatformProblems.Create(403, "auth.third_party_application_forbidden", "Third-party applications cannot change the account.")
            : null;
}
