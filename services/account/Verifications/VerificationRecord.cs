using System.Security.Cryptography;

namespace Auth.Platform.Account.Verifications;

/// <summary>
/// Proof that the signed-in user did something just now (Logto's <c>verification_records</c>): typed its password,
/// or entered a code sent to an address. Bound to one user, valid ten minutes, reusable until then (Logto's rule).
/// </summary>
public sealed class VerificationRecord
{
    /// <summary>Logto's fixed lifetime of a verification record.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public required string Id { get; init; }
    public required string UserId { get; init; }
    /// <summary>One of <see cref="VerificationRecordTypes"/>.</summary>
    public required string Type { get; init; }
    public bool IsVerified { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>For a code record: <c>email</c> or <c>phone</c>.</summary>
    public string? IdentifierType { get; init; }
    /// <summary>For a code record: the address the code went to, normalized (<c>EmailAddressRules.TryNormalize</c>, E.164).</summary>
    public string? Identifier { get; init; }
    /// <summary>For a code record: Logto's template type, which decides what the record proves (<see cref="VerificationCodeTemplates"/>).</summary>
    public string? TemplateType { get; init; }
    /// <summary>For a code record: notification's code id.</summary>
    public string? CodeId { get; init; }

    /// <summary>21 characters of <c>[a-z0-9]</c> from the CSPRNG (Logto's id length): the id is the bearer of the proof.</summary>
    public static string NewId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 21);

    /// <summary>
    /// Whether this record lets its user make a sensitive change (the <c>logto-verification-id</c> header): only a verified
    /// proof of the current account counts, never one about a new identifier (Logto's rule).
    /// </summary>
    public bool IsStepUpFor(string userId, DateTimeOffset now) =>
        IsValidFor(userId, now)
        && (Type == VerificationRecordTypes.Password
            || VerificationRecordTypes.Codes.Contains(Type, StringComparer.Ordinal) && TemplateType == VerificationCodeTemplates.UserPermissionValidation);

    /// <summary>Verified, not expired, and this user's.</summary>
    public bool IsValidFor(string userId, DateTimeOffset now) =>
        IsVerified && ExpiresAt > now && string.Equals(UserId, userId, StringComparison.Ordinal);

    /// <summary>Whether this record proves that its user received a code at <paramref name="identifier"/> (normalized) just now:
    /// what <c>newIdentifierVerificationRecordId</c> must name to bind a new email or phone.</summary>
    public bool ProvesOwnershipOf(string userId, string identifierType, string identifier, DateTimeOffset now) =>
        IsValidFor(userId, now) && VerificationRecordTypes.Codes.Contains(Type, StringComparer.Ordinal)
        && IdentifierType == identifierType && string.Equals(Identifier, identifier, StringComparison.Ordinal);
}

/// <summary>Logto's verification record types.</summary>
public static class VerificationRecordTypes
{
    public const string Password = "Password";
    public const string EmailVerificationCode = "EmailVerificationCode";
    public const string PhoneVerificationCode = "PhoneVerificationCode";
    /// <summary>A wrong code, kept an hour to count against its user (<see cref="VerificationAttempts"/>); never a proof.</summary>
    public const string FailedCodeAttempt = "FailedCodeAttempt";

    public static readonly string[] Codes = [EmailVerificationCode, PhoneVerificationCode];

    public static string CodeTypeFor(string identifierType) => identifierType == "email" ? EmailVerificationCode : PhoneVerificationCode;
}

/// <summary>Logto's template types for codes the Account API sends: what the code is for, and so what the record proves.</summary>
public static class VerificationCodeTemplates
{
    /// <summary>To the user's current address: proves it is them (counts as step-up).</summary>
    public const string UserPermissionValidation = "UserPermissionValidation";
    /// <summary>To the user's current address, before binding an MFA factor (not step-up).</summary>
    public const string BindMfa = "BindMfa";
    /// <summary>To an address the user does not hold yet: proves they own it, never who they are.</summary>
    public const string BindNewIdentifier = "BindNewIdentifier";
}
