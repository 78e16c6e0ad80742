namespace Auth.Platform.Signin.Mfa;

/// <summary>What signin knows about the interaction; see mfa's <c>Factors/SignInGate.cs</c> for each field.</summary>
public sealed record SignInGateRequest(
    string InteractionEvent, string? FirstFactor, IReadOnlyList<string> Factors, string Policy, bool OrganizationRequiresMfa,
    string? Email, string? Phone, bool Verified, IReadOnlyList<string> AddressesProvenInInteraction, bool Skipped, bool BoundFactor);

/// <summary>mfa's decision: <c>none</c>, <c>verify</c>, <c>bind</c> or <c>backupCodes</c>, with the factors to offer.</summary>
public sealed record SignInGateDecision(string Requirement, string[] AvailableFactors, Dictionary<string, string> MaskedIdentifiers, bool Skippable,
    string[] UsableFactors, string? VerifiedBy)
{
    public const string None = "none", Verify = "verify", Bind = "bind", BackupCodes = "backupCodes";
}

public sealed partial class MfaClient
{
    /// <summary>
    /// mfa's <c>POST /internal/mfa/users/{userId}/sign-in-gate</c>: what this user needs now (the one owner of that rule).
    /// Remembers a skip chosen in the interaction when the answer is <c>none</c>.
    /// </summary>
    public Task<SignInGateDecision> SignInGateAsync(string userId, SignInGateRequest request, CancellationToken ct) =>
        SendAsync<SignInGateDecision>(HttpMethod.Post, $"/internal/mfa/users/{E(userId)}/sign-in-gate", request, ct);
}
