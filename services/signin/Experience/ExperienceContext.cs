using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Mfa;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience;

public sealed record IdentifierBody(string? Type, string? Value)
{
    /// <summary>
    /// The value passes the platform's identifier rule (no control character, no lone surrogate, bounded length), checked
    /// here where identifiers enter so hostile text never reaches account or notification.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsWellFormed => HostileText.IsIdentifier(Value);
}
public sealed record VerificationIdResponse(string VerificationId);
public sealed record RedirectResponse(string RedirectTo);

/// <summary>Everything the Experience handlers need, bound in one go.</summary>
public sealed record ExperienceContext(HttpContext Http, InteractionStore Interactions, AccountClient Account, MfaClient Mfa, SessionService Sessions,
    IDataProtectionProvider DataProtection, IConfiguration Configuration, SignInExperienceStore Settings, TermsAcceptanceStore Terms,
    NotificationClient Notifications, Connectors.SsoConnectorClient Connectors, Sentinel Sentinel, ILogger<ExperienceContext> Logger, CancellationToken Cancellation)
{
    public IDataProtector PasswordProtector => DataProtection.CreateProtector("Auth.Platform.Signin.Experience.NewPassword.v1");

    /// <summary>The interaction of the browser's cookie, or the problem that stops the step.</summary>
    public async Task<(Interaction? Interaction, ProblemHttpResult? Problem)> InteractionAsync()
    {
        var interaction = await Interactions.FindAsync(Http);
        return interaction is null ? (null, ExperienceProblems.NoInteraction()) : (interaction, null);
    }

    /// <summary>
    /// The identified user, read from account at most once per interaction (kept on it afterwards); null when account no
    /// longer knows them.
    /// </summary>
    public async Task<UserSnapshot?> UserAsync(Interaction interaction)
    {
        if (interaction.UserId is not { } userId) return null;
        if (interaction.User is { } known && known.Id == userId) return known;
        if (await Account.GetUserAsync(userId, Cancellation) is not { } user) return null;
        interaction.RememberUser(UserSnapshot.From(user));
        await Interactions.SaveAsync(interaction);
        return interaction.User;
    }

    public Task<bool> SaveAsync(Interaction interaction) => Interactions.SaveAsync(interaction);
}

