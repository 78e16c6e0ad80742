using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience.Verifications;

/// <summary>
/// Social sign-in (Logto's <c>Social</c> verification): <c>POST /api/experience/verification/social/{connectorId}/authorization-uri</c>
/// starts it at the provider through sso-connector, <c>…/verify</c> finishes it with the callback's parameters and leaves a
/// record carrying the provider's <see cref="ExternalIdentity"/>. Identifying a user with it needs account's identity lookup
/// (not there yet), so it identifies nobody for now; its email already counts for the SSO-domain rule.
/// </summary>
public sealed class Social : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.Social];
    public IReadOnlyCollection<string> Identifies => [];
    /// <summary>Not an RFC 8176 value: "fed" (federated) as Microsoft's identity platform writes it.</summary>
    public string[] Amr(string type) => ["fed"];

    public static Task<Results<Ok<ExternalAuthorizationUriResponse>, ProblemHttpResult>> CreateAuthorizationUri([AsParameters] ExperienceContext c,
        string connectorId, ExternalAuthorizationUriBody body) =>
        ExternalConnector.StartAsync(c, VerificationTypes.Social, connectorId, body);

    public static Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, string connectorId, ExternalVerifyBody body) =>
        ExternalConnector.VerifyAsync(c, VerificationTypes.Social, ConnectorKinds.Social, connectorId, body);
}

/// <summary>sso-connector's identity kinds.</summary>
public static class ConnectorKinds
{
    public const string Social = "social";
    public const string Sso = "sso";
}
