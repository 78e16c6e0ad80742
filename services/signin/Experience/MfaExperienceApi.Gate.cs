using Auth.Platform.Signin.Mfa;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Organizations;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace Auth.Platform.Signin.Experience;

/// <summary>What submit's MFA gate decided: the problem that stops the sign-in, or the session's <c>amr</c>.</summary>
public sealed record MfaGateResult(ProblemHttpResult? Problem, IReadOnlyList<string> Amr);

/// <summary>
/// Submit's MFA gate and the factor bookkeeping it shares with binding: which factors a user has, which of them can
/// serve as the second factor in this interaction, and what the policy asks of a user without one.
/// </summary>
public static partial class MfaExperienceApi
{
    /// <summary>Logto's display order: passkeys first, backup codes last.</summary>
    private static readonly string[] FactorOrder = [WebAuthn, Totp, PhoneCode, EmailCode, BackupCode];

    /// <summary>The second-factor channel that identified the user: it cannot be the second factor too.</summary>
    private static string? FirstFactorChannel(Interaction interaction) => interaction.IdentifiedBy?.Type switch
    {
        VerificationTypes.EmailVerificationCode => EmailCode,
        VerificationTypes.PhoneVerificationCode => PhoneCode,
        _ => null,
    };

    /// <summary>
    /// The user's factors enabled in the sign-in experience (Logto's <c>getAllUserEnabledMfaVerifications</c>): bound TOTP,
    /// WebAuthn, backup codes with codes left, and, implicitly, the account's email and phone when those factors are on.
    /// </summary>
    internal static List<string> EnabledFactors(MfaSettings settings, IEnumerable<MfaFactor> bound, string? email, string? phone)
    {
        var stored = bound.Where(f => settings.Factors.Contains(f.Type) && (f.Type != BackupCode || f.RemainCodes > 0))
            .OrderBy(f => f.Type == WebAuthn ? 0 : f.Type == BackupCode ? 2 : 1).ThenByDescending(f => f.LastUsedAt ?? 0).Select(f => f.Type);
        var implicitFactors = new[] { (PhoneCode, phone), (EmailCode, email) }.Where(x => x.Item2 is not null && settings.Factors.Contains(x.Item1)).Select(x => x.Item1);
        var all = stored.Concat(implicitFactors).Distinct().ToList();
        // Backup codes stay last whatever was used recently.
        if (all.Remove(BackupCode)) all.Add(BackupCode);
        return all;
    }

    /// <summary>Factors that can verify this user now: the account's enabled ones minus the channel that identified them.</summary>
    private static List<string> UsableFactors(MfaSettings settings, IEnumerable<MfaFactor> bound, Accounts.AccountUser? user, Interaction interaction)
    {
        var usable = EnabledFactors(settings, bound, user?.PrimaryEmail, user?.PrimaryPhone);
        usable.Remove(FirstFactorChannel(interaction) ?? "");
        return usable;
    }

    /// <summary>Mandatory policy, or an organization of the user requires MFA and the tenant enforces that at sign-in.</summary>
    private static async Task<bool> IsMandatoryAsync(MfaExperienceContext c, MfaSettings settings, string userId) =>
        settings.Policy == MfaPolicies.Mandatory || await IsRequiredByOrganizationsAsync(c, settings, userId);

    /// <summary>Asked only when the tenant enforces organizations' requirement at sign-in; organization down → 503 (fails closed).</summary>
    private static async Task<bool> IsRequiredByOrganizationsAsync(MfaExperienceContext c, MfaSettings settings, string userId) =>
        settings.OrganizationRequiredMfaPolicy == OrganizationRequiredMfaPolicies.Mandatory
        && await c.Http.RequestServices.GetRequiredService<OrganizationClient>().IsMfaRequiredForUserAsync(userId, c.Cancellation);

    /// <summary>Whether the policy asks a user without a factor to set one up in this event (before any skip).</summary>
    private static bool Prompts(string policy, string interactionEvent) => policy switch
    {
        MfaPolicies.NoPrompt => false,
        // "Ask at the second sign-in after registration": registration itself is left alone.
        MfaPolicies.PromptOnlyAtSignIn => interactionEvent == InteractionEvents.SignIn,
        _ => true,
    };

    /// <summary>Logto's <c>maskedIdentifiers</c>: where a code would go, without disclosing the address to whoever holds the password.</summary>
    private static Dictionary<string, string> MaskedIdentifiers(List<string> factors, Accounts.AccountUser? user)
    {
        var masked = new Dictionary<string, string>();
        if (factors.Contains(EmailCode) && user?.PrimaryEmail is { } email) masked[EmailCode] = MaskEmail(email);
        if (factors.Contains(PhoneCode) && user?.PrimaryPhone is { } phone) masked[PhoneCode] = MaskPhone(phone);
        return masked;
    }

