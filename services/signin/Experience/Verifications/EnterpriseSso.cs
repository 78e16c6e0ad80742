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
    public IReadOnlyCollection<string> Identifies => [InteractionEvents.SignIn, InteractionEvents.Register];
    public string[] Amr(string type) => ["fed"];

    public static Task<Results<Ok<ExternalAuthorizationUriResponse>, ProblemHttpResult>> CreateAuthorizationUri([AsParameters] ExperienceContext c,
        string connectorId, ExternalAuthorizationUriBody body) =>
        ExternalConnector.StartAsync(c, VerificationTypes.EnterpriseSso, connectorId, body);

    public static Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, string connectorId, ExternalVerifyBody body) =>
        ExternalConnector.VerifyAsync(c, VerificationTypes.EnterpriseSso, ConnectorKinds.Sso, connectorId, body);

    /// <summary>
    /// Logto's enterprise identification (logto.md §6), for SignIn and Register alike: the owner of the (issuer, IdP user id)
    /// identity signs in; else the account whose email the IdP vouches for (sso-connector trusts an SSO email in the
    /// connector's domains, or with <c>trustUnverifiedEmail</c>) is linked without a prompt; else the user is created
    /// just in time, even when registration is disabled (the IdP's organisation vouches for its people). Identities are
    /// written at submit for existing users, with the user for a new one (account publishes <c>UserRegistered</c>).
    /// </summary>
    internal static async Task<Results<NoContent, Created, ProblemHttpResult>> IdentifyAsync(ExperienceContext c, Interaction interaction, VerificationRecord record)
    {
        var identity = record.ExternalIdentity!;
        if (ExternalConnector.UserInfo(record) is not { } info) return VerificationFailed("The verification carries no identity.");
        var userId = await c.Account.FindUserIdBySsoIdentityAsync(identity.Target, identity.Subject, c.Cancellation)
            ?? (await ExternalConnector.RelatedUserAsync(c, info with { Phone = null }))?.UserId;
        if (userId is not null)
        {
            interaction.IdentifyByExternalIdentity(userId, record);
            return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
        }

        var (email, _) = await ExternalConnector.UnusedVouchedIdentifiersAsync(c, info with { Phone = null });
        Accounts.AccountUser user;
        try
        {
            user = await c.Account.CreateUserWithIdentityAsync(new Accounts.NewExternalUser(email, null, ExternalConnector.BoundedName(info.Name), info.Avatar, null,
                new Accounts.AccountSsoIdentity(identity.ConnectorId, identity.Target, identity.Subject, ExternalConnector.Details(info))), c.Cancellation);
        }
        catch (Accounts.AccountProblemException e) when (e.Status is 400 or 422)
        {
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
        interaction.Identify(user.Id, new FirstFactor(record.Type, null), UserSnapshot.From(user));
        await c.SaveAsync(interaction);
        // Logto's status follows the event, not whether a user was created.
        return interaction.Event == InteractionEvents.Register ? TypedResults.Created() : TypedResults.NoContent();
    }

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
