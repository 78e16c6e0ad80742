using Auth.Platform.Signin.Experience.Verifications;
using Auth.Platform.Signin.Mfa;
using Auth.Platform.Signin.Organizations;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Steps;

/// <summary><c>name</c>: WebAuthn only, the credential's label (default: the browser and system it was made on).</summary>
public sealed record BindMfaBody(string? Type, string? VerificationId, string? Name = null);

/// <summary>What submit's MFA gate decided: the problem that stops the sign-in, or the session's <c>amr</c>.</summary>
public sealed record MfaGateResult(ProblemHttpResult? Problem, IReadOnlyList<string> Amr);

/// <summary>
/// The MFA step: binding a factor, skipping, and submit's gate. What a user needs (verify, bind, backup codes, nothing) is
/// mfa's decision (<see cref="MfaClient.SignInGateAsync"/>); this step gives it what the interaction knows and turns the
/// answer into Logto's errors. The factors' own verifications are in <c>Verifications/</c>.
/// </summary>
public static class MfaGate
{
    internal const string BindPurpose = "bind", VerifyPurpose = "verify";

    internal static ProblemHttpResult RecordNotFound() => VerificationFailed("No MFA verification record with this id fits this step.");
    internal static ProblemHttpResult NotEnabled(string type) => PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", $"{type} is not enabled in the sign-in experience.");

    /// <summary>The identified interaction, or the problem that stops an MFA step (factor null: any factor).</summary>
    internal static async Task<(Interaction? Interaction, ProblemHttpResult? Problem)> IdentifiedAsync(ExperienceContext c, string? factor)
    {
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return (null, problem);
        if (interaction!.UserId is null) return (null, NotIdentified("Identify the user before MFA."));
        if (factor is not null && !(await c.Settings.GetAsync(c.Cancellation)).Mfa.Factors.Contains(factor)) return (null, NotEnabled(factor));
        return (interaction, null);
    }

