using System.Globalization;
using Auth.Platform.Signin.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience;

public sealed record SendCodeBody(IdentifierBody? Identifier, string? InteractionEvent);
public sealed record VerifyCodeBody(IdentifierBody? Identifier, string? VerificationId, string? Code);

/// <summary>The verification steps: each proves something and leaves a record that identification or profile consumes.</summary>
public static partial class ExperienceApi
{
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyPassword([AsParameters] ExperienceContext c, PasswordVerificationBody body)
    {
        if (body.Identifier is not { Type: "username" or "email" or "phone", IsWellFormed: true } identifier)
            return InvalidInput("identifier must be {type: username|email|phone, value}.");
        if (body.Password is not { Length: > 0 and <= MaxPasswordLength } password) return InvalidInput("password is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.SignIn)
            return PlatformProblems.Create(400, "session.verification_failed", "Password verification belongs to the SignIn event.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (!settings.SignIn.Methods.Any(m => m.Identifier == identifier.Type && m.Password))
            return SignInMethodNotEnabled();
        // Phones in any human form count as one identifier for the lockout (else each spelling would get its own budget).
        var value = identifier.Value!;
        if (identifier.Type == "phone")
        {
            var (normalized, invalid) = await NormalizeAsync(c, new AccountIdentifier("phone", value));
            if (invalid is not null) return invalid;
            value = normalized.Value;
        }
        var ip = c.Http.Connection.RemoteIpAddress;
        if (await c.Sentinel.LockedForAsync(identifier.Type!, value, ip) is { } locked) return Locked(c.Http, locked);

        string? userId;
        try
        {
            userId = await c.Account.VerifyPasswordAsync(new AccountIdentifier(identifier.Type!, value), password, c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Code == "user.suspended")
        {
            return Suspended();
        }
        if (userId is null)
        {
            await c.Sentinel.RecordFailureAsync(identifier.Type!, value, ip, settings.SentinelPolicy);
            return PlatformProblems.Create(422, "session.invalid_credentials", "Wrong identifier or password.");
        }
        await c.Sentinel.RecordSuccessAsync(identifier.Type!, value);
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = VerificationTypes.Password, IdentifierType = identifier.Type!, IdentifierValue = value, UserId = userId,
        };
        return await AddRecordAsync(c, interaction, record);
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyNewPasswordIdentity([AsParameters] ExperienceContext c, PasswordVerificationBody body)
    {
        if (body.Identifier is not { Type: "username", Value: { } username } || !UsernameRule.IsValid(username))
            return InvalidInput("identifier must be {type: 'username', value} with a username of letters, digits and underscores, not starting with a digit, at most 128 characters.");
        if (body.Password is not { Length: <= MaxPasswordLength * 16 } password) return InvalidInput("password is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.Register)
            return PlatformProblems.Create(400, "session.verification_failed", "New password identity belongs to the Register event.");
        // The policy is read per request: a PATCH applies to the next registration without a restart.
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (EventDisabled(interaction.Event, settings.SignInMode) is { } disabled) return disabled;
        if (UsernameRule.Violation(username, settings.UsernamePolicy) is { } violation) return InvalidInput(violation);
        if (PasswordRejected(password, settings, new PasswordUserInfo(Username: username)) is { } rejected) return rejected;
        if (await c.Account.IdentifierExistsAsync(new AccountIdentifier("username", username), c.Cancellation))
            return PlatformProblems.Create(422, "user.username_already_in_use", "This username is already in use.");
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = VerificationTypes.NewPasswordIdentity, IdentifierType = "username", IdentifierValue = username,
            ProtectedPassword = c.PasswordProtector.Protect(password),
        };
        return await AddRecordAsync(c, interaction, record);
    }

    /// <summary>
    /// Sends a code (through notification) for the interaction's event. Anti-enumeration as Logto's <c>shouldSkipDelivery</c>:
    /// for ForgotPassword to an address nobody owns, and for SignIn to an unknown address while registration is off, the
    /// code is created but not delivered — the answer is the same, and verifying it fails as a wrong code would.
    /// </summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> SendVerificationCode([AsParameters] ExperienceContext c, SendCodeBody body)
    {
        if (body.Identifier is not { Type: "email" or "phone", IsWellFormed: true, Value: { } value } identifier)
            return InvalidInput("identifier must be {type: email|phone, value}.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (body.InteractionEvent is { } requested && requested != interaction.Event)
            return PlatformProblems.Create(400, "session.verification_failed", $"The interaction's event is {interaction.Event}; switch it first.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (EventDisabled(interaction.Event, settings.SignInMode) is { } disabled) return disabled;
        if (interaction.Event == InteractionEvents.ForgotPassword && !settings.ForgotPasswordMethods.Contains(ForgotPasswordMethod(identifier.Type!)))
            return ForgotPasswordMethodNotEnabled();
        // An identified user asking for a code is completing a profile or binding a factor; anyone else gets a code only
        // for an identifier this event offers, or the endpoint would mail codes to any address with sign-in by code off.
        if (interaction.UserId is null && CodeMethodNotEnabled(interaction.Event, identifier.Type!, settings) is { } notEnabled) return notEnabled;

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
            var purpose = interaction.UserId is not null && interaction.Event != InteractionEvents.ForgotPassword && !SignUpAccepts(settings.SignUp, identifier.Type!)
                ? "BindMfa" : interaction.Event;
            codeId = await c.Notifications.SendVerificationCodeAsync(new VerificationCodeRequest(
                purpose, identifier.Type == "email" ? "email" : "sms", normalized.Value, interaction.Id, Locale(c.Http, interaction, settings),
                deliver, settings.VerificationCodePolicy.ExpirationDuration, settings.VerificationCodePolicy.MaxRetryAttempts), c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status is 400 or 429 or 502)
        {
            return CodeRefused(c.Http, e);
        }

        // A new code voids the previous one for the same address (notification does the same): keep one record per address.
        var type = VerificationTypes.ForCode(identifier.Type!);
        interaction.VerificationRecords.RemoveAll(r => r.Type == type && r.IdentifierValue == normalized.Value && !r.Verified);
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = type, IdentifierType = identifier.Type!, IdentifierValue = normalized.Value, VerificationCodeId = codeId,
        };
        return await AddRecordAsync(c, interaction, record);
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyVerificationCode([AsParameters] ExperienceContext c, VerifyCodeBody body)
    {
        if (body.Identifier is not { Type: "email" or "phone", IsWellFormed: true, Value: { } value } identifier
            || body.VerificationId is not { Length: > 0 and <= 100 } verificationId || body.Code is not { Length: > 0 and <= 16 } code)
            return InvalidInput("identifier {type: email|phone, value}, verificationId and code are required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        var record = interaction.VerificationRecords.FirstOrDefault(r => r.Id == verificationId && r.Type == VerificationTypes.ForCode(identifier.Type!));
        if (record is null || record.Verified)
            return PlatformProblems.Create(400, "session.verification_failed", "No pending code with this verificationId fits this identifier type.");
        var (normalized, invalid) = await NormalizeAsync(c, new AccountIdentifier(identifier.Type!, value));
        if (invalid is not null) return invalid;
        if (!string.Equals(normalized.Value, record.IdentifierValue, StringComparison.OrdinalIgnoreCase))
            return PlatformProblems.Create(400, $"verification_code.{identifier.Type}_mismatch", "The code was sent to another address.");

        var settings = await c.Settings.GetAsync(c.Cancellation);
        var ip = c.Http.Connection.RemoteIpAddress;
        if (await c.Sentinel.LockedForAsync(record.IdentifierType, record.IdentifierValue, ip) is { } locked) return Locked(c.Http, locked);
        try
        {
            await c.Notifications.VerifyCodeAsync(record.VerificationCodeId!, record.IdentifierValue, code, c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status == 400)
        {
            if (e.Code is "verification_code.code_mismatch") await c.Sentinel.RecordFailureAsync(record.IdentifierType, record.IdentifierValue, ip, settings.SentinelPolicy);
            return PlatformProblems.Create(400, e.Code, e.Message);
        }
        await c.Sentinel.RecordSuccessAsync(record.IdentifierType, record.IdentifierValue);
        record.Verified = true;
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    private static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> AddRecordAsync(ExperienceContext c, Interaction interaction, VerificationRecord record)
    {
        // Bounded: the interaction lives in one Redis value, and a script looping on a step must not grow it without limit.
        if (interaction.VerificationRecords.Count >= MaxRecords) interaction.VerificationRecords.RemoveAt(0);
        interaction.VerificationRecords.Add(record);
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    private const int MaxRecords = 20;

    /// <summary>
    /// The stored form of the identifier; for a malformed one, account's 400 (<c>user.invalid_email</c>,
    /// <c>user.invalid_phone</c>) in <c>Invalid</c> and the identifier unchanged.
    /// </summary>
    private static async Task<(AccountIdentifier Normalized, ProblemHttpResult? Invalid)> NormalizeAsync(ExperienceContext c, AccountIdentifier identifier)
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

    private static string ForgotPasswordMethod(string identifierType) =>
        identifierType == "email" ? ForgotPasswordMethodNames.Email : ForgotPasswordMethodNames.Phone;

    private static ProblemHttpResult? PasswordRejected(string password, SignInExperienceSettings settings, PasswordUserInfo info)
    {
        var issues = PasswordPolicyChecker.Check(password, settings.PasswordPolicy, info);
        return issues.Count == 0 ? null
            : PlatformProblems.Create(422, "password.rejected", "The password does not meet the policy.", new { issues, reasons = LegacyReasons(issues) });
    }

    /// <summary>429 with the wait in <c>Retry-After</c> and <c>data.retryAfter</c>; the same for known and unknown identifiers.</summary>
    internal static ProblemHttpResult Locked(HttpContext http, TimeSpan wait)
    {
        var seconds = RetryAfter(http, wait);
        return PlatformProblems.Create(429, "session.verification_blocked_too_many_attempts",
            $"Too many failed attempts; try again in {seconds} s.", new { retryAfter = seconds });
    }

    /// <summary>notification's refusal to send a code, as the browser gets it: its 429 with the wait, else its own code.</summary>
    internal static ProblemHttpResult CodeRefused(HttpContext http, NotificationProblemException e)
    {
        if (e.Status == 429 && e.ProblemData is { } data && data.TryGetProperty("retryAfter", out var retryAfter) && retryAfter.TryGetInt32(out var seconds))
            return TooManyCodeRequests(http, TimeSpan.FromSeconds(seconds));
        return PlatformProblems.Create(e.Status, e.Code, e.Message);
    }

    internal static ProblemHttpResult TooManyCodeRequests(HttpContext http, TimeSpan wait)
    {
        var seconds = RetryAfter(http, wait);
        return PlatformProblems.Create(429, "verification_code.too_many_requests", $"Too many codes requested; retry after {seconds} s.", new { retryAfter = seconds });
    }

    private static int RetryAfter(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    private static ProblemHttpResult? CodeMethodNotEnabled(string interactionEvent, string identifierType, SignInExperienceSettings settings) => interactionEvent switch
    {
        InteractionEvents.SignIn when !settings.SignIn.Methods.Any(m => m.Identifier == identifierType && m.VerificationCode) => SignInMethodNotEnabled(),
        InteractionEvents.Register when !SignUpAccepts(settings.SignUp, identifierType) => SignUpMethodNotEnabled(),
        _ => null,
    };

    private static ProblemHttpResult SignUpMethodNotEnabled() =>
        PlatformProblems.Create(422, "user.sign_up_method_not_enabled", "Registration with this identifier is not enabled.");
    private static ProblemHttpResult SignInMethodNotEnabled() =>
        PlatformProblems.Create(422, "user.sign_in_method_not_enabled", "This sign-in method is not enabled.");
    private static ProblemHttpResult ForgotPasswordMethodNotEnabled() =>
        PlatformProblems.Create(422, "session.forgot_password_not_enabled", "Password reset by this channel is not enabled.");
    private static ProblemHttpResult Suspended() => PlatformProblems.Create(401, "user.suspended", "This account is suspended.");
}
