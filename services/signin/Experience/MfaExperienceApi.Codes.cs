using Auth.Platform.Signin.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience;

/// <summary>
/// Email and SMS codes as a second factor (Logto's <c>EmailVerificationCode</c> / <c>PhoneVerificationCode</c> factors):
/// the code goes to the address already on the account, never to one given in the request, with the
/// <c>MfaVerification</c> template. These factors are also the "verified email fallback" of a user who lost their
/// authenticator, when the tenant enables them.
/// </summary>
public static partial class MfaExperienceApi
{
    private static string? FactorFor(string? identifierType) => identifierType switch { "email" => EmailCode, "phone" => PhoneCode, _ => null };

    /// <summary><c>POST /api/experience/verification/mfa-verification-code {identifierType}</c> → <c>{verificationId}</c>.</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> SendMfaCode([AsParameters] MfaExperienceContext c, MfaCodeBody body)
    {
        if (FactorFor(body.IdentifierType) is not { } factor) return InvalidInput("identifierType must be email or phone.");
        var (interaction, state, problem) = await IdentifiedAsync(c, factor);
        if (problem is not null) return problem;
        if (NotUsableFirstFactor(interaction!, factor) is { } sameChannel) return sameChannel;
        var user = await c.Account.GetUserAsync(interaction!.UserId!, c.Cancellation);
        var recipient = factor == EmailCode ? user?.PrimaryEmail : user?.PrimaryPhone;
        if (recipient is null)
            return PlatformProblems.Create(400, "session.mfa.mfa_factor_not_enabled", $"The account has no {body.IdentifierType} to send a code to.");
        if (await c.Sentinel.CountCodeRequestAsync(c.Http.Connection.RemoteIpAddress) is { } wait) return ExperienceApi.TooManyCodeRequests(c.Http, wait);

        var settings = await c.Settings.GetAsync(c.Cancellation);
        string codeId;
        try
        {
            codeId = await c.Notifications.SendVerificationCodeAsync(new VerificationCodeRequest(
                "MfaVerification", factor == EmailCode ? "email" : "sms", recipient, interaction.Id, ExperienceApi.Locale(c.Http, interaction, settings),
                Deliver: true, settings.VerificationCodePolicy.ExpirationDuration, settings.VerificationCodePolicy.MaxRetryAttempts), c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status is 400 or 429 or 503)
        {
            return ExperienceApi.CodeRefused(c.Http, e);
        }
        // A new code voids the previous one (notification does the same): one pending record per factor.
        state!.Records.RemoveAll(r => r.Type == factor && !r.Verified);
        var id = await AddRecordAsync(c, interaction, state, factor, Verify, codeId, verified: false, recipient);
        return TypedResults.Ok(new VerificationIdResponse(id));
    }

    /// <summary>
    /// <c>POST /api/experience/verification/mfa-verification-code/verify {verificationId, code, identifierType}</c>.
    /// Wrong codes count against this user's own counter for this factor (isolated from the other factors and from the
    /// sign-in counters), locking with 429 <c>session.verification_blocked_too_many_attempts</c>; each attempt is logged.
    /// </summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyMfaCode([AsParameters] MfaExperienceContext c, MfaCodeVerifyBody body)
    {
        if (FactorFor(body.IdentifierType) is not { } factor || body.VerificationId is not { Length: > 0 and <= 100 } || body.Code is not { Length: > 0 and <= 16 } code)
            return InvalidInput("verificationId, code and identifierType (email or phone) are required.");
        var (interaction, state, problem) = await IdentifiedAsync(c, factor);
        if (problem is not null) return problem;
        if (FindRecord(state!, interaction!, body.VerificationId, factor, Verify) is not { Verified: false, Recipient: { } recipient } record) return RecordNotFound();

        var userId = interaction!.UserId!;
        var counter = "mfa:" + factor;
        var ip = c.Http.Connection.RemoteIpAddress;
        if (await c.Sentinel.LockedForAsync(counter, userId, ip) is { } locked)
        {
            LogAttempt(c, userId, factor, "locked");
            return ExperienceApi.Locked(c.Http, locked);
        }
        try
        {
            await c.Notifications.VerifyCodeAsync(record.MfaId, recipient, code, c.Cancellation);
        }
        catch (NotificationProblemException e) when (e.Status == 400)
        {
            LogAttempt(c, userId, factor, e.Code);
            if (e.Code == "verification_code.code_mismatch"
                && await c.Sentinel.RecordFailureAsync(counter, userId, ip, (await c.Settings.GetAsync(c.Cancellation)).SentinelPolicy) is { } lockout)
                return ExperienceApi.Locked(c.Http, lockout);
            return PlatformProblems.Create(400, e.Code, e.Message);
        }
        await c.Sentinel.RecordSuccessAsync(counter, userId);
        LogAttempt(c, userId, factor, "succeeded");
        record.Verified = true;
        (state!.VerifiedUserId, state.VerifiedFactor) = (userId, factor);
        await c.SaveAsync(interaction, state);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    /// <summary>The audit line of an email/SMS second-factor attempt (mfa's own table audits the factors it verifies).</summary>
    private static void LogAttempt(MfaExperienceContext c, string userId, string factor, string outcome) =>
        c.Logger.LogInformation("MFA attempt: user {UserId}, factor {Factor}, outcome {Outcome}", userId, factor, outcome);
}