    internal static async Task<string> AddRecordAsync(ExperienceContext c, Interaction interaction, string type, string purpose,
        string mfaId, bool verified, string? recipient = null)
    {
        var record = new MfaVerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = type, Purpose = purpose, UserId = interaction.UserId, MfaId = mfaId, Verified = verified, Recipient = recipient,
        };
        interaction.Mfa.Records.Add(record);
        if (verified && purpose == VerifyPurpose) interaction.PassMfa(interaction.UserId!, type);
        await c.SaveAsync(interaction);
        return record.Id;
    }

    internal static MfaVerificationRecord? FindRecord(Interaction interaction, string? id, string type, string purpose) =>
        interaction.Mfa.Records.FirstOrDefault(r => r.Id == id && r.Type == type && r.Purpose == purpose && r.UserId == interaction.UserId);

    /// <summary>The second-factor channel that identified the user: it cannot be the second factor too.</summary>
    internal static string? FirstFactorChannel(Interaction interaction) =>
        interaction.IdentifiedBy?.Type is { } type && VerificationTypes.IsCode(type) ? type : null;

    /// <summary>
    /// Binds a verified enrolment. A user who already has a usable factor must pass MFA in this interaction first:
    /// otherwise a stolen password would be enough to add an attacker's authenticator (Logto checks the same). Once MFA
    /// is passed, a new TOTP replaces the old one: the recovery path for a lost authenticator (backup code or email
    /// code first, then a new authenticator), where Logto answers <c>user.totp_already_in_use</c>.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Bind([AsParameters] ExperienceContext c, BindMfaBody body)
    {
        if (body.Type is not (VerificationTypes.Totp or VerificationTypes.WebAuthn or VerificationTypes.BackupCode) || body.VerificationId is not { Length: > 0 })
            return InvalidInput("type (Totp, WebAuthn or BackupCode) and verificationId are required; email and phone are bound with POST /api/experience/profile.");
        if (body.Name is { Length: > 128 }) return InvalidInput("name is at most 128 characters.");
        var (interaction, problem) = await IdentifiedAsync(c, body.Type);
        if (problem is not null) return problem;
        if (FindRecord(interaction!, body.VerificationId, body.Type, BindPurpose) is not { Verified: true } record) return RecordNotFound();
        var userId = interaction!.UserId!;
        var passed = interaction.Mfa.VerifiedUserId == userId;
        var settings = (await c.Settings.GetAsync(c.Cancellation)).Mfa;
        var user = await c.UserAsync(interaction);
        if (!passed && (await AskAsync(c, interaction, settings, user, organizationRequiresMfa: false, forSubmit: false)).UsableFactors.Length > 0)
            return PlatformProblems.Create(403, "session.mfa.require_mfa_verification", "Verify an existing factor before adding another.");
        // Backup codes are not alone when the account's email or phone (or one bound in this interaction) is a factor.
        var hasImplicitFactor = body.Type == VerificationTypes.BackupCode
            && (settings.Factors.Contains(VerificationTypes.EmailVerificationCode) && (user?.PrimaryEmail ?? interaction.Profile.PrimaryEmail) is not null
                || settings.Factors.Contains(VerificationTypes.PhoneVerificationCode) && (user?.PrimaryPhone ?? interaction.Profile.PrimaryPhone) is not null);
        var name = body.Type == VerificationTypes.WebAuthn ? body.Name ?? WebAuthn.DeviceName(c.Http.Request.Headers.UserAgent.ToString()) : null;
        await c.Mfa.BindFactorAsync(userId, record.MfaId, name, c.Cancellation, replaceExisting: passed, hasImplicitFactor);
        interaction.Mfa.Records.Remove(record);
        interaction.Mfa.BoundFactor = true;
        // Binding a TOTP or WebAuthn factor proved possession of it: this interaction has passed MFA.
        if (body.Type != VerificationTypes.BackupCode && !passed) interaction.PassMfa(userId, body.Type);
        await c.SaveAsync(interaction);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Logto's <c>POST /api/experience/profile/mfa/mfa-skipped</c>: the user declines to set up MFA now. 422
    /// <c>session.mfa.mfa_policy_not_user_controlled</c> when the policy (or an organization) makes MFA mandatory.
    /// Remembered for the user at submit, so the prompt policies ask once.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Skip([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await IdentifiedAsync(c, null);
        if (problem is not null) return problem;
        var settings = (await c.Settings.GetAsync(c.Cancellation)).Mfa;
        if (settings.Policy == MfaPolicies.Mandatory || await OrganizationRequiresMfaAsync(c, settings, interaction!.UserId!))
            return PlatformProblems.Create(422, "session.mfa.mfa_policy_not_user_controlled", "Setting up MFA is mandatory here; it cannot be skipped.");
        interaction!.Mfa.Skipped = true;
        await c.SaveAsync(interaction);
        return TypedResults.NoContent();
    }

    /// <summary>Asked only when the tenant enforces organizations' requirement at sign-in; organization down → 503 (fails closed).</summary>
    private static async Task<bool> OrganizationRequiresMfaAsync(ExperienceContext c, MfaSettings settings, string userId) =>
        settings.OrganizationRequiredMfaPolicy == OrganizationRequiredMfaPolicies.Mandatory
        && await c.Http.RequestServices.GetRequiredService<OrganizationClient>().IsMfaRequiredForUserAsync(userId, c.Cancellation);

    /// <summary>One call to mfa with everything the interaction knows.</summary>
    private static Task<SignInGateDecision> AskAsync(ExperienceContext c, Interaction interaction, MfaSettings settings, UserSnapshot? user,
        bool organizationRequiresMfa, bool forSubmit)
    {
        var mfa = interaction.Mfa;
        // An email or phone added in this interaction (POST /api/experience/profile after a code) was proven just now.
        string[] proven = !forSubmit ? [] :
        [
            .. interaction.Profile.PrimaryEmail is not null && user?.PrimaryEmail is null ? [VerificationTypes.EmailVerificationCode] : Array.Empty<string>(),
            .. interaction.Profile.PrimaryPhone is not null && user?.PrimaryPhone is null ? [VerificationTypes.PhoneVerificationCode] : Array.Empty<string>(),
        ];
        return c.Mfa.SignInGateAsync(interaction.UserId!, new SignInGateRequest(
            interaction.Event, interaction.IdentifiedBy?.Type, settings.Factors, settings.Policy, organizationRequiresMfa,
            user?.PrimaryEmail, user?.PrimaryPhone, Verified: forSubmit && mfa.VerifiedUserId == interaction.UserId, proven,
            Skipped: forSubmit && mfa.Skipped, BoundFactor: forSubmit && mfa.BoundFactor), c.Cancellation);
    }

    /// <summary>The first factor's methods, the second's (a passkey sign-in is both), and <c>mfa</c>.</summary>
    private static string[] WithSecondFactor(string[] firstAmr, string? secondFactor) =>
        [.. firstAmr.Concat(VerificationMethods.Amr(secondFactor)).Distinct(), "mfa"];

    /// <summary>
    /// Submit's MFA gate (SignIn and Register): mfa decides, in Logto's order, verify (403
    /// <c>session.mfa.require_mfa_verification</c>, <c>data.availableFactors</c>, <c>data.maskedIdentifiers</c>), bind (422
    /// <c>user.missing_mfa</c>, <c>data.availableFactors</c>, <c>data.skippable</c>), backup codes (422
    /// <c>session.mfa.backup_code_required</c>) or nothing. mfa unreachable fails closed (503).
    /// </summary>
    internal static async Task<MfaGateResult> CheckAsync(ExperienceContext c, Interaction interaction, UserSnapshot? user)
    {
        if (interaction.Event == InteractionEvents.ForgotPassword || interaction.UserId is not { } userId) return new(null, []);
        var mfa = interaction.Mfa;
        var settings = (await c.Settings.GetAsync(c.Cancellation)).Mfa;
        var firstAmr = VerificationMethods.Amr(interaction.IdentifiedBy?.Type);
        if (settings.Factors.Count == 0) return new(null, mfa.VerifiedUserId == userId ? WithSecondFactor(firstAmr, mfa.VerifiedFactor) : firstAmr);

        try
        {
            var organizationRequiresMfa = settings.Policy != MfaPolicies.Mandatory && await OrganizationRequiresMfaAsync(c, settings, userId);
            var decision = await AskAsync(c, interaction, settings, user, organizationRequiresMfa, forSubmit: true);
            if (decision.VerifiedBy is { } provenFactor)
            {
                interaction.PassMfa(userId, provenFactor);
                mfa.BoundFactor = true;
                await c.SaveAsync(interaction);
            }
            switch (decision.Requirement)
            {
                case SignInGateDecision.Verify:
                    return new(PlatformProblems.Create(403, "session.mfa.require_mfa_verification", "Verify a second factor to continue.",
                        new { availableFactors = decision.AvailableFactors, maskedIdentifiers = decision.MaskedIdentifiers }), []);
                case SignInGateDecision.Bind:
                    return new(PlatformProblems.Create(422, "user.missing_mfa", "Set up a second factor to continue.",
                        new { availableFactors = decision.AvailableFactors, skippable = decision.Skippable }), []);
                case SignInGateDecision.BackupCodes:
                    return new(PlatformProblems.Create(422, "session.mfa.backup_code_required", "Save a set of backup codes to continue."), []);
            }
            return new(null, mfa.VerifiedUserId == userId ? WithSecondFactor(firstAmr, mfa.VerifiedFactor) : firstAmr);
        }
        catch (MfaRefusedException e)
        {
            // mfa refusing a well-formed user id is not the user's input: fail closed like an outage.
            c.Logger.LogError(e, "mfa refused a call at submit");
            return new(Unavailable(), []);
        }
    }
}
