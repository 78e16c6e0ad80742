using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Connectors;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience.Verifications;

/// <summary>
/// Social sign-in (Logto's <c>Social</c> verification): <c>POST /api/experience/verification/social/{connectorId}/authorization-uri</c>
/// starts it at the provider through sso-connector, <c>…/verify</c> finishes it with the callback's parameters and leaves a
/// record carrying the provider's <see cref="ExternalIdentity"/>; identification then applies Logto's rules
/// (<see cref="IdentifyAsync"/>). Its email also counts for the SSO-domain rule.
/// </summary>
public sealed class Social : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.Social];
    public IReadOnlyCollection<string> Identifies => [InteractionEvents.SignIn, InteractionEvents.Register];
    /// <summary>Not an RFC 8176 value: "fed" (federated) as Microsoft's identity platform writes it.</summary>
    public string[] Amr(string type) => ["fed"];

    public static Task<Results<Ok<ExternalAuthorizationUriResponse>, ProblemHttpResult>> CreateAuthorizationUri([AsParameters] ExperienceContext c,
        string connectorId, ExternalAuthorizationUriBody body) =>
        ExternalConnector.StartAsync(c, VerificationTypes.Social, connectorId, body);

    public static Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, string connectorId, ExternalVerifyBody body) =>
        ExternalConnector.VerifyAsync(c, VerificationTypes.Social, ConnectorKinds.Social, connectorId, body);

    /// <summary>
    /// Logto's social identification (logto.md §2), decided here rather than in the UI:
    /// <list type="bullet">
    /// <item>an interaction already identified another way (password, code) with <c>linkSocialIdentity</c>: the identity
    /// goes to that account at submit, whatever the IdP's email (Logto #7997, #8289);</item>
    /// <item>SignIn: the identity's owner signs in; else the related account (verified phone first, then email) is linked
    /// when asked (<c>linkSocialIdentity</c>) or automatic (<c>socialSignIn.automaticAccountLinking</c>), even in
    /// sign-in-only mode; else 404 <c>user.identity_not_exist</c>, with <c>data.relatedUser</c> when there is one;</item>
    /// <item>Register: creates the user with the identity (201), with the IdP's vouched email and phone when nobody uses
    /// them; an identity that already has a user is 422 <c>user.identity_already_in_use</c>.</item>
    /// </list>
    /// </summary>
    internal static async Task<Results<NoContent, Created, ProblemHttpResult>> IdentifyAsync(ExperienceContext c, Interaction interaction,
        VerificationRecord record, SignInExperienceSettings settings, bool linkSocialIdentity)
    {
        var identity = record.ExternalIdentity!;
        if (ExternalConnector.UserInfo(record) is not { } info) return ExperienceProblems.VerificationFailed("The verification carries no identity.");
        var owner = await c.Account.FindUserIdBySocialIdentityAsync(identity.Target, identity.Subject, c.Cancellation);
        if (linkSocialIdentity && interaction is { State: InteractionState.Identified, Event: InteractionEvents.SignIn })
        {
            // Said now rather than at submit: an identity another account holds never moves.
            if (owner is not null && owner != interaction.UserId) return IdentityAlreadyInUse();
            interaction.LinkToIdentifiedUser(record);
            return await c.SaveAsync(interaction) ? TypedResults.NoContent() : ExperienceProblems.NoInteraction();
        }

        if (interaction.Event == InteractionEvents.Register)
            return owner is not null ? IdentityAlreadyInUse() : await RegisterAsync(c, interaction, record, info);

        if (owner is not null)
        {
            interaction.IdentifyByExternalIdentity(owner, record);
            return await c.SaveAsync(interaction) ? TypedResults.NoContent() : ExperienceProblems.NoInteraction();
        }
        var related = await ExternalConnector.RelatedUserAsync(c, info);
        if (related is not { } found || !(linkSocialIdentity || settings.SocialSignIn.AutomaticAccountLinking))
            return ExternalConnector.IdentityNotExist(related?.Identifier);
        interaction.IdentifyByExternalIdentity(found.UserId, record);
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : ExperienceProblems.NoInteraction();
    }

    private static async Task<Results<NoContent, Created, ProblemHttpResult>> RegisterAsync(ExperienceContext c, Interaction interaction,
        VerificationRecord record, ConnectorUserInfo info)
    {
        var identity = record.ExternalIdentity!;
        var (email, phone) = await ExternalConnector.UnusedVouchedIdentifiersAsync(c, info);
        AccountUser user;
        try
        {
            user = await c.Account.CreateUserWithIdentityAsync(new NewExternalUser(email, phone, ExternalConnector.BoundedName(info.Name), info.Avatar,
                new AccountSocialIdentity(identity.Target, identity.Subject, ExternalConnector.Details(info)), null), c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Status is 400 or 422)
        {
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
        // Created with its identity: nothing left to write at submit.
        interaction.Identify(user.Id, new FirstFactor(record.Type, null), UserSnapshot.From(user));
        await c.SaveAsync(interaction);
        return TypedResults.Created();
    }

    internal static ProblemHttpResult IdentityAlreadyInUse() =>
        PlatformProblems.Create(422, "user.identity_already_in_use", "This identity is already linked to an account; sign in instead.");
}

/// <summary>sso-connector's identity kinds.</summary>
public static class ConnectorKinds
{
    public const string Social = "social";
    public const string Sso = "sso";
}
