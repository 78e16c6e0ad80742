using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Auth.Platform.Mfa.BackupCodes;
using Auth.Platform.Mfa.Factors;
using Auth.Platform.Mfa.Totp;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Mfa.Management;

/// <summary>Logto's <c>userMfaVerificationResponseGuard</c> item: <c>createdAt</c> is an ISO 8601 string there.</summary>
public sealed record MfaVerificationResponse(string Id, string CreatedAt, string Type, string? Name, string? Agent, int? RemainCodes);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateMfaVerificationRequest(string? Type, string? Secret = null, string[]? Codes = null);

/// <summary>
/// Logto's answer, <c>{type:'Totp', secret, secretQrCode}</c> or <c>{type:'BackupCode', codes}</c>: one record whose
/// absent members are left out, so the OpenAPI document shows both shapes (two result types would show only one).
/// </summary>
public sealed record MfaVerificationCreated(string Type, string? Secret = null, string? SecretQrCode = null, string[]? Codes = null);

/// <summary>
/// Logto's Management API for a user's MFA factors (<c>/api/users/{userId}/mfa-verifications</c>), for tokens of the
/// Management API resource with scope <c>all</c>; the gateway routes these paths of account's <c>/api/users</c> here.
/// An admin binds without the user's proof (no confirming code): that is what the Management API is for.
/// mfa does not keep the user directory, so an unknown <c>userId</c> lists no factors instead of answering 404.
/// </summary>
public static partial class ManagementMfaVerificationsApi
{
    public static IEndpointRouteBuilder MapManagementMfaVerificationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users/{userId}/mfa-verifications").RequireAuthorization(PlatformPolicies.Management)
            .WithTags("User MFA verifications");
        group.MapGet("/", List).ProducesProblem(400);
        group.MapPost("/", Create).ProducesProblem(400).ProducesProblem(422);
        group.MapDelete("/{verificationId}", Delete).ProducesProblem(404);
        return app;
    }

    private static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

    /// <summary>What otplib's <c>generateSecret</c> produces and authenticator apps accept: RFC 4648 base32, 80 to 160 bits.</summary>
    [GeneratedRegex("^[A-Z2-7]{16,32}$")]
    private static partial Regex TotpSecretPattern();

    private static string IsoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static async Task<Results<Ok<MfaVerificationResponse[]>, ProblemHttpResult>> List(string userId, [AsParameters] MfaContext c)
    {
        if (!MfaInternalApi.ValidUserId(userId)) return InvalidInput("userId is invalid.");
        var (factors, remaining) = await MfaInternalApi.ReadFactorsAsync(c, userId);
        return TypedResults.Ok(factors.Select(f => new MfaVerificationResponse(f.Id, IsoTime(f.CreatedAt), f.Type, f.Name, null,
            f.Type == FactorTypes.BackupCode ? remaining : null)).ToArray());
    }

    /// <summary>200 like Logto (not 201): its SDKs and recipes expect it.</summary>
    private static async Task<Results<Ok<MfaVerificationCreated>, ProblemHttpResult>> Create(
        string userId, CreateMfaVerificationRequest body, [AsParameters] MfaContext c)
    {
        if (!MfaInternalApi.ValidUserId(userId)) return InvalidInput("userId is invalid.");
        switch (body.Type)
        {
            case FactorTypes.Totp:
                if (body.Codes is not null) return InvalidInput("codes is only for type BackupCode.");
                return await CreateTotpAsync(userId, body.Secret, c);
            case FactorTypes.BackupCode:
                if (body.Secret is not null) return InvalidInput("secret is only for type Totp.");
                return await CreateBackupCodesAsync(userId, body.Codes, c);
            case FactorTypes.WebAuthn:
                // A credential's key pair is made by the user's authenticator during a ceremony in their browser.
                return InvalidInput("WebAuthn credentials are registered by the user (Experience or Account API), not through the Management API.");
            default:
                return InvalidInput("type must be Totp or BackupCode.");
        }
    }

    private static async Task<Results<Ok<MfaVerificationCreated>, ProblemHttpResult>> CreateTotpAsync(string userId, string? given, MfaContext c)
    {
        string secret;
        if (given is null) secret = Base32.Encode(TotpAlgorithm.NewSecret());
        else if (TotpSecretPattern().IsMatch(given.ToUpperInvariant())) secret = given.ToUpperInvariant();
        else return PlatformProblems.Create(422, "user.totp_secret_invalid", "secret must be 16 to 32 base32 characters (A-Z, 2-7).");

        ProblemHttpResult? refusal;
        try
        {
            refusal = await UserFactorLock.RunAsync(c.Db, userId, async ct =>
            {
                if (await c.Db.Factors.AnyAsync(f => f.UserId == userId && f.Type == FactorTypes.Totp, ct)) return MfaInternalApi.TotpAlreadyInUse();
                c.Db.Factors.Add(new MfaFactor
                {
                    Id = MfaInternalApi.NewId(), UserId = userId, Type = FactorTypes.Totp, CreatedAt = c.Now,
                    ProtectedTotpSecret = c.TotpProtector.Protect(secret),
                });
                await c.Db.SaveChangesAsync(ct);
                return null;
            }, c.Cancellation);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { ConstraintName: Data.MfaDbContext.TotpPerUserIndex })
        {
            // Bound concurrently through the Experience API, which does not take this lock.
            refusal = MfaInternalApi.TotpAlreadyInUse();
        }
        if (refusal is not null) return refusal;
        var uri = TotpAlgorithm.OtpAuthUri(secret, c.Options.Value.TotpIssuer, userId);
        return TypedResults.Ok(new MfaVerificationCreated(FactorTypes.Totp, Secret: secret, SecretQrCode: TotpQrCode.DataUri(uri)));
    }

    /// <summary>
    /// Given codes must be a full set in our format (10 codes of 16 hex characters, B-5's ≥ 50 bits); Logto's 10-character
    /// codes are refused rather than stored below that bar. A new set replaces the old one, as in the Experience API.
    /// </summary>
    private static async Task<Results<Ok<MfaVerificationCreated>, ProblemHttpResult>> CreateBackupCodesAsync(string userId, string[]? given, MfaContext c)
    {
        string[] codes;
        if (given is null) codes = BackupCodeGenerator.NewCodes();
        else
        {
            var normalized = given.Select(BackupCodeGenerator.Normalize).ToArray();
            if (normalized.Length != BackupCodeGenerator.CodeCount || normalized.Any(n => n is null) || normalized.Distinct().Count() != normalized.Length)
                return PlatformProblems.Create(422, "user.wrong_backup_code_format",
                    $"codes must be {BackupCodeGenerator.CodeCount} distinct codes of {BackupCodeGenerator.CodeLength} hexadecimal characters.");
            codes = normalized!;
        }

        var refusal = await UserFactorLock.RunAsync(c.Db, userId, async ct =>
        {
            if (!await c.Db.Factors.AnyAsync(f => f.UserId == userId && f.Type != FactorTypes.BackupCode, ct))
                return MfaInternalApi.BackupCodesAlone();
            // The old set's codes stop working in the same transaction (its code rows go by cascade).
            await c.Db.Factors.Where(f => f.UserId == userId && f.Type == FactorTypes.BackupCode).ExecuteDeleteAsync(ct);
            var factor = new MfaFactor { Id = MfaInternalApi.NewId(), UserId = userId, Type = FactorTypes.BackupCode, CreatedAt = c.Now };
            c.Db.Factors.Add(factor);
            foreach (var code in codes)
            {
                var (salt, hash) = BackupCodeGenerator.Hash(code);
                c.Db.BackupCodes.Add(new BackupCode { FactorId = factor.Id, UserId = userId, Salt = salt, Hash = hash });
            }
            await c.Db.SaveChangesAsync(ct);
            return null;
        }, c.Cancellation);
        return refusal is null ? TypedResults.Ok(new MfaVerificationCreated(FactorTypes.BackupCode, Codes: codes)) : refusal;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string userId, string verificationId, [AsParameters] MfaContext c)
    {
        var deleted = await c.Db.Factors.Where(f => f.UserId == userId && f.Id == verificationId).ExecuteDeleteAsync(c.Cancellation);
        return deleted == 1 ? TypedResults.NoContent()
            : PlatformProblems.Create(404, "entity.not_exists_with_id", "The user has no MFA verification with this id.", new { id = verificationId });
    }
}
