using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record SsoConnectorIdsResponse(string[] ConnectorIds);

/// <summary>
/// Enterprise SSO (Logto's <c>EnterpriseSso</c> verification), OIDC or SAML: the same two steps as <see cref="Social"/> on
/// <c>/api/experience/verification/sso/{connectorId}/…</c> (for SAML, sso-connector's ACS has received the assertion before
/// the UI calls verify with <c>{}</c>). Also owns the email-domain routing: which connectors an address belongs to, and
/// Logto's rule that such an address signs in only through SSO.
/// </summary>
public sealed class EnterpriseSso : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.EnterpriseSso];
    public IReadOnlyCollection<string> Identifies => [];
    public string[] Amr(string type) => ["fed"];

    public static Task<Results<Ok<ExternalAuthorizationUriResponse>, ProblemHttpResult>> CreateAuthorizationUri([AsParameters] ExperienceContext c,
        string connectorId, ExternalAuthorizationUriBody body) =>
        ExternalConnector.StartAsync(c, VerificationTypes.EnterpriseSso, connectorId, body);

    public static Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, string connectorId, ExternalVerifyBody body) =>
        ExternalConnector.VerifyAsync(c, VerificationTypes.EnterpriseSso, ConnectorKinds.Sso, connectorId, body);

    /// <summary><c>GET /api/experience/sso-connectors?email=</c> → <c>{connectorIds}</c>; none while <c>singleSignOnEnabled</c> is off (Logto).</summary>
    public static async Task<Results<Ok<SsoConnectorIdsResponse>, ProblemHttpResult>> ConnectorsByEmail([AsParameters] ExperienceContext c, string? email)
    {
        if (email is not { Length: <= 320 } || !HostileText.IsIdentifier(email) || DomainOf(email) is null)
            return InvalidInput("email must be an address with a domain.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (!settings.SingleSignOnEnabled) return TypedResults.Ok(new SsoConnectorIdsResponse([]));
        return TypedResults.Ok(new SsoConnectorIdsResponse(await c.Connectors.ConnectorIdsByEmailAsync(email, c.Cancellation)));
    }

    /// <summary>
    /// Logto's <c>guardSsoOnlyEmailIdentifier</c>: with SSO on, an email whose domain an SSO connector claims is refused for
    /// password, code and social identification (422 <c>session.sso_enabled</c>, the connectors in <c>data.ssoConnectors</c>);
    /// that organisation's users sign in through their IdP.
    /// </summary>
    public static async Task<ProblemHttpResult?> RefuseSsoDomainAsync(ExperienceContext c, VerificationRecord record, SignInExperienceSettings settings)
    {
        if (!settings.SingleSignOnEnabled || EmailOf(record) is not { } email || DomainOf(email) is null) return null;
        var connectorIds = await c.Connectors.ConnectorIdsByEmailAsync(email, c.Cancellation);
        return connectorIds.Length == 0 ? null
            : PlatformProblems.Create(422, "session.sso_enabled", "This email's organisation signs in with single sign-on.",
                new { ssoConnectors = connectorIds.Select(id => new { id }) });
    }

    private static string? EmailOf(VerificationRecord record) => record.Type switch
    {
        VerificationTypes.Social => ExternalConnector.Email(record),
        VerificationTypes.EnterpriseSso => null,
        _ => record.IdentifierType == "email" ? record.IdentifierValue : null,
    };

    private static string? DomainOf(string email) => email.LastIndexOf('@') is var at and > 0 && at < email.Length - 1 ? email[(at + 1)..] : null;
}
