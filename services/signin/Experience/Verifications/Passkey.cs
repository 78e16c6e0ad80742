using System.Text.Json;
using Auth.Platform.Signin.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

/// <summary>
/// Passkey sign-in: a FIRST factor (discoverable credential, no identifier), offered when WebAuthn is an enabled factor.
/// Its verify step identifies the user itself; a passkey is possession plus user verification, so it also satisfies MFA,
/// as in Logto.
/// </summary>
public sealed class Passkey : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.SignInPasskey];
    public IReadOnlyCollection<string> Identifies => [];
    public string[] Amr(string type) => ["hwk"];

    /// <summary><c>POST /api/experience/preflight/sign-in-passkey/authentication</c>.</summary>
    public static async Task<Results<Ok<WebAuthnAuthenticationOptionsResponse>, ProblemHttpResult>> Start([AsParameters] ExperienceContext c)
    {
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.Event != InteractionEvents.SignIn) return VerificationFailed("Passkey sign-in belongs to the SignIn event.");
        if (!(await c.Settings.GetAsync(c.Cancellation)).Mfa.Factors.Contains(VerificationTypes.WebAuthn)) return Steps.MfaGate.NotEnabled(VerificationTypes.WebAuthn);
        var authentication = await c.Mfa.StartWebAuthnAuthenticationAsync(null, c.Cancellation);
        var record = new VerificationRecord { Id = SessionService.NewOpaqueId(), Type = VerificationTypes.SignInPasskey, ExternalId = authentication.AuthenticationId };
        interaction.AddRecord(record);
        return await c.SaveAsync(interaction)
            ? TypedResults.Ok(new WebAuthnAuthenticationOptionsResponse(record.Id, authentication.AuthenticationOptions)) : NoInteraction();
    }

    /// <summary><c>POST /api/experience/verification/sign-in-passkey/authentication/verify</c>: verifies and identifies in one step.</summary>
    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, WebAuthnVerifyBody body)
    {
        if (body.Payload is not { ValueKind: JsonValueKind.Object } payload) return InvalidInput("payload is required.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.VerificationRecords.FirstOrDefault(r => r.Id == body.VerificationId && r.Type == VerificationTypes.SignInPasskey && !r.Verified) is not { } record)
            return Steps.MfaGate.RecordNotFound();
        var verified = await c.Mfa.VerifyWebAuthnAuthenticationAsync(record.ExternalId!, payload, c.Cancellation);
        var user = await c.Account.GetUserAsync(verified.UserId, c.Cancellation);
        if (user is null) return UserNotFound("The passkey's account no longer exists.");
        if (user.IsSuspended) return PlatformProblems.Create(422, "user.suspended", "This account is suspended.");
        record.Verified = true;
        interaction.Identify(user.Id, new FirstFactor(VerificationTypes.SignInPasskey, null), UserSnapshot.From(user));
        interaction.PassMfa(user.Id, VerificationTypes.SignInPasskey);
        return await c.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }
}
