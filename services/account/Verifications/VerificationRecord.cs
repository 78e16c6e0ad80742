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

    /// <summary>21 characters of <c>[a-z0-9]</c> from the CSPRNG (Logto's id length): the id is the bearer of the proof.</summary>
    public static string NewId() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 21);

    /// <summary>
    /// Whether this record lets its user make a sensitive change (the <c>logto-verification-id</c> header): only a verified
    /// proof of the current account counts, never one about a new identifier (Logto's rule).
    /// </summary>
    public bool IsStepUpFor(string userId, DateTimeOffset now) =>
        IsVerified && ExpiresAt > now && string.Equals(UserId, userId, StringComparison.Ordinal)
        && VerificationRecordTypes.StepUp.Contains(Type, StringComparer.Ordinal);
}

/// <summary>Logto's verification record types.</summary>
public static class VerificationRecordTypes
{
    public const string Password = "Password";

    /// <summary>The types that count as step-up.</summary>
    public static readonly string[] StepUp = [Password];
}
