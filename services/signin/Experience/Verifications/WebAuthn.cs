using System.Text.Json;
using Auth.Platform.Signin.Experience.Steps;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record WebAuthnRegistrationOptionsResponse(string VerificationId, JsonElement RegistrationOptions);
public sealed record WebAuthnAuthenticationOptionsResponse(string VerificationId, JsonElement AuthenticationOptions);
public sealed record WebAuthnVerifyBody(string? VerificationId, JsonElement? Payload);

/// <summary>WebAuthn as a second factor of an identified user: registration (bind) and authentication (verify); mfa runs the ceremonies.</summary>
public sealed class WebAuthn : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.WebAuthn];
    public IReadOnlyCollection<string> Identifies => [];
    public string[] Amr(string type) => ["hwk"];

    public static async Task<Results<Ok<WebAuthnRegistrationOptionsResponse>, ProblemHttpResult>> StartRegistration([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.WebAuthn);
        if (problem is not null) return problem;
        var user = await c.UserAsync(interaction!);
        var registration = await c.Mfa.StartWebAuthnRegistrationAsync(interaction!.UserId!, user?.Username ?? user?.PrimaryEmail ?? user?.PrimaryPhone, c.Cancellation);
        var id = await MfaGate.AddRecordAsync(c, interaction, VerificationTypes.WebAuthn, MfaGate.BindPurpose, registration.EnrolmentId, verified: false);
        return TypedResults.Ok(new WebAuthnRegistrationOptionsResponse(id, registration.RegistrationOptions));
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyRegistration([AsParameters] ExperienceContext c, WebAuthnVerifyBody body)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload is required.");
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.WebAuthn);
        if (problem is not null) return problem;
        if (MfaGate.FindRecord(interaction!, body.VerificationId, VerificationTypes.WebAuthn, MfaGate.BindPurpose) is not { Verified: false } record)
            return MfaGate.RecordNotFound();
        await c.Mfa.VerifyWebAuthnRegistrationAsync(interaction!.UserId!, record.MfaId, payload, c.Cancellation);
        record.Verified = true;
        await c.SaveAsync(interaction);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    public static async Task<Results<Ok<WebAuthnAuthenticationOptionsResponse>, ProblemHttpResult>> StartAuthentication([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.WebAuthn);
        if (problem is not null) return problem;
        var authentication = await c.Mfa.StartWebAuthnAuthenticationAsync(interaction!.UserId!, c.Cancellation);
        var id = await MfaGate.AddRecordAsync(c, interaction, VerificationTypes.WebAuthn, MfaGate.VerifyPurpose, authentication.AuthenticationId, verified: false);
        return TypedResults.Ok(new WebAuthnAuthenticationOptionsResponse(id, authentication.AuthenticationOptions));
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyAuthentication([AsParameters] ExperienceContext c, WebAuthnVerifyBody body)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload is required.");
        var (interaction, problem) = await MfaGate.IdentifiedAsync(c, VerificationTypes.WebAuthn);
        if (problem is not null) return problem;
        if (MfaGate.FindRecord(interaction!, body.VerificationId, VerificationTypes.WebAuthn, MfaGate.VerifyPurpose) is not { Verified: false } record)
            return MfaGate.RecordNotFound();
        var verified = await c.Mfa.VerifyWebAuthnAuthenticationAsync(record.MfaId, payload, c.Cancellation);
        // mfa already refuses another user's credential for a user-bound challenge; checked again here on the answer.
        if (verified.UserId != interaction!.UserId) return MfaGate.RecordNotFound();
        record.Verified = true;
        interaction.PassMfa(interaction.UserId, VerificationTypes.WebAuthn);
        await c.SaveAsync(interaction);
        return TypedResults.Ok(new VerificationIdResponse(record.Id));
    }

    /// <summary>"Chrome on macOS": a passkey's default label, so a user with several can tell them apart.</summary>
    internal static string DeviceName(string userAgent)
    {
        var browser = userAgent.Contains("Edg/") ? "Edge" : userAgent.Contains("Firefox/") ? "Firefox"
            : userAgent.Contains("Chrome/") || userAgent.Contains("Chromium/") ? "Chrome" : userAgent.Contains("Safari/") ? "Safari" : "Browser";
        var system = userAgent.Contains("Android") ? "Android" : userAgent.Contains("iPhone") || userAgent.Contains("iPad") ? "iOS"
            : userAgent.Contains("Mac OS X") ? "macOS" : userAgent.Contains("Windows") ? "Windows" : userAgent.Contains("Linux") ? "Linux" : null;
        return system is null ? "Passkey (" + browser + ")" : browser + " on " + system;
    }
}
