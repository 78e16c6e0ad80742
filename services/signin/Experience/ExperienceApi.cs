using System.Text.RegularExpressions;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience;

public sealed record InteractionEventBody(string? InteractionEvent);
public sealed record IdentifierBody(string? Type, string? Value)
{
    /// <summary>
    /// The value passes the platform's identifier rule (no control character, no lone surrogate, bounded length), checked
    /// here where identifiers enter so hostile text never reaches account or notification.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsWellFormed => HostileText.IsIdentifier(Value);
}
public sealed record PasswordVerificationBody(IdentifierBody? Identifier, string? Password);
public sealed record IdentificationBody(string? VerificationId);
public sealed record VerificationIdResponse(string VerificationId);
public sealed record RedirectResponse(string RedirectTo);
public sealed record VerificationRecordSummary(string Id, string Type);
public sealed record InteractionResponse(string InteractionEvent, string? UserId, IReadOnlyList<VerificationRecordSummary> VerificationRecords);

/// <summary>Everything the Experience handlers need, bound in one go.</summary>
public sealed record ExperienceContext(HttpContext Http, InteractionStore Interactions, AccountClient Account, SessionService Sessions,
    IDataProtectionProvider DataProtection, IConfiguration Configuration, SignInExperienceStore Settings, TermsAcceptanceStore Terms,
    NotificationClient Notifications, Sentinel Sentinel, CancellationToken Cancellation)
{
    public IDataProtector PasswordProtector => DataProtection.CreateProtector("Auth.Platform.Signin.Experience.NewPassword.v1");
}

/// <summary>Logto's Experience API (paths, bodies and error codes), driven by the hosted UI.</summary>
public static partial class ExperienceApi
{
    /// <summary>Logto's upper bound for passwords; sign-in accepts up to it whatever the current policy's max.</summary>
    public const int MaxPasswordLength = 256;

    public static IEndpointRouteBuilder MapExperienceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experience").WithTags("Experience").AddEndpointFilter(Sessions.CrossSiteRequests.Refuse)
            .AddEndpointFilter(DependencyUnavailable);
        group.MapPut("", StartEvent);
        group.MapPut("/interaction-event", SwitchEvent);
        group.MapGet("/interaction", GetInteraction);
        group.MapPost("/verification/password", VerifyPassword);
        group.MapPost("/verification/new-password-identity", VerifyNewPasswordIdentity);
        group.MapPost("/verification/verification-code", SendVerificationCode);
        group.MapPost("/verification/verification-code/verify", VerifyVerificationCode);
        group.MapPost("/identification", Identify);
        group.MapPost("/profile", AddProfile);
        group.MapPut("/profile/password", SetNewPassword);
        group.MapPost("/terms/agree", AgreeToTerms);
        group.MapPost("/submit", Submit);
        return app;
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
            return PlatformProblems.Create(503, "service.unavailable", "A service needed for this step is unavailable; try again shortly.");
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

    internal static ProblemHttpResult NoInteraction() => PlatformProblems.Create(400, "session.not_found", "No interaction is in progress; start again from the application.");
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

    internal static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

