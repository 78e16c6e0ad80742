using Auth.Platform.Mfa.Settings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Mfa.Factors;

/// <summary>
/// What signin knows and tells mfa at submit: the interaction's event and first factor, the tenant's MFA settings (signin
/// owns them), whether an organization of the user requires MFA, the account's addresses (implicit email/SMS factors),
/// and what happened in this interaction. mfa reads the user's factors and settings itself.
/// </summary>
/// <param name="InteractionEvent"><c>SignIn</c> or <c>Register</c> at submit; <c>ForgotPassword</c> only asks which factors are usable (binding).</param>
/// <param name="FirstFactor">The verification type that identified the user (<c>Password</c>, <c>EmailVerificationCode</c>,
/// <c>SignInPasskey</c>…): an email or SMS code that identified the user cannot be the second factor too.</param>
/// <param name="Factors">The sign-in experience's <c>mfa.factors</c>.</param>
/// <param name="Policy">The sign-in experience's <c>mfa.policy</c>.</param>
/// <param name="OrganizationRequiresMfa">An organization of the user requires MFA and the tenant enforces it at sign-in.</param>
/// <param name="Verified">The user passed a second factor (or a passkey) in this interaction.</param>
/// <param name="AddressesProvenInInteraction">Email/phone factors whose address the user proved in this interaction and the
/// account lacks, in order of preference; the first enabled one can be the second factor of a user who has none.</param>
/// <param name="Skipped">The user chose to skip binding a factor in this interaction.</param>
/// <param name="BoundFactor">A factor was bound in this interaction.</param>
public sealed record SignInGateRequest(
    string? InteractionEvent, string? FirstFactor, string[]? Factors, string? Policy, bool OrganizationRequiresMfa,
    string? Email, string? Phone, bool Verified, string[]? AddressesProvenInInteraction, bool Skipped, bool BoundFactor);

/// <summary>
/// mfa's answer. <c>Requirement</c>: <c>none</c> (go on), <c>verify</c> (pass one of <c>AvailableFactors</c>), <c>bind</c> (set up one
/// of <c>AvailableFactors</c>; <c>Skippable</c>), <c>backupCodes</c> (save backup codes first). <c>UsableFactors</c>: what can verify
/// the user now. <c>VerifiedBy</c>: the address factor that counts as this interaction's second factor (the user had none).
/// </summary>
public sealed record SignInGateResponse(string Requirement, string[] AvailableFactors, Dictionary<string, string> MaskedIdentifiers, bool Skippable,
    string[] UsableFactors, string? VerifiedBy);

/// <summary>
/// The one owner of "what does this user need now at sign-in": verify, bind, backup codes or nothing (Logto's order).
/// signin asks once at submit (<c>POST /internal/mfa/users/{userId}/sign-in-gate</c>) instead of re-deriving it from the
/// factor list and the user's settings.
/// </summary>
public static class SignInGate
{
    public const string None = "none", Verify = "verify", Bind = "bind", BackupCodes = "backupCodes";
    public const string EmailCode = "EmailVerificationCode", PhoneCode = "PhoneVerificationCode";

    /// <summary>Logto's display order: passkeys first, backup codes last.</summary>
    private static readonly string[] FactorOrder = [FactorTypes.WebAuthn, FactorTypes.Totp, PhoneCode, EmailCode, FactorTypes.BackupCode];
    private static readonly string[] KnownFactors = [.. FactorOrder];
    private static readonly string[] Policies = ["UserControlled", "Mandatory", "PromptAtSignInAndSignUp", "PromptOnlyAtSignIn", "NoPrompt"];

