using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Experience.Verifications;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Steps;

/// <param name="LinkSocialIdentity">Logto's flag: link the social record's identity to the related account, or to the account this
/// interaction already identified.</param>
public sealed record IdentificationBody(string? VerificationId, bool? LinkSocialIdentity = null);

/// <summary>
/// <c>POST /api/experience/identification {verificationId}</c>: consumes a verified record of a method that identifies for
/// the interaction's event (<see cref="IVerification.Identifies"/>). SignIn asks the method who it proves, Register creates
/// the user (<see cref="Registration"/>), ForgotPassword finds the code's owner. Social and SSO records follow their
/// own rules (<see cref="Social.IdentifyAsync"/>, <see cref="EnterpriseSso.IdentifyAsync"/>): sign in, link, or create.
/// </summary>
public static class Identification
{
    public static async Task<Results<NoContent, Created, ProblemHttpResult>> Identify([AsParameters] ExperienceContext c, IdentificationBody body)
    {
        if (body.VerificationId is not { Length: > 0 } verificationId) return InvalidInput("verificationId is required.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        var settings = await c.Settings.GetAsync(c.Cancellation);
        // Checked again here (Logto too): the event may have been chosen before the mode changed.
        if (EventDisabled(interaction!.Event, settings.SignInMode) is { } disabled) return disabled;
        var record = interaction.VerificationRecords.FirstOrDefault(r => r.Id == verificationId);
        // Before the method's own rules: an SSO domain's address is refused whatever it was proven with (Logto's order).
        if (record is { Verified: true } && interaction.Event != InteractionEvents.ForgotPassword
            && await EnterpriseSso.RefuseSsoDomainAsync(c, record, settings) is { } ssoOnly) return ssoOnly;
        if (record is null || !VerificationMethods.CanIdentify(record, interaction.Event))
            return VerificationFailed("No verified record with this id fits this interaction.");

        if (record.ExternalIdentity is not null)
            return record.Type == VerificationTypes.EnterpriseSso
                ? await EnterpriseSso.IdentifyAsync(c, interaction, record)
                : await Social.IdentifyAsync(c, interaction, record, settings, body.LinkSocialIdentity == true);

        return interaction.Event switch
        {
            InteractionEvents.Register => await Registration.RegisterAsync(c, interaction, record, settings),
            InteractionEvents.ForgotPassword => await IdentifyForResetAsync(c, interaction, record, settings),
            _ => await IdentifyForSignInAsync(c, interaction, record, settings),
        };
    }

    private static async Task<Results<NoContent, Created, ProblemHttpResult>> IdentifyForSignInAsync(
        ExperienceContext c, Interaction interaction, VerificationRecord record, SignInExperienceSettings settings)
    {
        var proven = await VerificationMethods.For(record.Type)!.FindUserAsync(c, record, settings);
        if (proven.Refused is { } refused) return refused;
        // The hosted UI turns this into "create an account?" (PUT interaction-event Register, then identification again).
        if (proven.UserId is not { } userId) return UserNotFound();
        interaction.Identify(userId, new FirstFactor(record.Type, record.IdentifierValue), proven.User);
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    private static async Task<Results<NoContent, Created, ProblemHttpResult>> IdentifyForResetAsync(
        ExperienceContext c, Interaction interaction, VerificationRecord record, SignInExperienceSettings settings)
    {
        if (!settings.ForgotPasswordMethods.Contains(ForgotPasswordMethod(record.IdentifierType))) return ForgotPasswordMethodNotEnabled();
        // Reached only with a correct code, which is never delivered to an address nobody owns: "not found" leaks nothing new.
        var userId = await c.Account.FindUserIdAsync(new AccountIdentifier(record.IdentifierType, record.IdentifierValue), c.Cancellation);
        if (userId is null) return UserNotFound();
        interaction.Identify(userId, by: null);
        return await c.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    internal static string ForgotPasswordMethod(string identifierType) =>
        identifierType == "email" ? ForgotPasswordMethodNames.Email : ForgotPasswordMethodNames.Phone;
}
