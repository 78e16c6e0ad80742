using Auth.Platform.Signin.Data;

namespace Auth.Platform.Signin.SignInExperience;

/// <summary>Evidence that a user agreed to the terms in force (URLs at that time); Logto records nothing.</summary>
public sealed class TermsAcceptance
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required DateTimeOffset AcceptedAt { get; init; }
    public required string InteractionEvent { get; init; }
    public string? TermsOfUseUrl { get; init; }
    public string? PrivacyPolicyUrl { get; init; }
}

public sealed class TermsAcceptanceStore(SigninDbContext db)
{
    public async Task RecordAsync(TermsAcceptance acceptance, CancellationToken ct)
    {
        db.TermsAcceptances.Add(acceptance);
        await db.SaveChangesAsync(ct);
    }
}
