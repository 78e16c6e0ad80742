using System.Text.Json;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Applications;
using Auth.Platform.Signin.Connectors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.SignInExperience;

public sealed record CheckPasswordBody(string? Password, string? UserId);
public sealed record CheckPasswordResponse(bool Result, IReadOnlyList<PasswordIssue>? Issues = null);

/// <summary>Logto's <c>/api/sign-in-exp</c> Management API and the public <c>/api/.well-known/sign-in-exp</c>.</summary>
public static class SignInExperienceApi
{
    public static IHostApplicationBuilder AddSignInExperience(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<SignInExperienceStore>();
        builder.Services.AddScoped<TermsAcceptanceStore>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSignInExperienceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sign-in-exp").WithTags("Sign-in experience").RequireAuthorization(ApplicationsApi.ManagementPolicy);
        group.MapGet("", Get);
        group.MapPatch("", Patch);
        group.MapPost("/default/check-password", CheckPassword);
        app.MapGet("/api/.well-known/sign-in-exp", GetPublic).WithTags("Experience");
        return app;
    }

    public static async Task<Ok<SignInExperienceSettings>> Get(SignInExperienceStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetAsync(ct));

    public static async Task<Results<Ok<SignInExperienceSettings>, ProblemHttpResult>> Patch(SignInExperienceStore store, JsonElement body, CancellationToken ct)
    {
        var (next, error) = SignInExperienceRules.Apply(await store.GetAsync(ct), body);
        if (next is null) return PlatformProblems.Create(400, "guard.invalid_input", error);
        await store.SaveAsync(next, ct);
        return TypedResults.Ok(next);
    }

    public static async Task<Results<Ok<CheckPasswordResponse>, ProblemHttpResult>> CheckPassword(SignInExperienceStore store, AccountClient account,
        CheckPasswordBody body, CancellationToken ct)
    {
        if (body.Password is not { Length: <= 4096 } password) return PlatformProblems.Create(400, "guard.invalid_input", "password is required.");
        PasswordUserInfo? info = null;
        if (body.UserId is { } userId)
        {
            var user = userId.Length is > 0 and <= 64 ? await account.GetUserAsync(userId, ct) : null;
            if (user is null) return PlatformProblems.Create(404, "entity.not_exists_with_id", "No user with this id.");
            info = new PasswordUserInfo(user.Username, user.PrimaryEmail, user.PrimaryPhone, user.Name);
        }
        var issues = PasswordPolicyChecker.Check(password, (await store.GetAsync(ct)).PasswordPolicy, info);
        return TypedResults.Ok(issues.Count == 0 ? new CheckPasswordResponse(true) : new CheckPasswordResponse(false, issues));
    }

    /// <summary>What the hosted UI needs; <c>branding.appName</c> and <c>color.primaryColor</c> are the names it already reads.</summary>
    public static async Task<Ok<object>> GetPublic(SignInExperienceStore store, SsoConnectorClient connectors, ILoggerFactory logs, CancellationToken ct)
    {
        var s = await store.GetAsync(ct);
        var listed = await PublicConnectorsAsync(connectors, logs, ct);
        return TypedResults.Ok<object>(new
        {
            s.Id,
            s.SignInMode,
            s.SignUp,
            s.SignIn,
            s.PasswordPolicy,
            s.UsernamePolicy,
            s.TermsOfUseUrl,
            s.PrivacyPolicyUrl,
            s.AgreeToTermsPolicy,
            branding = new { s.Branding.DisplayName, appName = s.Branding.DisplayName, s.Branding.LogoUrl, s.Branding.DarkLogoUrl, s.Branding.PrimaryColor },
            color = new { s.Branding.PrimaryColor },
            s.LanguageInfo,
            s.ForgotPasswordMethods,
            // The hosted UI's "Forgot password?" link: shown only for channels that are enabled.
            forgotPassword = new
            {
                email = s.ForgotPasswordMethods.Contains(ForgotPasswordMethodNames.Email),
                phone = s.ForgotPasswordMethods.Contains(ForgotPasswordMethodNames.Phone),
            },
            languages = new[] { "en", "fr" },
            // Logto publishes mfa too: the hosted UI offers "Sign in with a passkey" when WebAuthn is enabled and shows
            // the backup-code step after binding a first factor when BackupCode is.
            mfa = new { s.Mfa.Factors, s.Mfa.Policy, s.Mfa.OrganizationRequiredMfaPolicy },
            // Social and SSO (issue 12): the buttons are the connectors whose target the experience lists, in its order;
            // SSO connectors only while single sign-on is on (Logto's shapes, from sso-connector, cached briefly).
            s.SingleSignOnEnabled,
            s.SocialSignInConnectorTargets,
            s.SocialSignIn,
            socialConnectors = s.SocialSignInConnectorTargets.SelectMany(t => listed.SocialConnectors.Where(c => c.Target == t))
                .Select(c => new { c.Id, c.Target, c.ConnectorId, c.Platform, c.Name, c.Logo, c.LogoDark }),
            ssoConnectors = s.SingleSignOnEnabled ? listed.SsoConnectors : [],
        });
    }

    /// <summary>sso-connector down must not take the sign-in page with it: no buttons then (logged), and the next page asks again.</summary>
    private static async Task<PublicConnectors> PublicConnectorsAsync(SsoConnectorClient connectors, ILoggerFactory logs, CancellationToken ct)
    {
        try { return await connectors.PublicConnectorsAsync(ct); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } || e.GetType().FullName?.StartsWith("Polly.", StringComparison.Ordinal) == true)
        {
            logs.CreateLogger("SignInExperience").LogWarning(e, "sso-connector's public connector list is unavailable; the page shows no connector");
            return PublicConnectors.None;
        }
    }
}
