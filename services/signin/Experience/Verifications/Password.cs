using Microsoft.AspNetCore.DataProtection;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Experience.Steps;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;
using Microsoft.AspNetCore.Http.HttpResults;
using static Auth.Platform.Signin.Experience.ExperienceProblems;

namespace Auth.Platform.Signin.Experience.Verifications;

public sealed record PasswordVerificationBody(IdentifierBody? Identifier, string? Password);

/// <summary>
/// <c>POST /api/experience/verification/password {identifier, password}</c>: an existing user's password (SignIn). Failures
/// count against the identifier and the IP (<see cref="Sentinel"/>); account spends the same Argon2 work on unknown users.
/// </summary>
public sealed class Password : IVerification
{
    /// <summary>Logto's upper bound for passwords; sign-in accepts up to it whatever the current policy's max.</summary>
    public const int MaxLength = 256;

    public IReadOnlyCollection<string> Types => [VerificationTypes.Password];
    public IReadOnlyCollection<string> Identifies => [InteractionEvents.SignIn];
    public string[] Amr(string type) => ["pwd"];
    public Task<ProvenUser> FindUserAsync(ExperienceContext c, VerificationRecord record, SignInExperienceSettings settings) =>
        Task.FromResult(new ProvenUser(record.UserId));

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, PasswordVerificationBody body)
    {
        if (body.Identifier is not { Type: "username" or "email" or "phone", IsWellFormed: true } identifier)
            return InvalidInput("identifier must be {type: username|email|phone, value}.");
        if (body.Password is not { Length: > 0 and <= MaxLength } password) return InvalidInput("password is required.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.Event != InteractionEvents.SignIn) return VerificationFailed("Password verification belongs to the SignIn event.");
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (!settings.SignIn.Methods.Any(m => m.Identifier == identifier.Type && m.Password)) return SignInMethodNotEnabled();
        // Phones in any human form count as one identifier for the lockout (else each spelling would get its own budget).
        var value = identifier.Value!;
        if (identifier.Type == "phone")
        {
            var (normalized, invalid) = await VerificationCode.NormalizeAsync(c, new AccountIdentifier("phone", value));
            if (invalid is not null) return invalid;
            value = normalized.Value;
        }
        var ip = c.Http.Connection.RemoteIpAddress;
        if (await c.Sentinel.LockedForAsync(identifier.Type!, value, ip) is { } locked) return Locked(c.Http, locked);

        string? userId;
        try
        {
            userId = await c.Account.VerifyPasswordAsync(new AccountIdentifier(identifier.Type!, value), password, c.Cancellation);
        }
        catch (AccountProblemException e) when (e.Code == "user.suspended")
        {
            return Suspended();
        }
        if (userId is null)
        {
            await c.Sentinel.RecordFailureAsync(identifier.Type!, value, ip, settings.SentinelPolicy);
            return PlatformProblems.Create(422, "session.invalid_credentials", "Wrong identifier or password.");
        }
        await c.Sentinel.RecordSuccessAsync(identifier.Type!, value);
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = VerificationTypes.Password, IdentifierType = identifier.Type!, IdentifierValue = value, UserId = userId,
            Verified = true,
        };
        return await AddAsync(c, interaction, record);
    }

    /// <summary>Keeps the record and answers its id.</summary>
    internal static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> AddAsync(ExperienceContext c, Interaction interaction, VerificationRecord record)
    {
        interaction.AddRecord(record);
        return await c.SaveAsync(interaction) ? TypedResults.Ok(new VerificationIdResponse(record.Id)) : NoInteraction();
    }

    /// <summary>422 <c>password.rejected</c> with Logto's <c>data.issues</c> and the hosted UI's <c>data.reasons</c>, or null.</summary>
    internal static ProblemHttpResult? Rejected(string password, SignInExperienceSettings settings, PasswordUserInfo info)
    {
        var issues = PasswordPolicyChecker.Check(password, settings.PasswordPolicy, info);
        return issues.Count == 0 ? null
            : PlatformProblems.Create(422, "password.rejected", "The password does not meet the policy.", new { issues, reasons = LegacyReasons(issues) });
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
}

/// <summary>
/// <c>POST /api/experience/verification/new-password-identity {identifier:{type:'username'}, password}</c>: the username and
/// password a registration will create, checked against the current policies. The password stays Data Protection ciphertext.
/// </summary>
public sealed class NewPasswordIdentity : IVerification
{
    public IReadOnlyCollection<string> Types => [VerificationTypes.NewPasswordIdentity];
    public IReadOnlyCollection<string> Identifies => [InteractionEvents.Register];
    public string[] Amr(string type) => ["pwd"];

    public static async Task<Results<Ok<VerificationIdResponse>, ProblemHttpResult>> Verify([AsParameters] ExperienceContext c, PasswordVerificationBody body)
    {
        if (body.Identifier is not { Type: "username", Value: { } username } || !UsernameRule.IsValid(username))
            return InvalidInput("identifier must be {type: 'username', value} with a username of letters, digits and underscores, not starting with a digit, at most 128 characters.");
        if (body.Password is not { Length: <= Password.MaxLength * 16 } password) return InvalidInput("password is required.");
        var (interaction, problem) = await c.InteractionAsync();
        if (problem is not null) return problem;
        if (interaction!.Event != InteractionEvents.Register) return VerificationFailed("New password identity belongs to the Register event.");
        // The policy is read per request: a PATCH applies to the next registration without a restart.
        var settings = await c.Settings.GetAsync(c.Cancellation);
        if (EventDisabled(interaction.Event, settings.SignInMode) is { } disabled) return disabled;
        if (UsernameRule.Violation(username, settings.UsernamePolicy) is { } violation) return InvalidInput(violation);
        if (Password.Rejected(password, settings, new PasswordUserInfo(Username: username)) is { } rejected) return rejected;
        if (await c.Account.IdentifierExistsAsync(new AccountIdentifier("username", username), c.Cancellation))
            return PlatformProblems.Create(422, "user.username_already_in_use", "This username is already in use.");
        var record = new VerificationRecord
        {
            Id = SessionService.NewOpaqueId(), Type = VerificationTypes.NewPasswordIdentity, IdentifierType = "username", IdentifierValue = username,
            ProtectedPassword = c.PasswordProtector.Protect(password), Verified = true,
        };
        return await Password.AddAsync(c, interaction, record);
    }
}