    public static IEndpointRouteBuilder MapSignInGateApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/mfa/users/{userId}/sign-in-gate", Decide).RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: MFA");
        return app;
    }

    /// <summary>A bound factor as the rule sees it.</summary>
    public sealed record BoundFactor(string Type, DateTimeOffset? LastUsedAt, int? RemainCodes);

    private static async Task<Results<Ok<SignInGateResponse>, ProblemHttpResult>> Decide(string userId, SignInGateRequest body,
        [AsParameters] MfaContext c, MfaUserSettingsStore settingsStore)
    {
        if (!MfaInternalApi.ValidUserId(userId)) return PlatformProblems.Create(400, "guard.invalid_input", "userId is invalid.");
        if (body.Factors is null || body.Factors.Any(f => !KnownFactors.Contains(f)) || body.Policy is null || !Policies.Contains(body.Policy)
            || body.InteractionEvent is not ("SignIn" or "Register" or "ForgotPassword"))
            return PlatformProblems.Create(400, "guard.invalid_input", "factors (known factor types), policy and interactionEvent (SignIn, Register or ForgotPassword) are required.");
        var (factors, remaining) = await MfaInternalApi.ReadFactorsAsync(c, userId);
        var bound = factors.Select(f => new BoundFactor(f.Type, f.LastUsedAt, f.Type == FactorTypes.BackupCode ? remaining : null)).ToList();
        var userSettings = await settingsStore.GetAsync(userId, c.Cancellation);
        var answer = Evaluate(body, bound, userSettings.Skipped, userSettings.SkipMfaOnSignIn);
        // The skip chosen in this interaction is remembered for the user once nothing else stands in the way (Logto's mfa.skipped).
        if (answer.Requirement == None && body.Skipped && !userSettings.Skipped)
            await settingsStore.UpdateAsync(userId, new MfaUserSettingsChange(true, null, null), c.Cancellation);
        return TypedResults.Ok(answer);
    }

    /// <summary>The channel a first factor used up: an email or SMS code that identified the user.</summary>
    private static string? FirstFactorChannel(string? firstFactor) => firstFactor is EmailCode or PhoneCode ? firstFactor : null;

    /// <summary>
    /// Submit's MFA gate (SignIn and Register), in Logto's order:
    /// <list type="number">
    /// <item>a user with a usable factor must pass one in this interaction (<c>verify</c>), unless they turned on
    /// <c>skipMfaOnSignIn</c> and MFA is not mandatory;</item>
    /// <item>a user without one is asked to bind one when the policy prompts in this event and they have not skipped
    /// (<c>bind</c>, <c>skippable</c> unless mandatory);</item>
    /// <item>after binding a factor, backup codes when they are enabled and the user has none (<c>backupCodes</c>).</item>
    /// </list>
    /// An address proven in this interaction counts as the second factor only for a user with no factor at all: otherwise
    /// someone holding just the password could add their own address and pass "MFA" with it.
    /// </summary>
    public static SignInGateResponse Evaluate(SignInGateRequest request, IReadOnlyList<BoundFactor> bound, bool userSkipped, bool skipMfaOnSignIn)
    {
        var enabled = request.Factors ?? [];
        var firstFactorChannel = FirstFactorChannel(request.FirstFactor);
        var mandatory = request.Policy == "Mandatory" || request.OrganizationRequiresMfa;
        var usable = EnabledFactors(enabled, bound, request.Email, request.Phone);
        usable.Remove(firstFactorChannel ?? "");
        var verified = request.Verified;
        string? verifiedBy = null;
        if (!verified && usable.Count == 0 && (request.AddressesProvenInInteraction ?? []).FirstOrDefault(enabled.Contains) is { } proven)
        {
            (verified, verifiedBy) = (true, proven);
            usable.Add(proven);
        }
        if (!verified && usable.Count > 0 && (mandatory || !skipMfaOnSignIn))
            return new(Verify, [.. usable], MaskedIdentifiers(usable, request.Email, request.Phone), false, [.. usable], verifiedBy);

        // NoPrompt, a skip, or registration under PromptOnlyAtSignIn: nothing more is asked (as Logto, backup codes included).
        var asks = mandatory || Prompts(request.Policy!, request.InteractionEvent!) && !request.Skipped && !userSkipped;
        if (asks && usable.Count == 0)
        {
            var bindable = FactorOrder.Where(f => f != FactorTypes.BackupCode && enabled.Contains(f) && f != firstFactorChannel).ToArray();
            if (bindable.Length > 0) return new(Bind, bindable, [], !mandatory, [], verifiedBy);
        }
        var boundFactor = request.BoundFactor || verifiedBy is not null;
        if (asks && boundFactor && enabled.Contains(FactorTypes.BackupCode) && !bound.Any(f => f.Type == FactorTypes.BackupCode && f.RemainCodes > 0))
            return new(BackupCodes, [FactorTypes.BackupCode], [], false, [.. usable], verifiedBy);
        return new(None, [], [], false, [.. usable], verifiedBy);
    }

    /// <summary>
    /// The user's factors enabled in the sign-in experience (Logto's <c>getAllUserEnabledMfaVerifications</c>): bound TOTP,
    /// WebAuthn, backup codes with codes left, and, implicitly, the account's email and phone when those factors are on.
    /// </summary>
    public static List<string> EnabledFactors(IReadOnlyCollection<string> enabled, IEnumerable<BoundFactor> bound, string? email, string? phone)
    {
        var stored = bound.Where(f => enabled.Contains(f.Type) && (f.Type != FactorTypes.BackupCode || f.RemainCodes > 0))
            .OrderBy(f => f.Type == FactorTypes.WebAuthn ? 0 : f.Type == FactorTypes.BackupCode ? 2 : 1).ThenByDescending(f => f.LastUsedAt ?? DateTimeOffset.MinValue)
            .Select(f => f.Type);
        var implicitFactors = new[] { (PhoneCode, phone), (EmailCode, email) }.Where(x => x.Item2 is not null && enabled.Contains(x.Item1)).Select(x => x.Item1);
        var all = stored.Concat(implicitFactors).Distinct().ToList();
        // Backup codes stay last whatever was used recently.
        if (all.Remove(FactorTypes.BackupCode)) all.Add(FactorTypes.BackupCode);
        return all;
    }

    /// <summary>Whether the policy asks a user without a factor to set one up in this event (before any skip).</summary>
    private static bool Prompts(string policy, string interactionEvent) => policy switch
    {
        "NoPrompt" => false,
        _ when interactionEvent == "ForgotPassword" => false,
        // "Ask at the second sign-in after registration": registration itself is left alone.
        "PromptOnlyAtSignIn" => interactionEvent == "SignIn",
        _ => true,
    };

    /// <summary>Logto's <c>maskedIdentifiers</c>: where a code would go, without disclosing the address to whoever holds the password.</summary>
    private static Dictionary<string, string> MaskedIdentifiers(List<string> factors, string? email, string? phone)
    {
        var masked = new Dictionary<string, string>();
        if (factors.Contains(EmailCode) && email is not null) masked[EmailCode] = MaskEmail(email);
        if (factors.Contains(PhoneCode) && phone is not null) masked[PhoneCode] = MaskPhone(phone);
        return masked;
    }

    /// <summary><c>jane.doe@example.com</c> → <c>ja****@example.com</c>.</summary>
    public static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0) return "****";
        return email[..Math.Min(2, at)] + "****" + email[at..];
    }

    /// <summary><c>+33612345678</c> → <c>****5678</c>.</summary>
    public static string MaskPhone(string phone) => "****" + (phone.Length > 4 ? phone[^4..] : "");
}
