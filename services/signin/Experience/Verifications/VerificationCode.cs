using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Experience.Steps;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record SendCodeBody(IdentifierBody? Identifier, string? InteractionEvent);
public sealed record VerifyCodeBody(IdentifierBody? Identifier, string? VerificationId, string? Code);
public sealed record MfaCodeBody(string? IdentifierType);
public sealed record MfaCodeVerifyBody(string? VerificationId, string? Code, string? IdentifierType);

/// <summary>
/// Email and SMS codes, sent and checked by notification. As a first factor (<c>verification/verification-code</c>) they
/// identify, register or reset; as a second factor (<c>verification/mfa-verification-code</c>, Logto's
/// <c>EmailVerificationCode</c> / <c>PhoneVerificationCode</c> factors) the code goes to the address already on the account,
/// never to one given in the request, with the <c>MfaVerification</c> template.
/// </summary>
public sealed class VerificationCode : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.EmailVerificationCode, VerificationTypes.PhoneVerificationCode];
    public IReadOnlyCollection<string> Identifies => InteractionEvents.All;
    public string[] Amr(string type) => type == VerificationTypes.PhoneVerificationCode ? ["sms"] : ["otp"];

    public async Task<ProvenUser> FindUserAsync(ExperienceContext c, VerificationRecord record, SignInExperienceSettings settings)
    {
        if (!settings.SignIn.Methods.Any(m => m.Identifier == record.IdentifierType && m.VerificationCode)) return new(null, Refused: SignInMethodNotEnabled());
        var userId = await c.Account.FindUserIdAsync(new AccountIdentifier(record.IdentifierType, record.IdentifierValue), c.Cancellation);
        if (userId is null) return new(null);
        var user = await c.Account.GetUserAsync(userId, c.Cancellation);
        return user is null || user.IsSuspended ? new(userId, Refused: Suspended()) : new(userId, UserSnapshot.From(user));
    }

    /// <summary>
    /// Sends a code (through notification) for the interaction's event. Anti-enumeration as Logto's <c>shouldSkipDelivery</c>:
    /// for ForgotPassword to an address nobody owns, and for SignIn to an unknown address while registration is off, the
    /// code is created but not delivered — the answer is the same, and verifying it fails as a wrong code would.
    /// </summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Send([AsParameters] ExperienceContext c, SendCodeBody body)
    {
        if (body.Identifier is not { Type: "email" or "phone", IsWellFormed: true, Value: { } value } identifier)
            return InvalidInput("identifier must be {type: email|phone, value}.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (body.InteractionEvent is { } requested && requested != interaction!.Event)
            return VerificationFailed($"The interaction's event is {interaction.Event}; switch it first.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (EventDisabled(interaction!.Event, settings.SignInMode) is { } disabled) return disabled;
        if (interaction.Event == InteractionEvents.ForgotPassword && !settings.ForgotPasswordMethods.Contains(Identification.ForgotPasswordMethod(identifier.Type!)))
            return ForgotPasswordMethodNotEnabled();
        // An identified user asking for a code is completing a profile or binding a factor; anyone else gets a code only
        // for an identifier this event offers, or the endpoint would mail codes to any address with sign-in by code off.
        if (interaction.UserId is null && MethodNotEnabled(interaction.Event, identifier.Type!, settings) is { } notEnabled) return notEnabled;

        var (normalized, invalid) = await NormalizeAsync(c, new AccountIdentifier(identifier.Type!, value));
        if (invalid is not null) return invalid;

        if (await c.Sentinel.CountCodeRequestAsync(c.Http.Connection.RemoteIpAddress) is { } wait)
            return TooManyCodeRequests(c.Http, wait);

        var owned = await c.Account.IdentifierExistsAsync(normalized, c.Cancellation);
        var deliver = interaction.Event switch
        {
            InteractionEvents.ForgotPassword => owned,
            InteractionEvents.SignIn => owned || interaction.UserId is not null || settings.SignInMode != SignInModes.SignIn,
            _ => true,
        };
        string codeId;
        try
        {
            // An identified user adding an address the sign-up settings do not ask for is binding it as an MFA factor (Logto's BindMfa template).
            var purpose = interaction.UserId is not null && interaction.Event != InteractionEvents.ForgotPassword && !Registration.Accepts(settings.SignUp, identifier.Type!)
                ? "BindMfa" : interaction.Event;
            codeId = await c.Notifications.SendVerificationCodeAsync(new VerificationCodeRequest(
                purpose, identifier.Type == "email" ? "email" : "sms", normalized.Value, interaction.Id, Locale(c.Http, interaction, settings),
                deliver, settings.VerificationCodePolicy.ExpirationDuration, settings.VerificationCodePolicy.MaxRetryAttempts), c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status is 400 or 429 or 503)
        {
            return CodeRefused(c.Http, e);
        }

        // A new code voids the previous one for the same address (notification does the same): keep one record per address.
        var type = VerificationTypes.ForCode(identifier.Type!);
        interaction.VerificationRecords.RemoveAll(r => r.Type == type && r.IdentifierValue == normalized.Value && !r.Verified);
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = type, IdentifierType = identifier.Type!, IdentifierValue = normalized.Value, ExternalId = codeId,
        };
        return await Password.AddAsync(c, interaction, record);
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, VerifyCodeBody body)
    {
        if (body.Identifier is not { Type: "email" or "phone", IsWellFormed: true, Value: { } value } identifier
            || body.VerificationId is not { Length: > 0 and <= 100 } verificationId || body.Code is not { Length: > 0 and <= 16 } code)
            return InvalidInput("identifier {type: email|phone, value}, verificationId and code are required.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        var record = interaction!.VerificationRecords.FirstOrDefault(r => r.Id == verificationId && r.Type == VerificationTypes.ForCode(identifier.Type!));
        if (record is null || record.Verified) return VerificationFailed("No pending code with this verificationId fits this identifier type.");
        var (normalized, invalid) = await NormalizeAsync(c, new AccountIdentifier(identifier.Type!, value));
        if (invalid is not null) return invalid;
        if (!string.Equals(normalized.Value, record.IdentifierValue, StringComparison.OrdinalIgnoreCase))
            return PlatformProblems.Create(400, $"verification_code.{identifier.Type}_mismatch", "The code was sent to another address.");

        var settings = await c.Settings.GetAsync(c.Cancellation);
        var ip = c.Http.Connection.RemoteIpAddress;
        if (await c.Sentinel.LockedForAsync(record.IdentifierType, record.IdentifierValue, ip) is { } locked) return Locked(c.Http, locked);
        try
        {
            await c.Notifications.VerifyCodeAsync(record.ExternalId!, record.IdentifierValue, code, c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status == 400)
        {
            if (e.Code is "verification_code.code_mismatch") await c.Sentinel.RecordFailureAsync(record.IdentifierType, record.IdentifierValue, ip, settings.SentinelPolicy);
            return PlatformProblems.Create(400, e.Code, e.Message);
        }
        await c.Sentinel.RecordSuccessAsync(record.IdentifierType, record.IdentifierValue);
        record.Verified = true;
        return await c.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    private static string? FactorFor(string? identifierType) => identifierType switch
    {
        "email" => VerificationTypes.EmailVerificationCode, "phone" => VerificationTypes.PhoneVerificationCode, _ => null,
    };

    /// <summary><c>POST /api/experience/verification/mfa-verification-code {identifierType}</c> → <c>{verificationId}</c>.</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> SendMfaCode([AsParameters] ExperienceContext c, MfaCodeBody body)
    {
        if (FactorFor(body.IdentifierType) is not { } factor) return InvalidInput("identifierType must be email or phone.");
        var (identified, problem) = await MfaGate.IdentifiedAsync(c, factor);
        if (problem is not null) return problem;
        var interaction = identified!;
        if (MfaGate.FirstFactorChannel(interaction) == factor)
            return PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", "This channel already served as the first factor; use another factor.");
        var user = await c.UserAsync(interaction);
        var recipient = factor == VerificationTypes.EmailVerificationCode ? user?.PrimaryEmail : user?.PrimaryPhone;
        if (recipient is null)
            return PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", $"The account has no {body.IdentifierType} to send a code to.");
        if (await c.Sentinel.CountCodeRequestAsync(c.Http.Connection.RemoteIpAddress) is { } wait) return TooManyCodeRequests(c.Http, wait);

        var settings = await c.Settings.GetAsync(c.Cancellation);
        string codeId;
        try
        {
            codeId = await c.Notifications.SendVerificationCodeAsync(new VerificationCodeRequest(
                "MfaVerification", factor == VerificationTypes.EmailVerificationCode ? "email" : "sms", recipient, interaction.Id, Locale(c.Http, interaction, settings),
                Deliver: true, settings.VerificationCodePolicy.ExpirationDuration, settings.VerificationCodePolicy.MaxRetryAttempts), c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status is 400 or 429 or 503)
        {
            return CodeRefused(c.Http, e);
        }
        // A new code voids the previous one (notification does the same): one pending record per factor.
        interaction.Mfa.Records.RemoveAll(r => r.Type == factor && !r.Verified);
        var id = await MfaGate.AddRecordAsync(c, interaction, factor, MfaGate.VerifyPurpose, codeId, verified: false, recipient);
        return TypedResults.Ok(new VerificationIdResponse(id));
    }

    /// <summary>
    /// <c>POST /api/experience/verification/mfa-verification-code/verify {verificationId, code, identifierType}</c>.
    /// Wrong codes count against this user's own counter for this factor (isolated from the other factors and from the
    /// sign-in counters), locking with 429 <c>session.verification_blocked_too_many_attempts</c>; each attempt is logged.
    /// </summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyMfaCode([AsParameters] ExperienceContext c, MfaCodeVerifyBody body)
    {
        if (FactorFor(body.IdentifierType) is not { } factor || body.VerificationId is not { Length: > 0 and <= 100 } || body.Code is not { Length: > 0 and <= 16 } code)
            return InvalidInput("verificationId, code and identifierType (email or phone) are required.");
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, factor);
        if (problem is not null) return problem;
        if (MfaGate.FindRecord(interaction!, body.VerificationId, factor, MfaGate.VerifyPurpose) is not { Verified: false, Recipient: { } recipient } record)
            return MfaGate.RecordNotFound();

        var userId = interaction!.UserId!;
        var counter = "mfa:" + factor;
        var ip = c.Http.Connection.RemoteIpAddress;
        if (await c.Sentinel.LockedForAsync(counter, userId, ip) is { } locked)
        {
            LogAttempt(c, userId, factor, "locked");
            return Locked(c.Http, locked);
        }
        try
        {
            await c.Notifications.VerifyCodeAsync(record.MfaId, recipient, code, c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status == 400)
        {
            LogAttempt(c, userId, factor, e.Code);
            if (e.Code == "verification_code.code_mismatch"
                && await c.Sentinel.RecordFailureAsync(counter, userId, ip, (await c.Settings.GetAsync(c.Cancellation)).SentinelPolicy) is { } lockout)
                return Locked(c.Http, lockout);
            return PlatformProblems.Create(400, e.Code, e.Message);
        }
        await c.Sentinel.RecordSuccessAsync(counter, userId);
        LogAttempt(c, userId, factor, "succeeded");
        record.Verified = true;
        interaction.PassMfa(userId, factor);
        await c.SaveAsync(interaction);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    /// <summary>The audit line of an email/SMS second-factor attempt (mfa's own table audits the factors it verifies).</summary>
    private static void LogAttempt(ExperienceContext c, string userId, string factor, string outcome) =>
        c.Logger.LogInformation("MFA attempt: user {UserId}, factor {Factor}, outcome {Outcome}", userId, factor, outcome);

    /// <summary>
    /// The stored form of the identifier; for a malformed one, account's 400 (<c>user.invalid_email</c>,
    /// <c>user.invalid_phone</c>) in <c>Invalid</c> and the identifier unchanged.
    /// </summary>
    internal static async Task<(AccountIdentifier Normalized, ProblemHttpResult? Invalid)> NormalizeAsync(ExperienceContext c, AccountIdentifier identifier)
    {
        try { return (await c.Account.NormalizeIdentifierAsync(identifier, c.Cancellation), null); }
        catch (AccountProblemException e) when (e.Status == 400) { return (identifier, PlatformProblems.Create(400, e.Code, e.Message)); }
    }

    /// <summary>Email templates exist in English and French; the interaction's <c>ui_locales</c> wins over the browser's language.</summary>
    internal static string Locale(HttpContext http, Interaction interaction, SignInExperienceSettings settings)
    {
        var candidates = interaction.Parameters.Where(p => p.Key == "ui_locales").SelectMany(p => p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Concat(http.Request.Headers.AcceptLanguage.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(';')[0].Trim()))
            .Append(settings.LanguageInfo.FallbackLanguage);
        foreach (var tag in candidates)
        {
            if (tag.StartsWith("fr", StringComparison.OrdinalIgnoreCase)) return "fr";
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return "en";
        }
        return "en";
    }

    private static ProblemHttpResult? MethodNotEnabled(string interactionEvent, string identifierType, SignInExperienceSettings settings) => interactionEvent switch
    {
        InteractionEvents.SignIn when !settings.SignIn.Methods.Any(m => m.Identifier == identifierType && m.VerificationCode) => SignInMethodNotEnabled(),
        InteractionEvents.Register when !Registration.Accepts(settings.SignUp, identifierType) => SignUpMethodNotEnabled(),
        _ => null,
    };
}
