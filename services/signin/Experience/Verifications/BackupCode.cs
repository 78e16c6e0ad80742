using Auth.Platform.Signin.Experience.Steps;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record BackupCodesResponse(string VerificationId, string[] Codes);
public sealed record CodeBody(string? Code);

/// <summary>Backup codes: a new set (bound by <c>POST /api/experience/profile/mfa</c>) or one code spent as the second factor.</summary>
public sealed class BackupCode : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.BackupCode];
    public IReadOnlyCollection<string> Identifies => [];
    public string[] Amr(string type) => ["otp"];

    /// <summary><c>POST /api/experience/verification/backup-code/generate</c>: the only time the codes exist in clear.</summary>
    public static async Task<Results<Ok<BackupCodesResponse>, ProblemHttpResult>> Generate([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.BackupCode);
        if (problem is not null) return problem;
        var enrolment = await c.Mfa.StartBackupCodeEnrolmentAsync(interaction!.UserId!, c.Cancellation);
        var id = await MfaGate.AddRecordAsync(c, interaction, VerificationTypes.BackupCode, MfaGate.BindPurpose, enrolment.EnrolmentId, verified: true);
        return TypedResults.Ok(new BackupCodesResponse(id, enrolment.Codes));
    }

    /// <summary><c>POST /api/experience/verification/backup-code/verify {code}</c>.</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, CodeBody body)
    {
        if (body.Code is not { Length: > 0 and <= 64 } code) return InvalidInput("code is required.");
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.BackupCode);
        if (problem is not null) return problem;
        var verified = await c.Mfa.VerifyBackupCodeAsync(interaction!.UserId!, code, c.Cancellation);
        return TypedResults.Ok(new VerificationIdResponse(
            await MfaGate.AddRecordAsync(c, interaction, VerificationTypes.BackupCode, MfaGate.VerifyPurpose, verified.FactorId, verified: true)));
    }
}
