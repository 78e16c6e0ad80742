using Auth.Platform.Signin.Experience.Steps;
using Auth.Platform.Signin.Experience.Verifications;

namespace Auth.Platform.Signin.Experience;

/// <summary>Logto's Experience API (paths, bodies and error codes), driven by the hosted UI: the route table, nothing else.</summary>
public static class ExperienceRoutes
{
    public static IEndpointRouteBuilder MapExperienceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experience").WithTags("Experience").AddEndpointFilter(Sessions.CrossSiteRequests.Refuse)
            .AddEndpointFilter(ExperienceProblems.DependencyUnavailable);
        group.MapPut("", Start.StartEvent);
        group.MapPut("/interaction-event", Start.SwitchEvent);
        group.MapGet("/interaction", Start.GetInteraction);
        group.MapPost("/verification/password", Password.Verify);
        group.MapPost("/verification/new-password-identity", NewPasswordIdentity.Verify);
        group.MapPost("/verification/verification-code", VerificationCode.Send);
        group.MapPost("/verification/verification-code/verify", VerificationCode.Verify);
        group.MapPost("/verification/social/{connectorId}/authorization-uri", Social.CreateAuthorizationUri);
        group.MapPost("/verification/social/{connectorId}/verify", Social.Verify);
        group.MapPost("/verification/sso/{connectorId}/authorization-uri", EnterpriseSso.CreateAuthorizationUri);
        group.MapPost("/verification/sso/{connectorId}/verify", EnterpriseSso.Verify);
        group.MapGet("/sso-connectors", EnterpriseSso.ConnectorsByEmail);
        group.MapPost("/identification", Identification.Identify);
        group.MapPost("/profile", Profile.Add);
        group.MapPut("/profile/password", Profile.SetNewPassword);
        group.MapPost("/terms/agree", Submit.AgreeToTerms);
        group.MapPost("/submit", Submit.Finish);

        var mfa = app.MapGroup("/api/experience").WithTags("Experience: MFA").AddEndpointFilter(Sessions.CrossSiteRequests.Refuse)
            .AddEndpointFilter(ExperienceProblems.DependencyUnavailable).AddEndpointFilter(ExperienceProblems.MfaRefusals);
        mfa.MapPost("/verification/totp/secret", Totp.CreateSecret);
        mfa.MapPost("/verification/totp/verify", Totp.Verify);
        mfa.MapPost("/verification/backup-code/generate", BackupCode.Generate);
        mfa.MapPost("/verification/backup-code/verify", BackupCode.Verify);
        mfa.MapPost("/verification/web-authn/registration", WebAuthn.StartRegistration);
        mfa.MapPost("/verification/web-authn/registration/verify", WebAuthn.VerifyRegistration);
        mfa.MapPost("/verification/web-authn/authentication", WebAuthn.StartAuthentication);
        mfa.MapPost("/verification/web-authn/authentication/verify", WebAuthn.VerifyAuthentication);
        mfa.MapPost("/verification/mfa-verification-code", VerificationCode.SendMfaCode);
        mfa.MapPost("/verification/mfa-verification-code/verify", VerificationCode.VerifyMfaCode);
        mfa.MapPost("/profile/mfa", MfaGate.Bind);
        mfa.MapPost("/profile/mfa/mfa-skipped", MfaGate.Skip);
        mfa.MapPost("/preflight/sign-in-passkey/authentication", Passkey.Start);
        mfa.MapPost("/verification/sign-in-passkey/authentication/verify", Passkey.Verify);
        return app;
    }
}
