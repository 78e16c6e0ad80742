using Microsoft.AspNetCore.DataProtection;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Steps;

/// <summary>
/// <c>POST /api/experience/submit</c>: the last step. SignIn and Register pass the MFA gate, the terms, the mandatory
/// profile, then start the session; ForgotPassword writes the new password. Also the terms agreement it checks.
/// </summary>
public static class Submit
{
    public static async Task<Results<Ok<RedirectResponse>, NoContent, ProblemHttpResult>> Finish([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.UserId is not { } userId) return NotIdentified("Identify the user before submitting.");
        if (interaction.Event == InteractionEvents.ForgotPassword) return await FinishPasswordResetAsync(c, interaction);
        var user = await c.UserAsync(interaction);
        var mfa = await MfaGate.CheckAsync(c, interaction, user);
        if (mfa.Problem is not null) return mfa.Problem;
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (TermsRequired(settings.AgreeToTermsPolicy, interaction.Event) && interaction.TermsAgreedAt is null)
            return PlatformProblems.Create(422, "terms.not_agreed", "Agree to the terms of use and privacy policy first (POST /api/experience/terms/agree).");
        if (user is null) return UserNotFound("The account no longer exists.");
        if (user.IsSuspended) return Suspended();
        if (await Profile.CompleteAsync(c, interaction, user, settings) is { } incomplete) return incomplete;
        // After MFA and the profile: an interaction that stops before them links nothing.
        if (await Verifications.ExternalConnector.WritePendingIdentityAsync(c, interaction) is { } notLinked) return notLinked;
        if (TermsRequired(settings.AgreeToTermsPolicy, interaction.Event))
        {
            await c.Terms.RecordAsync(new TermsAcceptance
            {
                Id = SessionService.NewOpaqueId(), UserId = userId, AcceptedAt = interaction.TermsAgreedAt!.Value, InteractionEvent = interaction.Event,
                TermsOfUseUrl = settings.TermsOfUseUrl, PrivacyPolicyUrl = settings.PrivacyPolicyUrl,
            }, c.Cancellation);
        }
        var session = await c.Sessions.StartAsync(c.Http, userId, mfa.Amr, c.Cancellation);
        interaction.Submit(session.Id);
        if (!await c.SaveAsync(interaction)) return NoInteraction();
        try { await c.Account.RecordSignInAsync(userId, c.Cancellation); }
        catch (Exception e) when (e is AccountProblemException or HttpRequestException)
        {
            // lastSignInAt is bookkeeping: failing to record it must not fail the sign-in.
            c.Logger.LogWarning(e, "Could not record the sign-in of {UserId}", userId);
        }
        var query = QueryString.Create(interaction.Parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return TypedResults.Ok(new RedirectResponse($"{c.Configuration.GetPublicUrl()}/oidc/auth{query}"));
    }

    /// <summary>
    /// Writes the new password, then ends every session and revokes every refresh token of the user: whoever knew the old
    /// password is out. The interaction goes back to SignIn (same OIDC request), so the user signs in with the new password.
    /// </summary>
    private static async Task<Results<Ok<RedirectResponse>, NoContent, ProblemHttpResult>> FinishPasswordResetAsync(ExperienceContext c, Interaction interaction)
    {
        if (interaction.Profile.ProtectedPassword is not { } protectedPassword)
            return PlatformProblems.Create(422, "user.new_password_required_in_profile", "Set the new password first (PUT /api/experience/profile/password).");
        await c.Account.SetPasswordAsync(interaction.UserId!, c.PasswordProtector.Unprotect(protectedPassword), rejectSamePassword: false, c.Cancellation);
        await c.Sessions.EndAllForUserAsync(interaction.UserId!, "password_reset", c.Cancellation);
        interaction.FinishPasswordReset();
        await c.SaveAsync(interaction);
        return TypedResults.NoContent();
    }

    /// <summary>The user ticked the terms box: kept on the interaction, recorded against the user at submit.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> AgreeToTerms([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        interaction!.TermsAgreedAt = DateTimeOffset.UtcNow;
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>Logto enforces the agreement only in its UI; here submit refuses without it (issue 3).</summary>
    public static bool TermsRequired(string agreeToTermsPolicy, string interactionEvent) => agreeToTermsPolicy switch
    {
        AgreeToTermsPolicies.Manual => interactionEvent != InteractionEvents.ForgotPassword,
        AgreeToTermsPolicies.ManualRegistrationOnly => interactionEvent == InteractionEvents.Register,
        _ => false,
    };
}
