using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Platform.Mfa.BackupCodes;
using Auth.Platform.Mfa.Data;
using Auth.Platform.Mfa.Totp;
using Auth.Platform.Mfa.WebAuthn;
using Fido2NetLib;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Auth.Platform.Mfa.Factors;

public sealed record FactorResponse(string Id, string Type, string? Name, long CreatedAt, long? LastUsedAt, int? RemainCodes);
public sealed record TotpEnrolmentRequest(string? AccountName);
public sealed record TotpEnrolmentResponse(string EnrolmentId, string Secret, string OtpAuthUri, string SecretQrCode, long ExpiresAt);
public sealed record BackupCodeEnrolmentResponse(string EnrolmentId, string[] Codes, long ExpiresAt);
public sealed record WebAuthnRegistrationRequest(string? UserName, string? DisplayName);
public sealed record WebAuthnRegistrationResponse(string EnrolmentId, JsonElement RegistrationOptions, long ExpiresAt);
public sealed record CodeRequest(string? Code);
public sealed record PayloadRequest(JsonElement? Payload);
/// <summary><c>ReplaceExisting</c>: a new TOTP replaces the user's current one (the recovery path: the caller has verified
/// another factor, e.g. a backup code, because the old authenticator is lost). <c>HasImplicitFactor</c>: the caller knows
/// the user has a factor mfa does not store (an email or phone used for codes), so backup codes are not alone.</summary>
public sealed record BindRequest(string? Name, bool? ReplaceExisting, bool? HasImplicitFactor = null);
public sealed record VerifiedResponse(bool Verified);
public sealed record FactorVerifiedResponse(string UserId, string FactorId, int? RemainCodes);
public sealed record AuthenticationRequest(string? UserId);
public sealed record AuthenticationOptionsResponse(string AuthenticationId, JsonElement AuthenticationOptions, long ExpiresAt);

/// <summary>Everything the handlers need, bound in one go.</summary>
public sealed record MfaContext(MfaDbContext Db, AttemptGuard Guard, IDataProtectionProvider DataProtection, TimeProvider Clock,
    IOptions<MfaOptions> Options, WebAuthnCeremonies WebAuthn, ILogger<MfaContext> Logger, CancellationToken Cancellation)
{
    public IDataProtector TotpProtector => DataProtection.CreateProtector("Auth.Platform.Mfa.TotpSecret.v1");
    public IDataProtector StateProtector => DataProtection.CreateProtector("Auth.Platform.Mfa.ChallengeState.v1");
    public DateTimeOffset Now => Clock.GetUtcNow();
}

