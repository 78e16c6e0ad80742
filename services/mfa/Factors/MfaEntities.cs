namespace Auth.Platform.Mfa.Factors;

/// <summary>Logto's factor names (<c>MfaFactor</c>), used in the API and stored as is.</summary>
public static class FactorTypes
{
    public const string Totp = "Totp";
    public const string WebAuthn = "WebAuthn";
    public const string BackupCode = "BackupCode";
    public static readonly string[] All = [Totp, WebAuthn, BackupCode];
}

/// <summary>
/// One bound factor of a user. A user has at most one Totp and one BackupCode factor (its codes are rows of
/// <see cref="BackupCode"/>) and any number of WebAuthn credentials.
/// </summary>
public sealed class MfaFactor
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Type { get; init; }
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; set; }
    /// <summary>TOTP: the secret as Data Protection ciphertext, never plaintext at rest.</summary>
    public string? ProtectedTotpSecret { get; init; }
    /// <summary>TOTP: the last accepted time step; codes of this step or earlier are refused (B-4).</summary>
    public long? TotpLastUsedStep { get; set; }
    public byte[]? CredentialId { get; init; }
    public byte[]? CredentialPublicKey { get; init; }
    public int? CredentialAlgorithm { get; init; }
    public long? SignCount { get; set; }
    public Guid? Aaguid { get; init; }
    public bool? BackupEligible { get; init; }
    public bool? BackupState { get; set; }
    public bool? UvInitialized { get; set; }
    public string? Transports { get; init; }
    public string? AttestationFormat { get; init; }
}

/// <summary>A backup code: only a salted SHA-256 of the code is kept; used once (B-5).</summary>
public sealed class BackupCode
{
    public long Id { get; init; }
    public required string FactorId { get; init; }
    public required string UserId { get; init; }
    public required byte[] Salt { get; init; }
    public required byte[] Hash { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// Server-side state of a ceremony in progress: a TOTP or backup-code enrolment, a WebAuthn registration or
/// authentication. Single use (consumed on bind / on any authentication answer) and short-lived.
/// </summary>
public sealed class MfaChallenge
{
    public required string Id { get; init; }
    public string? UserId { get; init; }
    public required string Purpose { get; init; }
    /// <summary>WebAuthn: the random challenge bytes the client must sign over.</summary>
    public byte[]? Challenge { get; init; }
    /// <summary>Purpose-specific state as Data Protection ciphertext of JSON (a pending TOTP secret, pending code hashes, a verified credential).</summary>
    public string? ProtectedState { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
}

public static class ChallengePurposes
{
    public const string TotpEnrolment = "totp-enrolment";
    public const string BackupCodeEnrolment = "backup-code-enrolment";
    public const string WebAuthnRegistration = "webauthn-registration";
    public const string WebAuthnAuthentication = "webauthn-authentication";
}

/// <summary>An audit row per verification attempt; the lockout counts these per (user, factor type).</summary>
public sealed class MfaAttempt
{
    public long Id { get; init; }
    public string? UserId { get; init; }
    public required string FactorType { get; init; }
    public bool Succeeded { get; init; }
    /// <summary>Why it failed (a stable reason such as <c>invalid_code</c>, <c>counter_decreased</c>, <c>locked</c>).</summary>
    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