    public static async Task<Results<NoContent, ProblemHttpResult>> StartEvent([AsParameters] ExperienceContext c, InteractionEventBody body)
    {
        if (body.InteractionEvent is not { } name || !InteractionEvents.All.Contains(name))
            return InvalidInput("interactionEvent must be SignIn, Register or ForgotPassword.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (EventDisabled(name, (await c.Settings.GetAsync(c.Cancellation)).SignInMode) is { } disabled) return disabled;
        if (interaction.Event != name)
        {
            // A new event starts over: records verified for another purpose must not carry across (Logto does the same).
            interaction.Event = name;
            interaction.VerificationRecords = [];
            interaction.UserId = null;
            interaction.IdentifiedBy = null;
            interaction.Profile = new();
        }
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>
    /// Logto's <c>PUT /api/experience/interaction-event</c>: SignIn ⇄ Register keeping the verification records, so a code
    /// already verified can finish as the other event (the cross-overs). ForgotPassword is never switched to or from.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> SwitchEvent([AsParameters] ExperienceContext c, InteractionEventBody body)
    {
        if (body.InteractionEvent is not (InteractionEvents.SignIn or InteractionEvents.Register) && body.InteractionEvent != InteractionEvents.ForgotPassword)
            return InvalidInput("interactionEvent must be SignIn or Register.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (body.InteractionEvent == InteractionEvents.ForgotPassword || interaction.Event == InteractionEvents.ForgotPassword)
            return PlatformProblems.Create(400, "session.verification_failed", "ForgotPassword cannot be switched to or from; start it with PUT /api/experience.");
        if (EventDisabled(body.InteractionEvent!, (await c.Settings.GetAsync(c.Cancellation)).SignInMode) is { } disabled) return disabled;
        if (interaction.Event != body.InteractionEvent)
        {
            interaction.Event = body.InteractionEvent!;
            interaction.UserId = null;
            interaction.IdentifiedBy = null;
        }
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    public static async Task<Results<Ok<InteractionResponse>, ProblemHttpResult>> GetInteraction([AsParameters] ExperienceContext c)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        return TypedResults.Ok(new InteractionResponse(interaction.Event, interaction.UserId,
            [.. interaction.VerificationRecords.Select(r => new VerificationRecordSummary(r.Id, r.Type))]));
    }

    /// <summary>
    /// <c>data.reasons</c> predates <c>data.issues</c>: short names the hosted UI maps to its <c>password_reasons.*</c> phrases.
    /// </summary>
    public static string[] LegacyReasons(IEnumerable<PasswordIssue> issues) => [.. issues.Select(i => i.Code switch
    {
        "password_rejected.restricted.repetition" => "repetition",
        "password_rejected.restricted.sequence" => "sequence",
        "password_rejected.restricted.user_info" => "personal_info",
        "password_rejected.restricted.words" => "restricted_words",
        var code => code["password_rejected.".Length..],
    })];

    public static async Task<Results<NoContent, Created, ProblemHttpResult>> Identify([AsParameters] ExperienceContext c, IdentificationBody body)
    {
        if (body.VerificationId is not { Length: > 0 } verificationId) return InvalidInput("verificationId is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        var settings = await c.Settings.GetAsync(c.Cancellation);
        // Checked again here (Logto too): the event may have been chosen before the mode changed.
        if (EventDisabled(interaction.Event, settings.SignInMode) is { } disabled) return disabled;
        var record = interaction.VerificationRecords.FirstOrDefault(r => r.Id == verificationId);
        var usable = record is not null && interaction.Event switch
        {
            InteractionEvents.SignIn => record.Type == VerificationTypes.Password || VerificationTypes.IsCode(record.Type) && record.Verified,
            InteractionEvents.Register => record.Type == VerificationTypes.NewPasswordIdentity || VerificationTypes.IsCode(record.Type) && record.Verified,
            _ => VerificationTypes.IsCode(record.Type) && record.Verified,
        };
        if (!usable) return PlatformProblems.Create(400, "session.verification_failed", "No verified record with this id fits this interaction.");

        return interaction.Event switch
        {
            InteractionEvents.Register => await RegisterAsync(c, interaction, record!, settings),
            InteractionEvents.ForgotPassword => await IdentifyForResetAsync(c, interaction, record!, settings),
            _ => await IdentifyForSignInAsync(c, interaction, record!, settings),
        };
    }

    private static async Task<Results<NoContent, Created, ProblemHttpResult>> IdentifyForSignInAsync(
        ExperienceContext c, Interaction interaction, VerificationRecord record, SignInExperienceSettings settings)
    {
        var userId = record.UserId;
        if (VerificationTypes.IsCode(record.Type))
        {
            if (!settings.SignIn.Methods.Any(m => m.Identifier == record.IdentifierType && m.VerificationCode)) return SignInMethodNotEnabled();
            userId = await c.Account.FindUserIdAsync(new AccountIdentifier(record.IdentifierType, record.IdentifierValue), c.Cancellation);
            // The hosted UI turns this into "create an account?" (PUT interaction-event Register, then identification again).
            if (userId is null) return PlatformProblems.Create(404, "user.user_not_exist", "No account uses this identifier.");
            if ((await c.Account.GetUserAsync(userId, c.Cancellation))?.IsSuspended != false) return Suspended();
        }
        interaction.UserId = userId;
        interaction.IdentifiedBy = new FirstFactor(record.Type, record.IdentifierValue);
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    private static async Task<Results<NoContent, Created, ProblemHttpResult>> IdentifyForResetAsync(
        ExperienceContext c, Interaction interaction, VerificationRecord record, SignInExperienceSettings settings)
    {
        if (!settings.ForgotPasswordMethods.Contains(ForgotPasswordMethod(record.IdentifierType))) return ForgotPasswordMethodNotEnabled();
        // Reached only with a correct code, which is never delivered to an address nobody owns: "not found" leaks nothing new.
        var userId = await c.Account.FindUserIdAsync(new AccountIdentifier(record.IdentifierType, record.IdentifierValue), c.Cancellation);
        if (userId is null) return PlatformProblems.Create(404, "user.user_not_exist", "No account uses this identifier.");
        interaction.UserId = userId;
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>
    /// Creates the user from the identifying record plus the profile collected so far, once the sign-up settings are
    /// satisfied (422 <c>user.missing_profile</c> lists what is still needed).
    /// </summary>
    private static async Task<Results<NoContent, Created, ProblemHttpResult>> RegisterAsync(
        ExperienceContext c, Interaction interaction, VerificationRecord record, SignInExperienceSettings settings)
    {
        if (!SignUpAccepts(settings.SignUp, record.IdentifierType)) return SignUpMethodNotEnabled();
        var profile = interaction.Profile;
        var username = record.IdentifierType == "username" ? record.IdentifierValue : profile.Username;
        var email = record.IdentifierType == "email" ? record.IdentifierValue : profile.PrimaryEmail;
        var phone = record.IdentifierType == "phone" ? record.IdentifierValue : profile.PrimaryPhone;
        var protectedPassword = record.ProtectedPassword ?? profile.ProtectedPassword;
        if (VerificationTypes.IsCode(record.Type) && await c.Account.IdentifierExistsAsync(new AccountIdentifier(record.IdentifierType, record.IdentifierValue), c.Cancellation))
            // The hosted UI turns this into "sign in instead?" (PUT interaction-event SignIn, then identification again).
            return PlatformProblems.Create(422, $"user.{record.IdentifierType}_already_in_use", $"This {record.IdentifierType} is associated with an existing account.");
        var missing = ProfileRequirements.Missing(settings.SignUp, new ProfileSnapshot(username, email, phone, protectedPassword is not null));
        if (missing.Count > 0) return MissingProfile(missing);

        AccountUser user;
        try
        {
            user = await c.Account.CreateUserAsync(new NewAccountUser(username, email, phone,
                protectedPassword is null ? null : c.PasswordProtector.Unprotect(protectedPassword)), c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Status is 400 or 422)
        {
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
        // Consumed: password ciphertexts leave Redis as soon as the user exists.
        interaction.VerificationRecords.Remove(record);
        interaction.Profile = new();
        interaction.UserId = user.Id;
        interaction.IdentifiedBy = new FirstFactor(record.Type, record.IdentifierValue);
        await c.Interactions.SaveAsync(interaction);
        return TypedResults.Created();
    }

    private static bool SignUpAccepts(SignUpSettings signUp, string identifierType) =>
        signUp.Identifiers.Contains(identifierType)
        || signUp.SecondaryIdentifiers.Any(s => s.Identifier == identifierType || s.Identifier == "emailOrPhone" && identifierType is "email" or "phone");

    private static ProblemHttpResult MissingProfile(List<string> missing) =>
        PlatformProblems.Create(422, "user.missing_profile", "Complete the profile first: " + string.Join(", ", missing) + ".", new { missingProfile = missing });

    /// <summary>The user ticked the terms box: kept on the interaction, recorded against the user at submit.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> AgreeToTerms([AsParameters] ExperienceContext c)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        interaction.TermsAgreedAt = DateTimeOffset.UtcNow;
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
    }

    /// <summary>Logto enforces the agreement only in its UI; here submit refuses without it (issue 3).</summary>
    public static bool TermsRequired(string agreeToTermsPolicy, string interactionEvent) => agreeToTermsPolicy switch
    {
        AgreeToTermsPolicies.Manual => interactionEvent != InteractionEvents.ForgotPassword,
        AgreeToTermsPolicies.ManualRegistrationOnly => interactionEvent == InteractionEvents.Register,
        _ => false,
    };

    public static async Task<Results<Ok<RedirectResponse>, NoContent, ProblemHttpResult>> Submit([AsParameters] ExperienceContext c)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.UserId is null) return PlatformProblems.Create(400, "session.not_identified", "Identify the user before submitting.");
        if (interaction.Event == InteractionEvents.ForgotPassword) return await SubmitPasswordResetAsync(c, interaction);
        var mfa = await MfaExperienceApi.CheckMfaAsync(c, interaction);
        if (mfa.Problem is not null) return mfa.Problem;
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (TermsRequired(settings.AgreeToTermsPolicy, interaction.Event) && interaction.TermsAgreedAt is null)
            return PlatformProblems.Create(422, "terms.not_agreed", "Agree to the terms of use and privacy policy first (POST /api/experience/terms/agree).");
        if (await CompleteProfileAsync(c, interaction, settings) is { } incomplete) return incomplete;
        if (TermsRequired(settings.AgreeToTermsPolicy, interaction.Event))
        {
            await c.Terms.RecordAsync(new TermsAcceptance
            {
                Id = SessionService.NewOpaqueId(), UserId = interaction.UserId, AcceptedAt = interaction.TermsAgreedAt!.Value, InteractionEvent = interaction.Event,
                TermsOfUseUrl = settings.TermsOfUseUrl, PrivacyPolicyUrl = settings.PrivacyPolicyUrl,
            }, c.Cancellation);
        }
        var session = await c.Sessions.StartAsync(c.Http, interaction.UserId, mfa.Amr, c.Cancellation);
        interaction.SubmittedSessionId = session.Id;
        if (!await c.Interactions.SaveAsync(interaction)) return NoInteraction();
        try { await c.Account.RecordSignInAsync(interaction.UserId, c.Cancellation); }
        catch (Exception e) when (e is AccountProblemException or HttpRequestException)
        {
            // lastSignInAt is bookkeeping: failing to record it must not fail the sign-in.
            c.Http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Experience").LogWarning(e, "Could not record the sign-in of {UserId}", interaction.UserId);
        }
        var query = QueryString.Create(interaction.Parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return TypedResults.Ok(new RedirectResponse($"{c.Configuration.GetPublicUrl()}/oidc/auth{query}"));
    }

}

public static partial class UsernameRule
{
    public const int MaxLength = 128;
    public static bool IsValid(string username) => username.Length is > 0 and <= MaxLength && Pattern().IsMatch(username);

    /// <summary>
    /// The tenant's <c>usernamePolicy</c> on top of the fixed rule (which account enforces too): length bounds and which
    /// character classes are allowed. Returns why the username is refused, or null.
    /// </summary>
    public static string? Violation(string username, UsernamePolicySettings policy)
    {
        if (!IsValid(username)) return "A username is letters, digits and underscores, does not start with a digit, and has at most 128 characters.";
        if (username.Length < policy.MinLength || username.Length > policy.MaxLength)
            return $"A username has {policy.MinLength} to {policy.MaxLength} characters.";
        var allowed = policy.AllowedChars;
        foreach (var ch in username)
        {
            var ok = ch switch
            {
                >= 'a' and <= 'z' => allowed.Lowercase,
                >= 'A' and <= 'Z' => allowed.Uppercase,
                >= '0' and <= '9' => allowed.Numbers,
                '_' => allowed.Underscore,
                _ => false,
            };
            if (!ok) return "The username uses characters the policy does not allow.";
        }
        return null;
    }

    // \z, not $: in .NET $ also matches before a final newline, which would admit "alice\n".
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