/// <summary>The Experience API's shared answers: stable codes the hosted UI localises.</summary>
public static class ExperienceProblems
{
    public static ProblemHttpResult NoInteraction() => PlatformProblems.Create(400, "session.not_found", "No interaction is in progress; start again from the application.");
    public static ProblemHttpResult NotIdentified(string detail = "Identify the user first.") => PlatformProblems.Create(400, "session.not_identified", detail);
    public static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);
    public static ProblemHttpResult VerificationFailed(string detail) => PlatformProblems.Create(400, "session.verification_failed", detail);
    public static ProblemHttpResult UserNotFound(string detail = "No account uses this identifier.") => PlatformProblems.Create(404, "user.user_not_exist", detail);
    public static ProblemHttpResult Suspended() => PlatformProblems.Create(401, "user.suspended", "This account is suspended.");
    public static ProblemHttpResult SignUpMethodNotEnabled() =>
        PlatformProblems.Create(422, "user.sign_up_method_not_enabled", "Registration with this identifier is not enabled.");
    public static ProblemHttpResult SignInMethodNotEnabled() =>
        PlatformProblems.Create(422, "user.sign_in_method_not_enabled", "This sign-in method is not enabled.");
    public static ProblemHttpResult ForgotPasswordMethodNotEnabled() =>
        PlatformProblems.Create(422, "session.forgot_password_not_enabled", "Password reset by this channel is not enabled.");
    public static ProblemHttpResult MissingProfile(List<string> missing) =>
        PlatformProblems.Create(422, "user.missing_profile", "Complete the profile first: " + string.Join(", ", missing) + ".", new { missingProfile = missing });
    public static ProblemHttpResult Unavailable() =>
        PlatformProblems.Create(503, "service.unavailable", "A service needed for this step is unavailable; try again shortly.");

    /// <summary>
    /// Logto's <c>guardInteractionEvent</c>: 403 <c>auth.forbidden</c> when the sign-in mode does not offer the event.
    /// ForgotPassword stays open in every mode (it needs an existing account either way).
    /// </summary>
    public static ProblemHttpResult? EventDisabled(string interactionEvent, string signInMode) => (interactionEvent, signInMode) switch
    {
        (InteractionEvents.Register, SignInModes.SignIn) => PlatformProblems.Create(403, "auth.forbidden", "Registration is disabled."),
        (InteractionEvents.SignIn, SignInModes.Register) => PlatformProblems.Create(403, "auth.forbidden", "Sign-in is disabled; only registration is offered."),
        _ => null,
    };

    /// <summary>429 with the wait in <c>Retry-After</c> and <c>data.retryAfter</c>; the same for known and unknown identifiers.</summary>
    public static ProblemHttpResult Locked(HttpContext http, TimeSpan wait) => PlatformProblems.TooManyAttempts(http, wait, "failed attempts");

    /// <summary>notification's refusal to send a code, as the browser gets it: its 429 with the wait, else its own code.</summary>
    public static ProblemHttpResult CodeRefused(HttpContext http, NotificationProblemException e)
    {
        if (e.Status == 429 && e.ProblemData is { } data && data.TryGetProperty("retryAfter", out var retryAfter) && retryAfter.TryGetInt32(out var seconds))
            return TooManyCodeRequests(http, TimeSpan.FromSeconds(seconds));
        return PlatformProblems.Create(e.Status, e.Code, e.Message);
    }

    public static ProblemHttpResult TooManyCodeRequests(HttpContext http, TimeSpan wait)
    {
        var seconds = PlatformProblems.RetryAfter(http, wait);
        return PlatformProblems.Create(429, "verification_code.too_many_requests", $"Too many codes requested; retry after {seconds} s.", new { retryAfter = seconds });
    }

    /// <summary>account, notification, mfa, organization or Redis down or failing is not the user's fault and not a bug here: 503 with a stable code, never a 500.</summary>
    internal static async ValueTask<object?> DependencyUnavailable(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        // Any account answer a handler did not expect (5xx, or 401/404 from a misconfigured or older account) means
        // the step cannot be done now; it is never the user's input, so never a 4xx for them and never a 500.
        // Redis unreachable: the lockout counters cannot be read, so the step fails closed.
        catch (Exception e) when (e is HttpRequestException or AccountProblemException or NotificationProblemException or Organizations.OrganizationUnavailableException
            or TaskCanceledException { InnerException: TimeoutException } or StackExchange.Redis.RedisException || IsResilienceRejection(e))
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Experience").LogError(e, "a dependency call failed");
            return Unavailable();
        }
    }

    /// <summary>mfa's refusals (wrong code, lockout, WebAuthn reasons) reach the browser as is; a failing dependency is
    /// <see cref="DependencyUnavailable"/>'s 503 (the outer filter), never 500.</summary>
    internal static async ValueTask<object?> MfaRefusals(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        catch (MfaRefusedException e)
        {
            if (e.RetryAfter is { } retryAfter) context.HttpContext.Response.Headers.RetryAfter = retryAfter;
            return PlatformProblems.Create(e.Status, e.Code, e.Message, e.ProblemData);
        }
    }

    /// <summary>
    /// The resilience pipeline refused the call (attempt timeout, open circuit): Polly's <c>ExecutionRejectedException</c>
    /// family, matched by name because signin references two Polly generations that both define it.
    /// </summary>
    private static bool IsResilienceRejection(Exception e)
    {
        for (var type = e.GetType(); type is not null; type = type.BaseType)
            if (type.FullName == "Polly.ExecutionRejectedException") return true;
        return false;
    }
}