    /// <summary><c>jane.doe@example.com</c> → <c>ja****@example.com</c>.</summary>
    internal static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0) return "****";
        return email[..Math.Min(2, at)] + "****" + email[at..];
    }

    /// <summary><c>+33612345678</c> → <c>****5678</c>.</summary>
    internal static string MaskPhone(string phone) => "****" + (phone.Length > 4 ? phone[^4..] : "");

    private static string[] AmrOf(string? factor) => factor switch
    {
        VerificationTypes.Password or VerificationTypes.NewPasswordIdentity => ["pwd"],
        VerificationTypes.PhoneVerificationCode or PhoneCode => ["sms"],
        VerificationTypes.EmailVerificationCode or EmailCode or Totp or BackupCode => ["otp"],
        SignInPasskey or WebAuthn => ["hwk"],
        _ => [],
    };

    /// <summary>The first factor's methods, the second's (a passkey sign-in is both), and <c>mfa</c>.</summary>
    private static string[] WithSecondFactor(string[] firstAmr, string? secondFactor) => [.. firstAmr.Concat(AmrOf(secondFactor)).Distinct(), "mfa"];

    /// <summary>
    /// Submit's MFA gate (SignIn and Register), in Logto's order:
    /// <list type="number">
    /// <item>a user with a usable factor must pass one in this interaction (403 <c>session.mfa.require_mfa_verification</c>,
    /// <c>data.availableFactors</c>), unless they turned on <c>skipMfaOnSignIn</c> and MFA is not mandatory;</item>
    /// <item>a user without one is asked to bind one when the policy prompts in this event and they have not skipped
    /// (422 <c>user.missing_mfa</c>, <c>data.availableFactors</c>, <c>data.skippable</c>); Mandatory and organization-required
    /// MFA cannot be skipped;</item>
    /// <item>after binding a factor, backup codes when they are enabled and the user has none (422 <c>session.mfa.backup_code_required</c>).</item>
    /// </list>
    /// A skip is remembered for the user here. mfa unreachable fails closed (503).
    /// </summary>
    public static async Task<MfaGateResult> CheckMfaAsync(ExperienceContext c, Interaction interaction)
    {
        if (interaction.Event == InteractionEvents.ForgotPassword || interaction.UserId is not { } userId) return new(null, []);
        var services = c.Http.RequestServices;
        var m = new MfaExperienceContext(c.Http, c.Interactions, services.GetRequiredService<MfaClient>(), c.Account,
            services.GetRequiredService<IConnectionMultiplexer>(), c.Settings, c.Notifications, c.Sentinel,
            services.GetRequiredService<ILogger<MfaExperienceContext>>(), c.Cancellation);
        var state = await m.LoadAsync(interaction);
        var settings = (await c.Settings.GetAsync(c.Cancellation)).Mfa;
        var firstAmr = AmrOf(interaction.IdentifiedBy?.Type);
        if (settings.Factors.Count == 0) return new(null, state.VerifiedUserId == userId ? WithSecondFactor(firstAmr, state.VerifiedFactor) : firstAmr);

        try
        {
            var user = await c.Account.GetUserAsync(userId, c.Cancellation);
            var bound = await m.Mfa.ListFactorsAsync(userId, c.Cancellation);
            var userSettings = await m.Mfa.GetSettingsAsync(userId, c.Cancellation);
            var mandatory = await IsMandatoryAsync(m, settings, userId);
            var verified = state.VerifiedUserId == userId;
            // An email or phone bound in this interaction (POST /api/experience/profile after a code) was proven just now.
            var provenByProfile = (interaction.Profile.PrimaryEmail is not null && user?.PrimaryEmail is null && settings.Factors.Contains(EmailCode) ? EmailCode : null)
                ?? (interaction.Profile.PrimaryPhone is not null && user?.PrimaryPhone is null && settings.Factors.Contains(PhoneCode) ? PhoneCode : null);
            var usable = UsableFactors(settings, bound, user, interaction);
            // Only for a user with no factor yet: otherwise someone holding just the password could add their own address
            // and pass "MFA" with it instead of the user's authenticator.
            if (!verified && provenByProfile is not null && usable.Count == 0)
            {
                (state.VerifiedUserId, state.VerifiedFactor, state.BoundFactor, verified) = (userId, provenByProfile, true, true);
                await m.SaveAsync(interaction, state);
                usable.Add(provenByProfile);
            }
            if (!verified && usable.Count > 0 && (mandatory || !userSettings.SkipMfaOnSignIn))
                return new(PlatformProblems.Create(403, "session.mfa.require_mfa_verification", "Verify a second factor to continue.",
                    new { availableFactors = usable, maskedIdentifiers = MaskedIdentifiers(usable, user) }), []);

            // NoPrompt, a skip, or registration under PromptOnlyAtSignIn: nothing more is asked (as Logto, backup codes included).
            var asks = mandatory || Prompts(settings.Policy, interaction.Event) && !state.Skipped && !userSettings.Skipped;
            if (asks && usable.Count == 0)
            {
                var bindable = FactorOrder.Where(f => f != BackupCode && settings.Factors.Contains(f) && f != FirstFactorChannel(interaction)).ToArray();
                if (bindable.Length > 0)
                    return new(PlatformProblems.Create(422, "user.missing_mfa", "Set up a second factor to continue.",
                        new { availableFactors = bindable, skippable = !mandatory }), []);
            }
            if (asks && state.BoundFactor && settings.Factors.Contains(BackupCode) && !bound.Any(f => f.Type == BackupCode && f.RemainCodes > 0))
                return new(PlatformProblems.Create(422, "session.mfa.backup_code_required", "Save a set of backup codes to continue."), []);

            if (state.Skipped && !userSettings.Skipped) await m.Mfa.UpdateSettingsAsync(userId, skipped: true, null, null, c.Cancellation);
            return new(null, verified ? WithSecondFactor(firstAmr, state.VerifiedFactor) : firstAmr);
        }
        catch (MfaRefusedException e)
        {
            // mfa refusing a well-formed user id is not the user's input: fail closed like an outage.
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Experience.Mfa").LogError(e, "mfa refused a call at submit");
            return new(PlatformProblems.Create(503, "service.unavailable", "A service needed for this step is unavailable; try again shortly."), []);
        }
    }
}
