using System.Text.Json;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Mfa;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace Auth.Platform.Signin.Experience;

public sealed record TotpSecretResponse(string VerificationId, string Secret, string SecretQrCode);
public sealed record TotpVerifyBody(string? Code, string? VerificationId);
public sealed record BackupCodesResponse(string VerificationId, string[] Codes);
public sealed record CodeBody(string? Code);
public sealed record WebAuthnRegistrationOptionsResponse(string VerificationId, JsonElement RegistrationOptions);
public sealed record WebAuthnAuthenticationOptionsResponse(string VerificationId, JsonElement AuthenticationOptions);
public sealed record WebAuthnVerifyBody(string? VerificationId, JsonElement? Payload);
/// <summary><c>name</c>: WebAuthn only, the credential's label (default: the browser and system it was made on).</summary>
public sealed record BindMfaBody(string? Type, string? VerificationId, string? Name = null);
public sealed record MfaCodeBody(string? IdentifierType);
public sealed record MfaCodeVerifyBody(string? VerificationId, string? Code, string? IdentifierType);

/// <summary>
/// The MFA side of an interaction, kept beside it in Redis (<c>signin:interaction:{id}:mfa</c>) so the interaction's own
/// shape stays the lead's: MFA verification records and whether this interaction has passed MFA, and for which user.
/// </summary>
public sealed class MfaInteractionState
{
    public List<MfaVerificationRecord> Records { get; set; } = [];
    /// <summary>The user who passed a second factor (or signed in with a passkey) in this interaction.</summary>
    public string? VerifiedUserId { get; set; }
    public string? VerifiedFactor { get; set; }
    /// <summary><c>POST /api/experience/profile/mfa/mfa-skipped</c>: remembered for the user at submit (Logto's <c>mfa.skipped</c>).</summary>
    public bool Skipped { get; set; }
    /// <summary>A factor was bound in this interaction: submit then asks for backup codes when they are enabled and missing.</summary>
    public bool BoundFactor { get; set; }
}

public sealed class MfaVerificationRecord
{
    public required string Id { get; init; }
    /// <summary><c>Totp</c>, <c>BackupCode</c>, <c>WebAuthn</c>, <c>EmailVerificationCode</c>, <c>PhoneVerificationCode</c> or <c>SignInPasskey</c>.</summary>
    public required string Type { get; init; }
    /// <summary><c>bind</c> (a new factor being enrolled) or <c>verify</c> (an existing factor used).</summary>
    public required string Purpose { get; init; }
    public string? UserId { get; init; }
    /// <summary>mfa's enrolment or authentication id; for email/SMS codes, notification's code id.</summary>
    public required string MfaId { get; init; }
    /// <summary>Email/SMS codes: the address the code went to.</summary>
    public string? Recipient { get; init; }
    public bool Verified { get; set; }
}

public sealed record MfaExperienceContext(HttpContext Http, InteractionStore Interactions, MfaClient Mfa, AccountClient Account,
    IConnectionMultiplexer Redis, SignInExperienceStore Settings, NotificationClient Notifications, Sentinel Sentinel,
    ILogger<MfaExperienceContext> Logger, CancellationToken Cancellation)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static RedisKey Key(Interaction interaction) => $"signin:interaction:{interaction.Id}:mfa";

    public async Task<MfaInteractionState> LoadAsync(Interaction interaction)
    {
        var value = await Redis.GetDatabase().StringGetAsync(Key(interaction));
        return value.IsNullOrEmpty ? new MfaInteractionState() : JsonSerializer.Deserialize<MfaInteractionState>(value.ToString(), Json)!;
    }

    /// <summary>Lives as long as an interaction can; an orphan after the interaction ends expires with it.</summary>
    public Task SaveAsync(Interaction interaction, MfaInteractionState state) =>
        Redis.GetDatabase().StringSetAsync(Key(interaction), JsonSerializer.Serialize(state, Json), InteractionStore.Lifetime);
}

/// <summary>
/// Logto's MFA Experience API: TOTP, backup codes and WebAuthn (bind and verify), binding through
/// <c>POST /api/experience/profile/mfa</c>, passkey sign-in, and the check submit runs. The factors themselves live in
/// the mfa service; this file keeps only what the interaction knows.
/// </summary>
public static partial class MfaExperienceApi
{
    private const string Bind = "bind", Verify = "verify";
    internal const string Totp = "Totp", WebAuthn = "WebAuthn", BackupCode = "BackupCode", SignInPasskey = "SignInPasskey",
        EmailCode = "EmailVerificationCode", PhoneCode = "PhoneVerificationCode";

