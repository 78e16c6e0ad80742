using Auth.Platform.Signin.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience;

public sealed record ProfileBody(string? Type, string? Value, string? VerificationId);
public sealed record NewPasswordBody(string? Password);

/// <summary>Profile completion (what the sign-up settings require and the user lacks) and the new password of a reset.</summary>
public static partial class ExperienceApi
{
    /// <summary>
    /// Logto's <c>POST /api/experience/profile</c>: <c>{type:'username'|'password', value}</c> or
    /// <c>{type:'email'|'phone', verificationId}</c> of a verified code. Kept on the interaction; written to the user by
    /// identification (Register) or submit (SignIn).
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> AddProfile([AsParameters] ExperienceContext c, ProfileBody body)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event == InteractionEvents.ForgotPassword)
            return PlatformProblems.Create(400, "session.not_supported_for_forgot_password", "A password reset changes only the password (PUT /api/experience/profile/password).");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        var user = interaction.UserId is { } id ? await c.Account.GetUserAsync(id, c.Cancellation) : null;
        switch (body.Type)
        {
            case "username":
                if (body.Value is not { } username) return InvalidInput("value must be the username.");
                if (UsernameRule.Violation(username, settings.UsernamePolicy) is { } violation) return InvalidInput(violation);
                if (user?.Username is not null) return PlatformProblems.Create(422, "user.username_exists_in_profile", "The user already has a username.");
                if (await c.Account.IdentifierExistsAsync(new AccountIdentifier("username", username), c.Cancellation))
                    return PlatformProblems.Create(422, "user.username_already_in_use", "This username is already in use.");
                interaction.Profile.Username = username;
                break;
            case "password":
                if (body.Value is not { Length: > 0 and <= MaxPasswordLength * 16 } password) return InvalidInput("value must be the password.");
                if (user is { HasPassword: true }) return PlatformProblems.Create(422, "user.password_exists_in_profile", "The user already has a password.");
                var info = new PasswordUserInfo(user?.Username ?? interaction.Profile.Username, user?.PrimaryEmail ?? interaction.Profile.PrimaryEmail,
                    user?.PrimaryPhone ?? interaction.Profile.PrimaryPhone, user?.Name);
                if (PasswordRejected(password, settings, info) is { } rejected) return rejected;
                interaction.Profile.ProtectedPassword = c.PasswordProtector.Protect(password);
                break;
            case "email" or "phone":
                var record = interaction.VerificationRecords.FirstOrDefault(r => r.Id == body.VerificationId && r.Type == VerificationTypes.ForCode(body.Type) && r.Verified);
                if (record is null) return PlatformProblems.Create(400, "session.verification_failed", $"verificationId must be a verified {body.Type} code of this interaction.");
                if ((body.Type == "email" ? user?.PrimaryEmail : user?.PrimaryPhone) is not null)
                    return PlatformProblems.Create(422, $"user.{body.Type}_exists_in_profile", $"The user already has a {body.Type}.");
                if (await c.Account.IdentifierExistsAsync(new AccountIdentifier(body.Type, record.IdentifierValue), c.Cancellation))
                    return PlatformProblems.Create(422, $"user.{body.Type}_already_in_use", $"This {body.Type} is associated with an existing account.");
                if (body.Type == "email") interaction.Profile.PrimaryEmail = record.IdentifierValue;
                else interaction.Profile.PrimaryPhone = record.IdentifierValue;
                break;
            default:
                return InvalidInput("type must be username, password, email or phone.");
        }
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>Logto's <c>PUT /api/experience/profile/password</c> for ForgotPassword: checked now, written by submit.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> SetNewPassword([AsParameters] ExperienceContext c, NewPasswordBody body)
    {
        if (body.Password is not { Length: > 0 and <= MaxPasswordLength * 16 } password) return InvalidInput("password is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.ForgotPassword)
            return PlatformProblems.Create(400, "session.verification_failed", "A new password belongs to the ForgotPassword event; use POST /api/experience/profile otherwise.");
        if (interaction.UserId is null) return PlatformProblems.Create(400, "session.not_identified", "Verify a code and identify the user first.");
        var user = await c.Account.GetUserAsync(interaction.UserId, c.Cancellation);
        if (user is null) return PlatformProblems.Create(404, "user.user_not_exist", "The account no longer exists.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (PasswordRejected(password, settings, new PasswordUserInfo(user.Username, user.PrimaryEmail, user.PrimaryPhone, user.Name)) is { } rejected) return rejected;
        if (user.HasPassword && await IsCurrentPasswordAsync(c, user, password))
            return PlatformProblems.Create(422, "user.same_password", "The new password must differ from the current one.");
        interaction.Profile.ProtectedPassword = c.PasswordProtector.Protect(password);
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    private static async Task<bool> IsCurrentPasswordAsync(ExperienceContext c, AccountUser user, string password)
    {
        var identifier = user.Username is { } u ? new AccountIdentifier("username", u)
            : user.PrimaryEmail is { } email ? new AccountIdentifier("email", email)
            : new AccountIdentifier("phone", user.PrimaryPhone!);
        try { return await c.Account.VerifyPasswordAsync(identifier, password, c.Cancellation) == user.Id; }
        catch (AccountProblemException e) when (e.Code == "user.suspended") { return true; }
    }

    /// <summary>
    /// Writes the new password, then ends every session and revokes every refresh token of the user: whoever knew the old
    /// password is out. The interaction goes back to SignIn (same OIDC request), so the user signs in with the new password.
    /// </summary>
    private static async Task<Results<Ok<RedirectResponse>, NoContent, ProblemHttpResult>> SubmitPasswordResetAsync(ExperienceContext c, Interaction interaction)
    {
        if (interaction.Profile.ProtectedPassword is not { } protectedPassword)
            return PlatformProblems.Create(422, "user.new_password_required_in_profile", "Set the new password first (PUT /api/experience/profile/password).");
        await c.Account.SetPasswordAsync(interaction.UserId!, c.PasswordProtector.Unprotect(protectedPassword), rejectSamePassword: false, c.Cancellation);
        await c.Sessions.EndAllForUserAsync(interaction.UserId!, "password_reset", c.Cancellation);
        interaction.Event = InteractionEvents.SignIn;
        interaction.UserId = null;
        interaction.IdentifiedBy = null;
        interaction.VerificationRecords = [];
        interaction.Profile = new();
        await c.Interactions.SaveAsync(interaction);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Mandatory profile at sign-in: a returning user must supply what the settings now require (422 until they do); what
    /// they supplied is written to the user before the session starts.
    /// </summary>
    private static async Task<ProblemHttpResult?> CompleteProfileAsync(ExperienceContext c, Interaction interaction, SignInExperienceSettings settings)
    {
        // Register: the user exists since identification; what was added after it (an email or phone bound as the second
        // factor) is written here too.
        if (interaction.Event is not (InteractionEvents.SignIn or InteractionEvents.Register)) return null;
        var user = await c.Account.GetUserAsync(interaction.UserId!, c.Cancellation);
        if (user is null) return PlatformProblems.Create(404, "user.user_not_exist", "The account no longer exists.");
        if (user.IsSuspended) return Suspended();
        var profile = interaction.Profile;
        var missing = ProfileRequirements.Missing(settings.SignUp, new ProfileSnapshot(
            user.Username ?? profile.Username, user.PrimaryEmail ?? profile.PrimaryEmail, user.PrimaryPhone ?? profile.PrimaryPhone,
            user.HasPassword || profile.ProtectedPassword is not null));
        if (missing.Count > 0) return MissingProfile(missing);
        if (profile.IsEmpty) return null;
        try
        {
            if (profile.Username is not null || profile.PrimaryEmail is not null || profile.PrimaryPhone is not null)
                await c.Account.UpdateIdentifiersAsync(user.Id, profile.Username, profile.PrimaryEmail, profile.PrimaryPhone, c.Cancellation);
            if (profile.ProtectedPassword is { } protectedPassword)
                await c.Account.SetPasswordAsync(user.Id, c.PasswordProtector.Unprotect(protectedPassword), rejectSamePassword: false, c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Status is 400 or 422)
        {
            // Someone took the identifier since it was checked: the user picks another.
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
        interaction.Profile = new();
        await c.Interactions.SaveAsync(interaction);
        return null;
    }
}