/// <summary>
/// A user's MFA factors for signin (and later account), service tokens only (policy <c>internal</c>), never routed by
/// the gateway. Enrolment is three steps like Logto's: start (secret / codes / options) → verify (TOTP and WebAuthn) →
/// bind. Error codes are Logto's where it has one.
/// </summary>
public static class MfaInternalApi
{
    public static IEndpointRouteBuilder MapMfaInternalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/mfa").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: MFA");
        group.MapGet("/users/{userId}/factors", ListFactors);
        group.MapDelete("/users/{userId}/factors/{factorId}", DeleteFactor);
        group.MapPost("/users/{userId}/totp/enrolments", StartTotpEnrolment);
        group.MapPost("/users/{userId}/totp/enrolments/{enrolmentId}/verify", VerifyTotpEnrolment);
        group.MapPost("/users/{userId}/backup-codes/enrolments", StartBackupCodeEnrolment);
        group.MapPost("/users/{userId}/webauthn/registrations", StartWebAuthnRegistration);
        group.MapPost("/users/{userId}/webauthn/registrations/{enrolmentId}/verify", VerifyWebAuthnRegistration);
        group.MapPost("/users/{userId}/enrolments/{enrolmentId}/bind", Bind);
        group.MapPost("/users/{userId}/totp/verify", VerifyTotp);
        group.MapPost("/users/{userId}/backup-codes/verify", VerifyBackupCode);
        group.MapPost("/webauthn/authentications", StartWebAuthnAuthentication);
        group.MapPost("/webauthn/authentications/{authenticationId}/verify", VerifyWebAuthnAuthentication);
        return app;
    }

    internal const int MaxUserIdLength = 64;
    private static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);
    private static ProblemHttpResult EnrolmentNotFound() =>
        PlatformProblems.Create(404, "session.verification_session_not_found", "No pending enrolment or ceremony with this id (unknown, expired or used).");
    internal static ProblemHttpResult TotpAlreadyInUse() =>
        PlatformProblems.Create(422, "user.totp_already_in_use", "The user already has a TOTP factor; remove it first.");
    internal static ProblemHttpResult BackupCodesAlone() =>
        PlatformProblems.Create(422, "session.mfa.backup_code_can_not_be_alone", "Backup codes need another factor first.");

    /// <summary>A user's factors, oldest first, and how many backup codes are still unused (both lists show it on the BackupCode entry).</summary>
    internal static async Task<(List<MfaFactor> Factors, int RemainingCodes)> ReadFactorsAsync(MfaContext c, string userId)
    {
        var factors = await c.Db.Factors.AsNoTracking().Where(f => f.UserId == userId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(c.Cancellation);
        var remaining = await c.Db.BackupCodes.CountAsync(b => b.UserId == userId && b.UsedAt == null, c.Cancellation);
        return (factors, remaining);
    }
    private static ProblemHttpResult FactorNotEnabled(string type) =>
        PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", $"The user has no {type} factor.");
    internal static bool ValidUserId(string userId) => userId.Length is > 0 and <= MaxUserIdLength;
    internal static string NewId(int bytes = 10) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();

    /// <summary>429 with Logto's sentinel code, <c>data.retryAfter</c> and a <c>Retry-After</c> header.</summary>
    private static ProblemHttpResult Locked(HttpContext http, int retryAfter)
    {
        http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return PlatformProblems.Create(429, "session.verification_blocked_too_many_attempts",
            "Too many failed attempts with this factor; try again later.", new { retryAfter });
    }

    private static FactorResponse ToResponse(MfaFactor f, int? remainCodes = null) =>
        new(f.Id, f.Type, f.Name, f.CreatedAt.ToUnixTimeMilliseconds(), f.LastUsedAt?.ToUnixTimeMilliseconds(), remainCodes);

    private static async Task<Results<Ok<FactorResponse[]>, ProblemHttpResult>> ListFactors(string userId, [AsParameters] MfaContext c)
    {
        if (!ValidUserId(userId)) return InvalidInput("userId is invalid.");
        var (factors, remaining) = await ReadFactorsAsync(c, userId);
        return TypedResults.Ok(factors.Select(f => ToResponse(f, f.Type == FactorTypes.BackupCode ? remaining : null)).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteFactor(string userId, string factorId, [AsParameters] MfaContext c)
    {
        var deleted = await c.Db.Factors.Where(f => f.UserId == userId && f.Id == factorId).ExecuteDeleteAsync(c.Cancellation);
        return deleted == 1 ? TypedResults.NoContent() : PlatformProblems.Create(404, "entity.not_exists_with_id", "No such factor for this user.");
    }

    // ---------- enrolment ----------

    private static async Task<MfaChallenge> SaveChallengeAsync(MfaContext c, string? userId, string purpose, TimeSpan lifetime, object? state, byte[]? challenge = null)
    {
        var row = new MfaChallenge
        {
            Id = NewId(16), UserId = userId, Purpose = purpose, Challenge = challenge, CreatedAt = c.Now, ExpiresAt = c.Now + lifetime,
            ProtectedState = state is null ? null : c.StateProtector.Protect(JsonSerializer.Serialize(state)),
        };
        c.Db.Challenges.Add(row);
        await c.Db.SaveChangesAsync(c.Cancellation);
        return row;
    }

    private static Task<MfaChallenge?> FindOpenChallengeAsync(MfaContext c, string id, string? userId, string purpose) =>
        c.Db.Challenges.FirstOrDefaultAsync(x => x.Id == id && x.UserId == userId && x.Purpose == purpose && x.ConsumedAt == null && x.ExpiresAt > c.Now, c.Cancellation);

    private static T ReadState<T>(MfaContext c, MfaChallenge challenge) => JsonSerializer.Deserialize<T>(c.StateProtector.Unprotect(challenge.ProtectedState!))!;

    private sealed record TotpState(string Secret, long? VerifiedStep);
    private sealed record BackupCodeState(string[] Salts, string[] Hashes);

    private static async Task<Results<Created<TotpEnrolmentResponse>, ProblemHttpResult>> StartTotpEnrolment(string userId, TotpEnrolmentRequest? body, [AsParameters] MfaContext c)
    {
        if (!ValidUserId(userId)) return InvalidInput("userId is invalid.");
        if (body?.AccountName is { Length: > 128 }) return InvalidInput("accountName is at most 128 characters.");
        var secret = Base32.Encode(TotpAlgorithm.NewSecret());
        var lifetime = TimeSpan.FromSeconds(c.Options.Value.EnrolmentLifetimeSeconds);
        var row = await SaveChallengeAsync(c, userId, ChallengePurposes.TotpEnrolment, lifetime, new TotpState(secret, null));
        var uri = TotpAlgorithm.OtpAuthUri(secret, c.Options.Value.TotpIssuer, body?.AccountName is { Length: > 0 } name ? name : userId);
        return TypedResults.Created((string?)null, new TotpEnrolmentResponse(row.Id, secret, uri, TotpQrCode.DataUri(uri), row.ExpiresAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>The first code proves the app holds the secret; counted in the user's TOTP attempt pool.</summary>
    private static async Task<Results<Ok<VerifiedResponse>, ProblemHttpResult>> VerifyTotpEnrolment(string userId, string enrolmentId, CodeRequest body,
        HttpContext http, [AsParameters] MfaContext c)
    {
        if (body.Code is not { Length: > 0 and <= 16 } code) return InvalidInput("code is required.");
        var found = true;
        var result = await c.Guard.RunAsync(userId, FactorTypes.Totp, async ct =>
        {
            var row = await FindOpenChallengeAsync(c, enrolmentId, userId, ChallengePurposes.TotpEnrolment);
            if (row is null) { found = false; return AttemptResult.Failure("enrolment_not_found"); }
            var state = ReadState<TotpState>(c, row);
            if (TotpAlgorithm.Match(Base32.Decode(state.Secret), code, c.Now, null) is not { } step) return AttemptResult.Failure("invalid_code");
            row.VerifiedAt = c.Now;
            row.ProtectedState = c.StateProtector.Protect(JsonSerializer.Serialize(state with { VerifiedStep = step }));
            return AttemptResult.Success;
        }, c.Cancellation);
        if (result.RetryAfterSeconds is { } retry) return Locked(http, retry);
        if (!found) return EnrolmentNotFound();
        return result.Succeeded ? TypedResults.Ok(new VerifiedResponse(true))
            : PlatformProblems.Create(400, "session.mfa.invalid_totp_code", "The code is wrong or already used.");
    }

    private static async Task<Results<Created<BackupCodeEnrolmentResponse>, ProblemHttpResult>> StartBackupCodeEnrolment(string userId, [AsParameters] MfaContext c)
    {
        if (!ValidUserId(userId)) return InvalidInput("userId is invalid.");
        var codes = BackupCodeGenerator.NewCodes();
        var hashed = codes.Select(BackupCodeGenerator.Hash).ToArray();
        var state = new BackupCodeState([.. hashed.Select(h => Convert.ToBase64String(h.Salt))], [.. hashed.Select(h => Convert.ToBase64String(h.Hash))]);
        var row = await SaveChallengeAsync(c, userId, ChallengePurposes.BackupCodeEnrolment, TimeSpan.FromSeconds(c.Options.Value.EnrolmentLifetimeSeconds), state);
        // The only time the codes exist in clear: the pending state holds their hashes.
        return TypedResults.Created((string?)null, new BackupCodeEnrolmentResponse(row.Id, codes, row.ExpiresAt.ToUnixTimeMilliseconds()));
    }

    private static async Task<Results<Created<WebAuthnRegistrationResponse>, ProblemHttpResult>> StartWebAuthnRegistration(
        string userId, WebAuthnRegistrationRequest? body, [AsParameters] MfaContext c)
    {
        if (!ValidUserId(userId)) return InvalidInput("userId is invalid.");
        if (body?.UserName is { Length: > 128 } || body?.DisplayName is { Length: > 128 }) return InvalidInput("userName and displayName are at most 128 characters.");
        var name = body?.UserName is { Length: > 0 } n ? n : userId;
        var options = c.WebAuthn.RegistrationOptions(userId, name, body?.DisplayName is { Length: > 0 } d ? d : name, await KnownCredentialsAsync(c, userId));
        // The options sent are what the response is verified against (challenge, UV requirement, algorithms).
        var json = options.ToJson();
        var row = await SaveChallengeAsync(c, userId, ChallengePurposes.WebAuthnRegistration, CeremonyLifetime(c), json, options.Challenge);
        return TypedResults.Created((string?)null, new WebAuthnRegistrationResponse(row.Id, JsonSerializer.Deserialize<JsonElement>(json), row.ExpiresAt.ToUnixTimeMilliseconds()));
    }

    private static async Task<KnownCredential[]> KnownCredentialsAsync(MfaContext c, string userId) =>
        [.. (await c.Db.Factors.AsNoTracking().Where(f => f.UserId == userId && f.Type == FactorTypes.WebAuthn).ToListAsync(c.Cancellation))
            .Select(f => new KnownCredential(f.CredentialId!, f.Transports))];

    /// <summary>The server-side challenge lives a little longer than the browser's ceremony timeout (W-R1).</summary>
    private static TimeSpan CeremonyLifetime(MfaContext c) => TimeSpan.FromSeconds(c.Options.Value.WebAuthn.TimeoutSeconds + 30);

    private sealed record WebAuthnState(string CredentialId, string PublicKey, int Algorithm, uint SignCount, Guid Aaguid, bool UserVerified,
        bool BackupEligible, bool BackupState, string Format, string[] Transports);

    private static ProblemHttpResult WebAuthnFailed(string reason) =>
        PlatformProblems.Create(400, "session.mfa.webauthn_verification_failed", "The WebAuthn response was refused.", new { reason });

    private static async Task<Results<Ok<VerifiedResponse>, ProblemHttpResult>> VerifyWebAuthnRegistration(string userId, string enrolmentId, PayloadRequest body,
        [AsParameters] MfaContext c)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload (the credential's JSON) is required.");
        var row = await FindOpenChallengeAsync(c, enrolmentId, userId, ChallengePurposes.WebAuthnRegistration);
        if (row is null || row.VerifiedAt is not null) return EnrolmentNotFound();
        // Single use whatever the outcome: a refused response cannot be retried against the same challenge.
        row.ConsumedAt = c.Now;
        await c.Db.SaveChangesAsync(c.Cancellation);
        VerifiedRegistration verified;
        try
        {
            verified = await c.WebAuthn.VerifyRegistrationAsync(payload, CredentialCreateOptions.FromJson(ReadState<string>(c, row)),
                async (id, ct) => !await c.Db.Factors.AnyAsync(f => f.CredentialId == id, ct), c.Cancellation);
        }
        catch (WebAuthnException e)
        {
            c.Logger.LogInformation("WebAuthn registration refused for {UserId}: {Reason} ({Message})", userId, e.Reason, e.Message);
            return WebAuthnFailed(e.Reason);
        }
        // Verified and waiting for bind: reopen as verified (consumed again at bind).
        row.ConsumedAt = null;
        row.VerifiedAt = c.Now;
        row.ProtectedState = c.StateProtector.Protect(JsonSerializer.Serialize(new WebAuthnState(
            Base64Url.EncodeToString(verified.CredentialId), Base64Url.EncodeToString(verified.CosePublicKey), verified.Algorithm, verified.SignCount,
            verified.Aaguid, verified.UserVerified, verified.BackupEligible, verified.BackupState, verified.AttestationFormat, verified.Transports)));
        await c.Db.SaveChangesAsync(c.Cancellation);
        return TypedResults.Ok(new VerifiedResponse(true));
    }

    /// <summary>
    /// Turns a verified enrolment into a factor. One TOTP per user (a second is 422 <c>user.totp_already_in_use</c>, as in
    /// Logto, unless <c>replaceExisting</c>); a new backup-code set replaces the old one; a backup-code set alone is
    /// refused (Logto's rule).
    /// </summary>
    private static async Task<Results<Created<FactorResponse>, ProblemHttpResult>> Bind(string userId, string enrolmentId, BindRequest? body, [AsParameters] MfaContext c)
    {
        if (body?.Name is { Length: > 128 }) return InvalidInput("name is at most 128 characters.");
        var row = await c.Db.Challenges.FirstOrDefaultAsync(x => x.Id == enrolmentId && x.UserId == userId && x.ConsumedAt == null && x.ExpiresAt > c.Now
            && x.Purpose != ChallengePurposes.WebAuthnAuthentication, c.Cancellation);
        if (row is null) return EnrolmentNotFound();
        if (row.Purpose != ChallengePurposes.BackupCodeEnrolment && row.VerifiedAt is null)
            return PlatformProblems.Create(400, "session.verification_failed", "Verify the enrolment before binding it.");
        var existing = await c.Db.Factors.Where(f => f.UserId == userId).ToListAsync(c.Cancellation);
        var factor = row.Purpose switch
        {
            ChallengePurposes.TotpEnrolment when existing.Any(f => f.Type == FactorTypes.Totp) && body?.ReplaceExisting != true => null,
            ChallengePurposes.TotpEnrolment => NewTotpFactor(c, userId, ReadState<TotpState>(c, row)),
            ChallengePurposes.BackupCodeEnrolment => new MfaFactor { Id = NewId(), UserId = userId, Type = FactorTypes.BackupCode, CreatedAt = c.Now },
            _ => NewWebAuthnFactor(c, userId, ReadState<WebAuthnState>(c, row), body?.Name),
        };
        if (factor is null) return TotpAlreadyInUse();
        if (factor.Type == FactorTypes.BackupCode && !existing.Any(f => f.Type != FactorTypes.BackupCode) && body?.HasImplicitFactor != true)
            return BackupCodesAlone();

        var strategy = c.Db.Database.CreateExecutionStrategy();
        bool bound;
        try
        {
            bound = await BindInTransactionAsync();
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } unique)
        {
            // A TOTP bound concurrently (here or through the Management API), or the same authenticator registered twice
            // concurrently (W-R19): the unique indexes decide.
            return unique.ConstraintName == MfaDbContext.TotpPerUserIndex ? TotpAlreadyInUse() : WebAuthnFailed(WebAuthnReasons.CredentialAlreadyRegistered);
        }
        if (!bound) return EnrolmentNotFound();
        return TypedResults.Created((string?)null, ToResponse(factor, factor.Type == FactorTypes.BackupCode ? BackupCodeGenerator.CodeCount : null));

        Task<bool> BindInTransactionAsync() => strategy.ExecuteAsync(async ct =>
        {
            await using var tx = await c.Db.Database.BeginTransactionAsync(ct);
            // Consumed atomically: two binds of one enrolment cannot both succeed.
            var consumed = await c.Db.Challenges.Where(x => x.Id == row.Id && x.ConsumedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsumedAt, c.Now), ct);
            if (consumed != 1) return false;
            if (factor.Type == FactorTypes.BackupCode)
            {
                // A new set replaces the old one: its codes stop working now.
                await c.Db.Factors.Where(f => f.UserId == userId && f.Type == FactorTypes.BackupCode).ExecuteDeleteAsync(ct);
                var state = ReadState<BackupCodeState>(c, row);
                c.Db.Factors.Add(factor);
                for (var i = 0; i < state.Hashes.Length; i++)
                    c.Db.BackupCodes.Add(new BackupCode { FactorId = factor.Id, UserId = userId, Salt = Convert.FromBase64String(state.Salts[i]), Hash = Convert.FromBase64String(state.Hashes[i]) });
            }
            else
            {
                if (factor.Type == FactorTypes.Totp)
                    await c.Db.Factors.Where(f => f.UserId == userId && f.Type == FactorTypes.Totp).ExecuteDeleteAsync(ct);
                c.Db.Factors.Add(factor);
            }
            await c.Db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }, c.Cancellation);
    }

    private static MfaFactor NewTotpFactor(MfaContext c, string userId, TotpState state) => new()
    {
        Id = NewId(), UserId = userId, Type = FactorTypes.Totp, CreatedAt = c.Now,
        ProtectedTotpSecret = c.TotpProtector.Protect(state.Secret),
        // The confirming code cannot be replayed as a sign-in code.
        TotpLastUsedStep = state.VerifiedStep,
    };

    private static MfaFactor NewWebAuthnFactor(MfaContext c, string userId, WebAuthnState s, string? name) => new()
    {
        Id = NewId(), UserId = userId, Type = FactorTypes.WebAuthn, CreatedAt = c.Now, Name = name is { Length: > 0 } ? name : "Passkey",
        CredentialId = Base64Url.DecodeFromChars(s.CredentialId), CredentialPublicKey = Base64Url.DecodeFromChars(s.PublicKey), CredentialAlgorithm = s.Algorithm,
        SignCount = s.SignCount, Aaguid = s.Aaguid, BackupEligible = s.BackupEligible, BackupState = s.BackupState, UvInitialized = s.UserVerified,
        Transports = string.Join(',', s.Transports), AttestationFormat = s.Format,
    };

    // ---------- verification ----------

    private static async Task<Results<Ok<FactorVerifiedResponse>, ProblemHttpResult>> VerifyTotp(string userId, CodeRequest body, HttpContext http, [AsParameters] MfaContext c)
    {
        if (body.Code is not { Length: > 0 and <= 16 } code) return InvalidInput("code is required.");
        if (!ValidUserId(userId)) return InvalidInput("userId is invalid.");
        if (!await c.Db.Factors.AnyAsync(f => f.UserId == userId && f.Type == FactorTypes.Totp, c.Cancellation)) return FactorNotEnabled(FactorTypes.Totp);
        string? factorId = null;
        var result = await c.Guard.RunAsync(userId, FactorTypes.Totp, async ct =>
        {
            var factor = await c.Db.Factors.FirstAsync(f => f.UserId == userId && f.Type == FactorTypes.Totp, ct);
            var secret = Base32.Decode(c.TotpProtector.Unprotect(factor.ProtectedTotpSecret!));
            // B-4: the stored step makes each code single use (replay within its window is refused).
            if (TotpAlgorithm.Match(secret, code, c.Now, factor.TotpLastUsedStep) is not { } step) return AttemptResult.Failure("invalid_code");
            factor.TotpLastUsedStep = step;
            factor.LastUsedAt = c.Now;
            factorId = factor.Id;
            return AttemptResult.Success;
        }, c.Cancellation);
        if (result.RetryAfterSeconds is { } retry) return Locked(http, retry);
        return result.Succeeded ? TypedResults.Ok(new FactorVerifiedResponse(userId, factorId!, null))
            : PlatformProblems.Create(400, "session.mfa.invalid_totp_code", "The code is wrong or already used.");
    }

    private static async Task<Results<Ok<FactorVerifiedResponse>, ProblemHttpResult>> VerifyBackupCode(string userId, CodeRequest body, HttpContext http, [AsParameters] MfaContext c)
    {
        if (body.Code is not { Length: > 0 and <= 64 }) return InvalidInput("code is required.");
        if (!ValidUserId(userId)) return InvalidInput("userId is invalid.");
        if (!await c.Db.Factors.AnyAsync(f => f.UserId == userId && f.Type == FactorTypes.BackupCode, c.Cancellation)) return FactorNotEnabled(FactorTypes.BackupCode);
        var normalized = BackupCodeGenerator.Normalize(body.Code);
        string? factorId = null;
        var remaining = 0;
        var result = await c.Guard.RunAsync(userId, FactorTypes.BackupCode, async ct =>
        {
            var codes = await c.Db.BackupCodes.Where(b => b.UserId == userId && b.UsedAt == null).ToListAsync(ct);
            // Every unused code is hashed and compared, so timing does not reveal which (or whether one) matched.
            BackupCode? match = null;
            foreach (var candidate in codes)
                if (BackupCodeGenerator.Matches(candidate.Salt, candidate.Hash, normalized ?? "-") && match is null) match = candidate;
            if (match is null) return AttemptResult.Failure("invalid_code");
            // B-5: consumed atomically; the advisory lock already serialises, this keeps it true without it.
            if (await c.Db.BackupCodes.Where(b => b.Id == match.Id && b.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(b => b.UsedAt, c.Now), ct) != 1)
                return AttemptResult.Failure("invalid_code");
            await c.Db.Factors.Where(f => f.Id == match.FactorId).ExecuteUpdateAsync(s => s.SetProperty(f => f.LastUsedAt, c.Now), ct);
            factorId = match.FactorId;
            remaining = codes.Count - 1;
            return AttemptResult.Success;
        }, c.Cancellation);
        if (result.RetryAfterSeconds is { } retry) return Locked(http, retry);
        return result.Succeeded ? TypedResults.Ok(new FactorVerifiedResponse(userId, factorId!, remaining))
            : PlatformProblems.Create(400, "session.mfa.invalid_backup_code", "The backup code is wrong or already used.");
    }

    /// <summary>With a user: their credentials are listed (MFA). Without: discoverable credentials only (passkey sign-in).</summary>
    private static async Task<Results<Created<AuthenticationOptionsResponse>, ProblemHttpResult>> StartWebAuthnAuthentication(AuthenticationRequest? body, [AsParameters] MfaContext c)
    {
        var userId = body?.UserId;
        if (userId is not null && !ValidUserId(userId)) return InvalidInput("userId is invalid.");
        KnownCredential[] credentials = userId is null ? [] : await KnownCredentialsAsync(c, userId);
        if (userId is not null && credentials.Length == 0) return FactorNotEnabled(FactorTypes.WebAuthn);
        var options = c.WebAuthn.AuthenticationOptions(credentials);
        var json = options.ToJson();
        var row = await SaveChallengeAsync(c, userId, ChallengePurposes.WebAuthnAuthentication, CeremonyLifetime(c), json, options.Challenge);
        return TypedResults.Created((string?)null, new AuthenticationOptionsResponse(row.Id, JsonSerializer.Deserialize<JsonElement>(json), row.ExpiresAt.ToUnixTimeMilliseconds()));
    }

    private static async Task<Results<Ok<FactorVerifiedResponse>, ProblemHttpResult>> VerifyWebAuthnAuthentication(string authenticationId, PayloadRequest body,
        HttpContext http, [AsParameters] MfaContext c)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload (the credential's JSON) is required.");
        var row = await c.Db.Challenges.AsNoTracking().FirstOrDefaultAsync(x => x.Id == authenticationId && x.Purpose == ChallengePurposes.WebAuthnAuthentication, c.Cancellation);
        if (row is null) return EnrolmentNotFound();
        // W-A14: consumed on success and on failure, atomically (one answer per challenge).
        if (await c.Db.Challenges.Where(x => x.Id == row.Id && x.ConsumedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsumedAt, c.Now), c.Cancellation) != 1)
            return EnrolmentNotFound();
        if (row.ExpiresAt <= c.Now) return WebAuthnFailed(WebAuthnReasons.ChallengeExpired);

        AssertionIdentity identity;
        try { identity = WebAuthnCeremonies.ReadAssertionIdentity(payload); }
        catch (WebAuthnException e) { return WebAuthnFailed(e.Reason); }
        var credential = await c.Db.Factors.AsNoTracking().FirstOrDefaultAsync(f => f.CredentialId == identity.CredentialId && f.Type == FactorTypes.WebAuthn, c.Cancellation);
        // W-A2/W-A3: with a named user, the credential must be theirs.
        if (credential is null || (row.UserId is not null && credential.UserId != row.UserId))
        {
            await c.Guard.RunAsync(row.UserId, FactorTypes.WebAuthn, _ => Task.FromResult(AttemptResult.Failure(WebAuthnReasons.UnknownCredential)), c.Cancellation);
            return WebAuthnFailed(row.UserId is null ? WebAuthnReasons.UnknownCredential : WebAuthnReasons.CredentialNotAllowed);
        }
        var userId = credential.UserId;
        string? reason = null;
        var result = await c.Guard.RunAsync(userId, FactorTypes.WebAuthn, async ct =>
        {
            var factor = await c.Db.Factors.FirstAsync(f => f.Id == credential.Id, ct);
            var stored = new StoredCredential(factor.CredentialId!, factor.CredentialPublicKey!, (uint)(factor.SignCount ?? 0), factor.BackupEligible ?? false,
                Encoding.UTF8.GetBytes(userId));
            try
            {
                var verified = await c.WebAuthn.VerifyAuthenticationAsync(payload, AssertionOptions.FromJson(ReadState<string>(c, row)), stored,
                    discoverable: row.UserId is null, ct);
                // W-A13: state changes only after every check passed.
                factor.SignCount = verified.SignCount;
                factor.BackupState = verified.BackupState;
                factor.UvInitialized = (factor.UvInitialized ?? false) || verified.UserVerified;
                factor.LastUsedAt = c.Now;
                return AttemptResult.Success;
            }
            catch (WebAuthnException e)
            {
                reason = e.Reason;
                if (e.Reason == WebAuthnReasons.CounterDecreased) c.Logger.LogWarning("Possible cloned authenticator: credential {FactorId} of {UserId}", factor.Id, userId);
                return AttemptResult.Failure(e.Reason);
            }
        }, c.Cancellation);
        if (result.RetryAfterSeconds is { } retry) return Locked(http, retry);
        return result.Succeeded ? TypedResults.Ok(new FactorVerifiedResponse(userId, credential.Id, null)) : WebAuthnFailed(reason!);
    }
}