    public static IEndpointRouteBuilder MapMfaExperienceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experience").WithTags("Experience: MFA").AddEndpointFilter(Sessions.CrossSiteRequests.Refuse)
            .AddEndpointFilter(ExperienceApi.DependencyUnavailable).AddEndpointFilter(MfaRefusals);
        group.MapPost("/verification/totp/secret", CreateTotpSecret);
        group.MapPost("/verification/totp/verify", VerifyTotp);
        group.MapPost("/verification/backup-code/generate", GenerateBackupCodes);
        group.MapPost("/verification/backup-code/verify", VerifyBackupCode);
        group.MapPost("/verification/web-authn/registration", StartWebAuthnRegistration);
        group.MapPost("/verification/web-authn/registration/verify", VerifyWebAuthnRegistration);
        group.MapPost("/verification/web-authn/authentication", StartWebAuthnAuthentication);
        group.MapPost("/verification/web-authn/authentication/verify", VerifyWebAuthnAuthentication);
        group.MapPost("/verification/mfa-verification-code", SendMfaCode);
        group.MapPost("/verification/mfa-verification-code/verify", VerifyMfaCode);
        group.MapPost("/profile/mfa", BindMfa);
        group.MapPost("/profile/mfa/mfa-skipped", SkipMfa);
        group.MapPost("/preflight/sign-in-passkey/authentication", StartPasskeySignIn);
        group.MapPost("/verification/sign-in-passkey/authentication/verify", VerifyPasskeySignIn);
        return app;
    }

    /// <summary>mfa's refusals (wrong code, lockout, WebAuthn reasons) reach the browser as is; a failing dependency is
    /// the Experience API's 503 (<see cref="ExperienceApi.DependencyUnavailable"/>, the outer filter), never 500.</summary>
    private static async ValueTask<object?> MfaRefusals(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        catch (MfaRefusedException e)
        {
            if (e.RetryAfter is { } retryAfter) context.HttpContext.Response.Headers.RetryAfter = retryAfter;
            return PlatformProblems.Create(e.Status, e.Code, e.Message, e.ProblemData);
        }
    }

    private static ProblemHttpResult NoInteraction() => ExperienceApi.NoInteraction();
    private static ProblemHttpResult NotIdentified() => PlatformProblems.Create(400, "session.not_identified", "Identify the user before MFA.");
    private static ProblemHttpResult InvalidInput(string detail) => ExperienceApi.InvalidInput(detail);
    private static ProblemHttpResult RecordNotFound() => PlatformProblems.Create(400, "session.verification_failed", "No MFA verification record with this id fits this step.");
    private static ProblemHttpResult NotEnabled(string type) => PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", $"{type} is not enabled in the sign-in experience.");

    /// <summary>The identified user and MFA state, or the problem that stops the step.</summary>
    private static async Task<(Interaction? Interaction, MfaInteractionState? State, ProblemHttpResult? Problem)> IdentifiedAsync(MfaExperienceContext c, string? factor)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return (null, null, NoInteraction());
        if (interaction.UserId is null) return (null, null, NotIdentified());
        if (factor is not null && !(await c.Settings.GetAsync(c.Cancellation)).Mfa.Factors.Contains(factor)) return (null, null, NotEnabled(factor));
        return (interaction, await c.LoadAsync(interaction), null);
    }

    private static async Task<string> AddRecordAsync(MfaExperienceContext c, Interaction interaction, MfaInteractionState state, string type, string purpose,
        string mfaId, bool verified, string? recipient = null)
    {
        var record = new MfaVerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = type, Purpose = purpose, UserId = interaction.UserId, MfaId = mfaId, Verified = verified, Recipient = recipient,
        };
        state.Records.Add(record);
        if (verified && purpose == Verify) (state.VerifiedUserId, state.VerifiedFactor) = (interaction.UserId, type);
        await c.SaveAsync(interaction, state);
        return record.Id;
    }

    private static MfaVerificationRecord? FindRecord(MfaInteractionState state, Interaction interaction, string? id, string type, string purpose) =>
        state.Records.FirstOrDefault(r => r.Id == id && r.Type == type && r.Purpose == purpose && r.UserId == interaction.UserId);

    public static async Task<Results<Ok<TotpSecretResponse>, ProblemHttpResult>> CreateTotpSecret([AsParameters] MfaExperienceContext c)
    {
        var (interaction, state, problem) = await IdentifiedAsync(c, Totp);
        if (problem is not null) return problem;
        var user = await c.Account.GetUserAsync(interaction!.UserId!, c.Cancellation);
        var enrolment = await c.Mfa.StartTotpEnrolmentAsync(interaction.UserId!, user?.Username ?? user?.PrimaryEmail ?? user?.PrimaryPhone, c.Cancellation);
        var id = await AddRecordAsync(c, interaction, state!, Totp, Bind, enrolment.EnrolmentId, verified: false);
        return TypedResults.Ok(new TotpSecretResponse(id, enrolment.Secret, enrolment.SecretQrCode));
    }

    /// <summary>With <c>verificationId</c>: confirms a new secret. Without: verifies the user's bound TOTP (MFA).</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyTotp([AsParameters] MfaExperienceContext c, TotpVerifyBody body)
    {
        if (body.Code is not { Length: > 0 and <= 16 } code) return InvalidInput("code is required.");
        var (interaction, state, problem) = await IdentifiedAsync(c, Totp);
        if (problem is not null) return problem;
        if (body.VerificationId is { } verificationId)
        {
            if (FindRecord(state!, interaction!, verificationId, Totp, Bind) is not { } record) return RecordNotFound();
            await c.Mfa.VerifyTotpEnrolmentAsync(interaction!.UserId!, record.MfaId, code, c.Cancellation);
            record.Verified = true;
            await c.SaveAsync(interaction, state!);
            return TypedResults.Ok(new VerificationIdResponse(record.Id));
        }
        var verified = await c.Mfa.VerifyTotpAsync(interaction!.UserId!, code, c.Cancellation);
        return TypedResults.Ok(new VerificationIdResponse(await AddRecordAsync(c, interaction, state!, Totp, Verify, verified.FactorId, verified: true)));
    }

    public static async Task<Results<Ok<BackupCodesResponse>, ProblemHttpResult>> GenerateBackupCodes([AsParameters] MfaExperienceContext c)
    {
        var (interaction, state, problem) = await IdentifiedAsync(c, BackupCode);
        if (problem is not null) return problem;
        var enrolment = await c.Mfa.StartBackupCodeEnrolmentAsync(interaction!.UserId!, c.Cancellation);
        var id = await AddRecordAsync(c, interaction, state!, BackupCode, Bind, enrolment.EnrolmentId, verified: true);
        return TypedResults.Ok(new BackupCodesResponse(id, enrolment.Codes));
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyBackupCode([AsParameters] MfaExperienceContext c, CodeBody body)
    {
        if (body.Code is not { Length: > 0 and <= 64 } code) return InvalidInput("code is required.");
        var (interaction, state, problem) = await IdentifiedAsync(c, BackupCode);
        if (problem is not null) return problem;
        var verified = await c.Mfa.VerifyBackupCodeAsync(interaction!.UserId!, code, c.Cancellation);
        return TypedResults.Ok(new VerificationIdResponse(await AddRecordAsync(c, interaction, state!, BackupCode, Verify, verified.FactorId, verified: true)));
    }

    public static async Task<Results<Ok<WebAuthnRegistrationOptionsResponse>, ProblemHttpResult>> StartWebAuthnRegistration([AsParameters] MfaExperienceContext c)
    {
        var (interaction, state, problem) = await IdentifiedAsync(c, WebAuthn);
        if (problem is not null) return problem;
        var user = await c.Account.GetUserAsync(interaction!.UserId!, c.Cancellation);
        var registration = await c.Mfa.StartWebAuthnRegistrationAsync(interaction.UserId!, user?.Username ?? user?.PrimaryEmail ?? user?.PrimaryPhone, c.Cancellation);
        var id = await AddRecordAsync(c, interaction, state!, WebAuthn, Bind, registration.EnrolmentId, verified: false);
        return TypedResults.Ok(new WebAuthnRegistrationOptionsResponse(id, registration.RegistrationOptions));
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyWebAuthnRegistration([AsParameters] MfaExperienceContext c, WebAuthnVerifyBody body)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload is required.");
        var (interaction, state, problem) = await IdentifiedAsync(c, WebAuthn);
        if (problem is not null) return problem;
        if (FindRecord(state!, interaction!, body.VerificationId, WebAuthn, Bind) is not { Verified: false } record) return RecordNotFound();
        await c.Mfa.VerifyWebAuthnRegistrationAsync(interaction!.UserId!, record.MfaId, payload, c.Cancellation);
        record.Verified = true;
        await c.SaveAsync(interaction, state!);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    public static async Task<Results<Ok<WebAuthnAuthenticationOptionsResponse>, ProblemHttpResult>> StartWebAuthnAuthentication([AsParameters] MfaExperienceContext c)
    {
        var (interaction, state, problem) = await IdentifiedAsync(c, WebAuthn);
        if (problem is not null) return problem;
        var authentication = await c.Mfa.StartWebAuthnAuthenticationAsync(interaction!.UserId!, c.Cancellation);
        var id = await AddRecordAsync(c, interaction, state!, WebAuthn, Verify, authentication.AuthenticationId, verified: false);
        return TypedResults.Ok(new WebAuthnAuthenticationOptionsResponse(id, authentication.AuthenticationOptions));
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyWebAuthnAuthentication([AsParameters] MfaExperienceContext c, WebAuthnVerifyBody body)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload is required.");
        var (interaction, state, problem) = await IdentifiedAsync(c, WebAuthn);
        if (problem is not null) return problem;
        if (FindRecord(state!, interaction!, body.VerificationId, WebAuthn, Verify) is not { Verified: false } record) return RecordNotFound();
        var verified = await c.Mfa.VerifyWebAuthnAuthenticationAsync(record.MfaId, payload, c.Cancellation);
        // mfa already refuses another user's credential for a user-bound challenge; checked again here on the answer.
        if (verified.UserId != interaction!.UserId) return RecordNotFound();
        record.Verified = true;
        (state!.VerifiedUserId, state.VerifiedFactor) = (interaction.UserId, WebAuthn);
        await c.SaveAsync(interaction, state);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    /// <summary>
    /// Binds a verified enrolment. A user who already has a usable factor must pass MFA in this interaction first:
    /// otherwise a stolen password would be enough to add an attacker's authenticator (Logto checks the same). Once MFA
    /// is passed, a new TOTP replaces the old one: the recovery path for a lost authenticator (backup code or email
    /// code first, then a new authenticator), where Logto answers <c>user.totp_already_in_use</c>.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> BindMfa([AsParameters] MfaExperienceContext c, BindMfaBody body)
    {
        if (body.Type is not (Totp or WebAuthn or BackupCode) || body.VerificationId is not { Length: > 0 })
            return InvalidInput("type (Totp, WebAuthn or BackupCode) and verificationId are required; email and phone are bound with POST /api/experience/profile.");
        if (body.Name is { Length: > 128 }) return InvalidInput("name is at most 128 characters.");
        var (interaction, state, problem) = await IdentifiedAsync(c, body.Type);
        if (problem is not null) return problem;
        if (FindRecord(state!, interaction!, body.VerificationId, body.Type, Bind) is not { Verified: true } record) return RecordNotFound();
        var userId = interaction!.UserId!;
        var passed = state!.VerifiedUserId == userId;
        var settings = (await c.Settings.GetAsync(c.Cancellation)).Mfa;
        var user = !passed || body.Type == BackupCode ? await c.Account.GetUserAsync(userId, c.Cancellation) : null;
        if (!passed && UsableFactors(settings, await c.Mfa.ListFactorsAsync(userId, c.Cancellation), user, interaction).Count > 0)
            return PlatformProblems.Create(403, "session.mfa.require_mfa_verification", "Verify an existing factor before adding another.");
        // Backup codes are not alone when the account's email or phone (or one bound in this interaction) is a factor.
        var hasImplicitFactor = body.Type == BackupCode && EnabledFactors(settings, [],
            user?.PrimaryEmail ?? interaction.Profile.PrimaryEmail, user?.PrimaryPhone ?? interaction.Profile.PrimaryPhone).Count > 0;
        var name = body.Type == WebAuthn ? body.Name ?? DeviceName(c.Http.Request.Headers.UserAgent.ToString()) : null;
        await c.Mfa.BindFactorAsync(userId, record.MfaId, name, c.Cancellation, replaceExisting: passed, hasImplicitFactor);
        state.Records.Remove(record);
        state.BoundFactor = true;
        // Binding a TOTP or WebAuthn factor proved possession of it: this interaction has passed MFA.
        if (body.Type != BackupCode && !passed) (state.VerifiedUserId, state.VerifiedFactor) = (userId, body.Type);
        await c.SaveAsync(interaction, state);
        return TypedResults.NoContent();
    }

    /// <summary>"Chrome on macOS": a passkey's default label, so a user with several can tell them apart.</summary>
    internal static string DeviceName(string userAgent)
    {
        var browser = userAgent.Contains("Edg/") ? "Edge" : userAgent.Contains("Firefox/") ? "Firefox"
            : userAgent.Contains("Chrome/") || userAgent.Contains("Chromium/") ? "Chrome" : userAgent.Contains("Safari/") ? "Safari" : "Browser";
        var system = userAgent.Contains("Android") ? "Android" : userAgent.Contains("iPhone") || userAgent.Contains("iPad") ? "iOS"
            : userAgent.Contains("Mac OS X") ? "macOS" : userAgent.Contains("Windows") ? "Windows" : userAgent.Contains("Linux") ? "Linux" : null;
        return system is null ? "Passkey (" + browser + ")" : browser + " on " + system;
    }

    /// <summary>
    /// Logto's <c>POST /api/experience/profile/mfa/mfa-skipped</c>: the user declines to set up MFA now. 422
    /// <c>session.mfa.mfa_policy_not_user_controlled</c> when the policy (or an organization) makes MFA mandatory.
    /// Remembered for the user at submit, so the prompt policies ask once.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> SkipMfa([AsParameters] MfaExperienceContext c)
    {
        var (interaction, state, problem) = await IdentifiedAsync(c, null);
        if (problem is not null) return problem;
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (await IsMandatoryAsync(c, settings.Mfa, interaction!.UserId!))
            return PlatformProblems.Create(422, "session.mfa.mfa_policy_not_user_controlled", "Setting up MFA is mandatory here; it cannot be skipped.");
        state!.Skipped = true;
        await c.SaveAsync(interaction, state);
        return TypedResults.NoContent();
    }

    /// <summary>Passkey sign-in (discoverable credential, no identifier). Offered when WebAuthn is an enabled factor.</summary>
    public static async Task<Results<Ok<WebAuthnAuthenticationOptionsResponse>, ProblemHttpResult>> StartPasskeySignIn([AsParameters] MfaExperienceContext c)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.SignIn) return PlatformProblems.Create(400, "session.verification_failed", "Passkey sign-in belongs to the SignIn event.");
        if (!(await c.Settings.GetAsync(c.Cancellation)).Mfa.Factors.Contains(WebAuthn)) return NotEnabled(WebAuthn);
        var state = await c.LoadAsync(interaction);
        var authentication = await c.Mfa.StartWebAuthnAuthenticationAsync(null, c.Cancellation);
        var record = new MfaVerificationRecord { Id = SessionService.NewOpaqueId(), Type = SignInPasskey, Purpose = Verify, MfaId = authentication.AuthenticationId };
        state.Records.Add(record);
        await c.SaveAsync(interaction, state);
        return TypedResults.Ok(new WebAuthnAuthenticationOptionsResponse(record.Id, authentication.AuthenticationOptions));
    }

    /// <summary>
    /// Verifies the passkey and identifies the user in the same step (the identification endpoint only knows the
    /// password records). A passkey is possession plus user verification, so it also satisfies MFA, as in Logto.
    /// </summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyPasskeySignIn([AsParameters] MfaExperienceContext c, WebAuthnVerifyBody body)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        var state = await c.LoadAsync(interaction);
        if (state.Records.FirstOrDefault(r => r.Id == body.VerificationId && r.Type == SignInPasskey && !r.Verified) is not { } record) return RecordNotFound();
        var verified = await c.Mfa.VerifyWebAuthnAuthenticationAsync(record.MfaId, payload, c.Cancellation);
        var user = await c.Account.GetUserAsync(verified.UserId, c.Cancellation);
        if (user is null) return PlatformProblems.Create(404, "user.user_not_exist", "The passkey's account no longer exists.");
        if (user.IsSuspended) return PlatformProblems.Create(422, "user.suspended", "This account is suspended.");
        record.Verified = true;
        (state.VerifiedUserId, state.VerifiedFactor) = (user.Id, SignInPasskey);
        interaction.UserId = user.Id;
        interaction.IdentifiedBy = new FirstFactor(SignInPasskey, null);
        if (!await c.Interactions.SaveAsync(interaction)) return NoInteraction();
        await c.SaveAsync(interaction, state);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    private static ProblemHttpResult? NotUsableFirstFactor(Interaction interaction, string factor) =>
        FirstFactorChannel(interaction) == factor
            ? PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", "This channel already served as the first factor; use another factor.")
            : null;
}
