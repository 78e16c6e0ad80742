using Microsoft.AspNetCore.DataProtection;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Experience.Verifications;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Steps;

public sealed record ProfileBody(string? Type, string? Value, string? VerificationId);
public sealed record NewPasswordBody(string? Password);

/// <summary>Profile completion (what the sign-up settings require and the user lacks) and the new password of a reset.</summary>
public static class Profile
{
    /// <summary>
    /// Logto's <c>POST /api/experience/profile</c>: <c>{type:'username'|'password', value}</c> or
    /// <c>{type:'email'|'phone', verificationId}</c> of a verified code. Kept on the interaction; written to the user by
    /// identification (Register) or submit (SignIn).
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Add([AsParameters] ExperienceContext c, ProfileBody body)
    {
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.Event == InteractionEvents.ForgotPassword)
            return PlatformProblems.Create(400, "session.not_supported_for_forgot_password", "A password reset changes only the password (PUT /api/experience/profile/password).");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        var user = await c.UserAsync(interaction);
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
                if (body.Value is not { Length: > 0 and <= Password.MaxLength * 16 } password) return InvalidInput("value must be the password.");
                if (user is { HasPassword: true }) return PlatformProblems.Create(422, "user.password_exists_in_profile", "The user already has a password.");
                var info = new PasswordUserInfo(user?.Username ?? interaction.Profile.Username, user?.PrimaryEmail ?? interaction.Profile.PrimaryEmail,
                    user?.PrimaryPhone ?? interaction.Profile.PrimaryPhone, user?.Name);
                if (Password.Rejected(password, settings, info) is { } rejected) return rejected;
                interaction.Profile.ProtectedPassword = c.PasswordProtector.Protect(password);
                break;
            case "email" or "phone":
                var record = interaction.VerificationRecords.FirstOrDefault(r => r.Id == body.VerificationId && r.Type == VerificationTypes.ForCode(body.Type) && r.Verified);
                if (record is null) return VerificationFailed($"verificationId must be a verified {body.Type} code of this interaction.");
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
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>Logto's <c>PUT /api/experience/profile/password</c> for ForgotPassword: checked now, written by submit.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> SetNewPassword([AsParameters] ExperienceContext c, NewPasswordBody body)
    {
        if (body.Password is not { Length: > 0 and <= Password.MaxLength * 16 } password) return InvalidInput("password is required.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.Event != InteractionEvents.ForgotPassword)
            return VerificationFailed("A new password belongs to the ForgotPassword event; use POST /api/experience/profile otherwise.");
        if (interaction.UserId is null) return NotIdentified("Verify a code and identify the user first.");
        var user = await c.UserAsync(interaction);
        if (user is null) return UserNotFound("The account no longer exists.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (Password.Rejected(password, settings, new PasswordUserInfo(user.Username, user.PrimaryEmail, user.PrimaryPhone, user.Name)) is { } rejected) return rejected;
        if (user.HasPassword && await IsCurrentPasswordAsync(c, user, password))
            return PlatformProblems.Create(422, "user.same_password", "The new password must differ from the current one.");
        interaction.Profile.ProtectedPassword = c.PasswordProtector.Protect(password);
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    private static async Task<bool> IsCurrentPasswordAsync(ExperienceContext c, UserSnapshot user, string password)
    {
        var identifier = user.Username is { } u ? new AccountIdentifier("username", u)
            : user.PrimaryEmail is { } email ? new AccountIdentifier("email", email)
            : new AccountIdentifier("phone", user.PrimaryPhone!);
        try { return await c.Account.VerifyPasswordAsync(identifier, password, c.Cancellation) == user.Id; }
        catch (AccountProblemException e) when (e.Code == "user.suspended") { return true; }
    }

    /// <summary>
    /// Mandatory profile at submit: a returning user must supply what the settings now require (422 until they do); what
    /// they supplied is written to the user before the session starts. Register: the user exists since identification;
    /// what was added after it (an email or phone bound as the second factor) is written here too.
    /// </summary>
    internal static async Task<ProblemHttpResult?> CompleteAsync(ExperienceContext c, Interaction interaction, UserSnapshot user, SignInExperienceSettings settings)
    {
        var profile = interaction.Profile;
        // Signed in through an IdP: no password to set (the IdP is the credential); SSO users, and social ones with
        // socialSignIn.skipRequiredIdentifiers, are not asked for identifiers either (Logto).
        var byIdentityProvider = interaction.IdentifiedBy?.Type is VerificationTypes.Social or VerificationTypes.EnterpriseSso;
        var skipIdentifiers = interaction.IdentifiedBy?.Type == VerificationTypes.EnterpriseSso
            || interaction.IdentifiedBy?.Type == VerificationTypes.Social && settings.SocialSignIn.SkipRequiredIdentifiers;
        var missing = skipIdentifiers ? [] : ProfileRequirements.Missing(settings.SignUp, new ProfileSnapshot(
            user.Username ?? profile.Username, user.PrimaryEmail ?? profile.PrimaryEmail, user.PrimaryPhone ?? profile.PrimaryPhone,
            user.HasPassword || profile.ProtectedPassword is not null || byIdentityProvider));
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
        interaction.RememberUser(user with
        {
            Username = user.Username ?? profile.Username, PrimaryEmail = user.PrimaryEmail ?? profile.PrimaryEmail,
            PrimaryPhone = user.PrimaryPhone ?? profile.PrimaryPhone, HasPassword = user.HasPassword || profile.ProtectedPassword is not null,
        });
        interaction.Profile = new();
        await c.SaveAsync(interaction);
        return null;
    }
}

/// <summary>What a user has, as far as the sign-up rules care.</summary>
public sealed record ProfileSnapshot(string? Username, string? PrimaryEmail, string? PrimaryPhone, bool HasPassword);

/// <summary>
/// Logto's mandatory-profile rule: what the sign-up settings require that a user lacks. It applies to new users at
/// registration and to returning users at sign-in (settings may have become stricter since they registered).
/// </summary>
public static class ProfileRequirements
{
    /// <returns>Logto's <c>missingProfile</c> names: <c>username</c>, <c>email</c>, <c>phone</c>, <c>emailOrPhone</c>, <c>password</c>.</returns>
    public static List<string> Missing(SignUpSettings signUp, ProfileSnapshot profile)
    {
        var missing = new List<string>();
        var identifiers = signUp.Identifiers;
        if (identifiers.Contains("username") && profile.Username is null) missing.Add("username");
        var (email, phone) = (identifiers.Contains("email"), identifiers.Contains("phone"));
        if (email && phone) { if (profile.PrimaryEmail is null && profile.PrimaryPhone is null) missing.Add("emailOrPhone"); }
        else if (email && profile.PrimaryEmail is null) missing.Add("email");
        else if (phone && profile.PrimaryPhone is null) missing.Add("phone");
        foreach (var secondary in signUp.SecondaryIdentifiers)
        {
            var lacks = secondary.Identifier switch
            {
                "username" => profile.Username is null,
                "email" => profile.PrimaryEmail is null,
                "phone" => profile.PrimaryPhone is null,
                "emailOrPhone" => profile.PrimaryEmail is null && profile.PrimaryPhone is null,
                _ => false,
            };
            if (lacks && !missing.Contains(secondary.Identifier)) missing.Add(secondary.Identifier);
        }
        if (signUp.Password && !profile.HasPassword) missing.Add("password");
        return missing;
    }
}
