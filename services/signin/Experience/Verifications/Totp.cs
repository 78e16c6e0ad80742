using Auth.Platform.Signin.Experience.Steps;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record TotpSecretResponse(string VerificationId, string Secret, string SecretQrCode);
public sealed record TotpVerifyBody(string? Code, string? VerificationId);

/// <summary>TOTP as a second factor: a new secret (bind, confirmed by a code) or a code of the bound secret (verify). mfa keeps the secret.</summary>
public sealed class Totp : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.Totp];
    public IReadOnlyCollection<string> Identifies => [];
    public string[] Amr(string type) => ["otp"];

    /// <summary><c>POST /api/experience/verification/totp/secret</c>.</summary>
    public static async Task<Results<Ok<TotpSecretResponse>, ProblemHttpResult>> CreateSecret([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.Totp);
        if (problem is not null) return problem;
        var user = await c.UserAsync(interaction!);
        var enrolment = await c.Mfa.StartTotpEnrolmentAsync(interaction!.UserId!, user?.Username ?? user?.PrimaryEmail ?? user?.PrimaryPhone, c.Cancellation);
        var id = await MfaGate.AddRecordAsync(c, interaction, VerificationTypes.Totp, MfaGate.BindPurpose, enrolment.EnrolmentId, verified: false);
        return TypedResults.Ok(new TotpSecretResponse(id, enrolment.Secret, enrolment.SecretQrCode));
    }

    /// <summary>With <c>verificationId</c>: confirms a new secret. Without: verifies the user's bound TOTP (MFA).</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, TotpVerifyBody body)
    {
        if (body.Code is not { Length: > 0 and <= 16 } code) return InvalidInput("code is required.");
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.Totp);
        if (problem is not null) return problem;
        if (body.VerificationId is { } verificationId)
        {
            if (MfaGate.FindRecord(interaction!, verificationId, VerificationTypes.Totp, MfaGate.BindPurpose) is not { } record) return MfaGate.RecordNotFound();
            await c.Mfa.VerifyTotpEnrolmentAsync(interaction!.UserId!, record.MfaId, code, c.Cancellation);
            record.Verified = true;
            await c.SaveAsync(interaction);
            return TypedResults.Ok(new VerificationIdResponse(record.Id));
        }
        var verified = await c.Mfa.VerifyTotpAsync(interaction!.UserId!, code, c.Cancellation);
        return TypedResults.Ok(new VerificationIdResponse(
            await MfaGate.AddRecordAsync(c, interaction, VerificationTypes.Totp, MfaGate.VerifyPurpose, verified.FactorId, verified: true)));
    }
}
