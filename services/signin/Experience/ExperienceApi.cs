using System.Text.RegularExpressions;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Signin.Experience;

public sealed record InteractionEventBody(string? InteractionEvent);
public sealed record IdentifierBody(string? Type, string? Value);
public sealed record PasswordVerificationBody(IdentifierBody? Identifier, string? Password);
public sealed record IdentificationBody(string? VerificationId);
public sealed record VerificationIdResponse(string VerificationId);
public sealed record RedirectResponse(string RedirectTo);
public sealed record VerificationRecordSummary(string Id, string Type);
public sealed record InteractionResponse(string InteractionEvent, string? UserId, IReadOnlyList<VerificationRecordSummary> VerificationRecords);

/// <summary>Everything the Experience handlers need, bound in one go.</summary>
public sealed record ExperienceContext(HttpContext Http, InteractionStore Interactions, AccountClient Account, SessionService Sessions,
    IDataProtectionProvider DataProtection, IConfiguration Configuration, SignInExperienceStore Settings, TermsAcceptanceStore Terms, CancellationToken Cancellation)
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
        var group = app.MapGroup("/api/experience").WithTags("Experience").AddEndpointFilter(AccountUnavailable);
        group.MapPut("", StartEvent);
        group.MapGet("/interaction", GetInteraction);
        group.MapPost("/verification/password", VerifyPassword);
        group.MapPost("/verification/new-password-identity", VerifyNewPasswordIdentity);
        group.MapPost("/identification", Identify);
        group.MapPost("/terms/agree", AgreeToTerms);
        group.MapPost("/submit", Submit);
        return app;
    }

    /// <summary>account down or failing is not the user's fault and not a bug here: 503 with a stable code, never a 500.</summary>
    private static async ValueTask<object?> AccountUnavailable(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try { return await next(context); }
        // Any account answer a handler did not expect (5xx, or 401/404 from a misconfigured or older account) means
        // the step cannot be done now; it is never the user's input, so never a 4xx for them and never a 500.
        catch (Exception e) when (e is HttpRequestException or AccountProblemException or TaskCanceledException { InnerException: TimeoutException })
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Experience").LogError(e, "account call failed");
            return PlatformProblems.Create(503, "service.unavailable", "A service needed for this step is unavailable; try again shortly.");
        }
    }

    private static ProblemHttpResult NoInteraction() => PlatformProblems.Create(400, "session.not_found", "No interaction is in progress; start again from the application.");
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

    private static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

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

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyPassword([AsParameters] ExperienceContext c, PasswordVerificationBody body)
    {
        if (body.Identifier is not { Type: "username" or "email" or "phone", Value: { Length: > 0 and <= 256 } value } identifier)
            return InvalidInput("identifier must be {type: username|email|phone, value}.");
        if (body.Password is not { Length: > 0 and <= MaxPasswordLength } password) return InvalidInput("password is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.SignIn)
            return PlatformProblems.Create(400, "session.verification_failed", "Password verification belongs to the SignIn event.");
        var userId = await c.Account.VerifyPasswordAsync(new AccountIdentifier(identifier.Type, value), password, c.Cancellation);
        if (userId is null) return PlatformProblems.Create(422, "session.invalid_credentials", "Wrong identifier or password.");
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = VerificationTypes.Password, IdentifierType = identifier.Type, IdentifierValue = value, UserId = userId,
        };
        interaction.VerificationRecords.Add(record);
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> VerifyNewPasswordIdentity([AsParameters] ExperienceContext c, PasswordVerificationBody body)
    {
        if (body.Identifier is not { Type: "username", Value: { } username } || !UsernameRule.IsValid(username))
            return InvalidInput("identifier must be {type: 'username', value} with a username of letters, digits and underscores, not starting with a digit, at most 128 characters.");
        if (body.Password is not { Length: <= MaxPasswordLength * 16 } password) return InvalidInput("password is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.Register)
            return PlatformProblems.Create(400, "session.verification_failed", "New password identity belongs to the Register event.");
        // The policy is read per request: a PATCH applies to the next registration without a restart.
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (EventDisabled(interaction.Event, settings.SignInMode) is { } disabled) return disabled;
        var issues = PasswordPolicyChecker.Check(password, settings.PasswordPolicy, new PasswordUserInfo(Username: username));
        if (issues.Count > 0)
            return PlatformProblems.Create(422, "password.rejected", "The password does not meet the policy.", new { issues, reasons = LegacyReasons(issues) });
        if (await c.Account.IdentifierExistsAsync(new AccountIdentifier("username", username), c.Cancellation))
            return PlatformProblems.Create(422, "user.username_already_in_use", "This username is already in use.");
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = VerificationTypes.NewPasswordIdentity, IdentifierType = "username", IdentifierValue = username,
            ProtectedPassword = c.PasswordProtector.Protect(password),
        };
        interaction.VerificationRecords.Add(record);
        return await c.Interactions.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
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
        // Checked again here (Logto too): the event may have been chosen before the mode changed.
        if (EventDisabled(interaction.Event, (await c.Settings.GetAsync(c.Cancellation)).SignInMode) is { } disabled) return disabled;
        var record = interaction.VerificationRecords.FirstOrDefault(r => r.Id == verificationId);
        var expectedType = interaction.Event == InteractionEvents.Register ? VerificationTypes.NewPasswordIdentity : VerificationTypes.Password;
        if (record is null || record.Type != expectedType || interaction.Event == InteractionEvents.ForgotPassword)
            return PlatformProblems.Create(400, "session.verification_failed", "No verified record with this id fits this interaction.");

        if (record.Type == VerificationTypes.Password)
        {
            interaction.UserId = record.UserId;
            return await c.Interactions.SaveAsync(interaction) ? TypedResults.NoContent() : NoInteraction();
        }

        AccountUser user;
        try
        {
            user = await c.Account.CreateUserAsync(record.IdentifierValue, c.PasswordProtector.Unprotect(record.ProtectedPassword!), c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Status is 400 or 422)
        {
            return PlatformProblems.Create(e.Status, e.Code, e.Message);
        }
        // The record is consumed: the password ciphertext leaves Redis as soon as the user exists.
        interaction.VerificationRecords.Remove(record);
        interaction.UserId = user.Id;
        await c.Interactions.SaveAsync(interaction);
        return TypedResults.Created();
    }

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

    public static async Task<Results<Ok<RedirectResponse>, ProblemHttpResult>> Submit([AsParameters] ExperienceContext c)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.UserId is null) return PlatformProblems.Create(400, "session.not_identified", "Identify the user before submitting.");
        if (await MfaExperienceApi.CheckMfaAsync(c, interaction) is { } mfaRequired) return mfaRequired;
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (TermsRequired(settings.AgreeToTermsPolicy, interaction.Event))
        {
            if (interaction.TermsAgreedAt is not { } agreedAt)
                return PlatformProblems.Create(422, "terms.not_agreed", "Agree to the terms of use and privacy policy first (POST /api/experience/terms/agree).");
            await c.Terms.RecordAsync(new TermsAcceptance
            {
                Id = SessionService.NewOpaqueId(), UserId = interaction.UserId, AcceptedAt = agreedAt, InteractionEvent = interaction.Event,
                TermsOfUseUrl = settings.TermsOfUseUrl, PrivacyPolicyUrl = settings.PrivacyPolicyUrl,
            }, c.Cancellation);
        }
        var session = await c.Sessions.StartAsync(c.Http, interaction.UserId, c.Cancellation);
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

    // \z, not $: in .NET $ also matches before a final newline, which would admit "alice\n".
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
