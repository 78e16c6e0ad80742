using System.Security.Claims;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.MyAccount;
using Auth.Platform.Account.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Verifications;

public sealed record IdentifierInput(string? Type, string? Value);
public sealed record SendVerificationCodeRequest(IdentifierInput? Identifier, string? TemplateType);
public sealed record VerifyVerificationCodeRequest(IdentifierInput? Identifier, string? VerificationId, string? Code);

/// <summary>
/// Logto's verification by code for the signed-in user: <c>POST /api/verifications/verification-code</c> sends a code
/// (through notification) to an email or phone and answers a record id; <c>…/verify</c> with the code makes the record a
/// proof. What it proves depends on the address: the user's current one (template <c>UserPermissionValidation</c>) proves
/// who they are (step-up); any other (<c>BindNewIdentifier</c>) only that they own it, for
/// <c>newIdentifierVerificationRecordId</c>.
/// </summary>
/// <remarks>
/// <code>
/// stateDiagram-v2
///     [*] --> Sent: POST verification-code (code sent, record unverified, 10 min)
///     Sent --> Sent: wrong code (counts against the user, VerificationAttempts)
///     Sent --> Verified: POST verification-code/verify (right code)
///     Verified --> Expired: 10 minutes after the code was verified
///     Sent --> Expired: 10 minutes
///     Expired --> [*]
/// </code>
/// </remarks>
public static class VerificationCodes
{
    public static RouteGroupBuilder MapVerificationCodes(this RouteGroupBuilder verifications)
    {
        verifications.MapPost("/verification-code", Send);
        verifications.MapPost("/verification-code/verify", Verify);
        return verifications;
    }

    public static ProblemHttpResult RecordNotFound() =>
        PlatformProblems.Create(400, "verification_record.not_found", "No such verification record for this user and identifier.");

    /// <summary>The identifier as the directory stores and compares it: (<c>email</c>, normalized address) or (<c>phone</c>, E.164).</summary>
    public static (string Type, string Value)? Normalize(IdentifierInput? identifier, PhoneNumberNormalizer phones, out ProblemHttpResult? problem)
    {
        problem = null;
        switch (identifier)
        {
            case { Type: "email", Value: { } email } when EmailAddressRules.TryNormalize(email) is { } normalized:
                return ("email", normalized);
            case { Type: "phone", Value: { } phone } when phones.TryNormalize(phone) is { } e164:
                return ("phone", e164);
            case { Type: "phone", Value: not null }:
                problem = UserErrors.InvalidPhone();
                return null;
            default:
                problem = UserErrors.InvalidInput("identifier must be {type: 'email'|'phone', value} with a valid address.");
                return null;
        }
    }

    private static async Task<Results<Created<VerificationRecordResponse>, ProblemHttpResult>> Send(SendVerificationCodeRequest request,
        ClaimsPrincipal principal, UserDirectory directory, PhoneNumberNormalizer phones, NotificationCodeClient notification, AccountDbContext db,
        TimeProvider clock, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (Normalize(request.Identifier, phones, out var invalid) is not { } parsed) return invalid!;
        var (type, identifier) = parsed;
        if (request.TemplateType is not (null or VerificationCodeTemplates.UserPermissionValidation or VerificationCodeTemplates.BindMfa))
            return UserErrors.InvalidInput("templateType must be UserPermissionValidation or BindMfa.");
        if (await directory.FindAsync(principal.FindFirst("sub")!.Value, ct) is not { } user) return UserErrors.NotFound();

        // Logto's rule: a code to an address the user does not hold is about that address, never about the user.
        var current = type == "email" ? user.PrimaryEmailNormalized : user.PrimaryPhone;
        var template = current == identifier ? request.TemplateType ?? VerificationCodeTemplates.UserPermissionValidation : VerificationCodeTemplates.BindNewIdentifier;
        var id = VerificationRecord.NewId();
        var (codeId, refused) = await notification.SendAsync(template, type == "email" ? "email" : "sms", identifier, "account-verification:" + id, ct);
        if (refused is not null) return refused;

        var now = clock.GetUtcNow();
        var record = new VerificationRecord
        {
            Id = id, UserId = user.Id, Type = VerificationRecordTypes.CodeTypeFor(type), IsVerified = false, CreatedAt = now,
            ExpiresAt = now + VerificationRecord.Lifetime, IdentifierType = type, Identifier = identifier, TemplateType = template, CodeId = codeId,
        };
        db.VerificationRecords.Add(record);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created((string?)null, new VerificationRecordResponse(record.Id, record.ExpiresAt));
    }

    /// <summary>
    /// The record must be this user's, for this identifier, and not expired (else 400 <c>verification_record.not_found</c>,
    /// whatever the reason); the code is checked by notification (its Logto codes: <c>verification_code.code_mismatch</c>,
    /// <c>expired</c>, <c>exceed_max_try</c>, <c>not_found</c>). Each wrong code also counts against the user.
    /// </summary>
    private static async Task<Results<Ok<VerificationRecordResponse>, ProblemHttpResult>> Verify(VerifyVerificationCodeRequest request,
        ClaimsPrincipal principal, PhoneNumberNormalizer phones, NotificationCodeClient notification, VerificationAttempts attempts,
        AccountDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (Normalize(request.Identifier, phones, out var invalid) is not { } parsed) return invalid!;
        var (type, identifier) = parsed;
        if (request.VerificationId is not { Length: > 0 and <= 64 } verificationId || request.Code is not { Length: > 0 and <= 16 } code)
            return UserErrors.InvalidInput("verificationId and code are required.");
        var userId = principal.FindFirst("sub")!.Value;
        var record = await db.VerificationRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == verificationId, ct);
        if (record is not { CodeId: { } codeId } || record.UserId != userId || record.Type != VerificationRecordTypes.CodeTypeFor(type)
            || record.Identifier != identifier || record.ExpiresAt <= clock.GetUtcNow())
            return RecordNotFound();

        var (attempt, wait) = await attempts.BeginAsync(userId, VerificationRecordTypes.FailedCodeAttempt, ct);
        if (attempt is null) return PlatformProblems.TooManyAttempts(http, wait!.Value, "wrong codes");
        if (await notification.VerifyAsync(codeId, identifier, code, ct) is { } wrong) return wrong;

        // Right: the attempt no longer counts, and the record proves the address for ten minutes from now.
        var expiresAt = clock.GetUtcNow() + VerificationRecord.Lifetime;
        db.VerificationRecords.Remove(attempt);
        await db.SaveChangesAsync(ct);
        await db.VerificationRecords.Where(r => r.Id == record.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.IsVerified, true).SetProperty(r => r.ExpiresAt, expiresAt), ct);
        return TypedResults.Ok(new VerificationRecordResponse(record.Id, expiresAt));
    }
}
