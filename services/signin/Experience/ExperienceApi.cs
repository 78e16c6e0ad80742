using System.Text.RegularExpressions;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Sessions;
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
    IDataProtectionProvider DataProtection, IConfiguration Configuration, CancellationToken Cancellation)
{
    public IDataProtector PasswordProtector => DataProtection.CreateProtector("Auth.Platform.Signin.Experience.NewPassword.v1");
}

/// <summary>Logto's Experience API (paths, bodies and error codes), driven by the hosted UI.</summary>
public static partial class ExperienceApi
{
    public static IEndpointRouteBuilder MapExperienceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experience").WithTags("Experience").AddEndpointFilter(AccountUnavailable);
        group.MapPut("", StartEvent);
        group.MapGet("/interaction", GetInteraction);
        group.MapPost("/verification/password", VerifyPassword);
        group.MapPost("/verification/new-password-identity", VerifyNewPasswordIdentity);
        group.MapPost("/identification", Identify);
        group.MapPost("/submit", Submit);
        app.MapGet("/api/.well-known/sign-in-exp", SignInExperience.Get).WithTags("Experience");
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
    private static ProblemHttpResult InvalidInput(string detail) => PlatformProblems.Create(400, "guard.invalid_input", detail);

    public static async Task<Results<NoContent, ProblemHttpResult>> StartEvent([AsParameters] ExperienceContext c, InteractionEventBody body)
    {
        if (body.InteractionEvent is not { } name || !InteractionEvents.All.Contains(name))
            return InvalidInput("interactionEvent must be SignIn, Register or ForgotPassword.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
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
        if (body.Password is not { Length: > 0 and <= PasswordPolicy.MaxLength } password) return InvalidInput("password is required.");
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
        if (body.Password is not { } password) return InvalidInput("password is required.");
        var reasons = PasswordPolicy.Check(password);
        if (reasons.Count > 0) return PlatformProblems.Create(422, "password.rejected", "The password does not meet the policy.", new { reasons });
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.Event != InteractionEvents.Register)
            return PlatformProblems.Create(400, "session.verification_failed", "New password identity belongs to the Register event.");
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

    public static async Task<Results<NoContent, Created, ProblemHttpResult>> Identify([AsParameters] ExperienceContext c, IdentificationBody body)
    {
        if (body.VerificationId is not { Length: > 0 } verificationId) return InvalidInput("verificationId is required.");
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
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

    public static async Task<Results<Ok<RedirectResponse>, ProblemHttpResult>> Submit([AsParameters] ExperienceContext c)
    {
        var interaction = await c.Interactions.FindAsync(c.Http);
        if (interaction is null) return NoInteraction();
        if (interaction.UserId is null) return PlatformProblems.Create(400, "session.not_identified", "Identify the user before submitting.");
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

/// <summary>Minimal policy for now (length only); issue 3 adds character classes, breached-password and user-info checks.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    public static IReadOnlyList<string> Check(string password) =>
        password.Length < MinLength ? ["too_short"] : password.Length > MaxLength ? ["too_long"] : [];
}

public static class SignInExperience
{
    public static Ok<object> Get() => TypedResults.Ok<object>(new
    {
        signInMode = "SignInAndRegister",
        branding = new { },
        signUp = new { identifiers = new[] { "username" }, password = true, verify = false },
        signIn = new { methods = new[] { new { identifier = "username", password = true, verificationCode = false, isPasswordPrimary = true } } },
        languageInfo = new { autoDetect = true, fallbackLanguage = "en" },
        languages = new[] { "en" },
    });
}
