using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.Passwords;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Auth.Platform.Account.Users;

public sealed record IdentifierInput(string? Type, string? Value);
public sealed record VerifyPasswordRequest(IdentifierInput? Identifier, string? Password);
public sealed record VerifyPasswordResponse(string UserId);
public sealed record UserIdResponse(string Id);
public sealed record NormalizeIdentifierResponse(string Type, string Value);
public sealed record SetPasswordRequest(string? Password, bool? RejectSamePassword);
public sealed record UpdateIdentifiersRequest(string? Username, string? PrimaryEmail, string? PrimaryPhone);

/// <summary>What signin needs from the directory, for service tokens only (policy <c>internal</c>); never routed by the gateway.</summary>
public static class InternalUsersApi
{
    public static IEndpointRouteBuilder MapInternalUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/users").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: users");
        group.MapPost("/verify-password", VerifyPassword);
        group.MapPost("/", Create);
        group.MapGet("/lookup", Lookup);
        group.MapGet("/{id}", Get);
        group.MapPost("/{id}/sign-in", RecordSignIn);
        group.MapPut("/{id}/password", SetPassword);
        group.MapPatch("/{id}/identifiers", UpdateIdentifiers);
        // The directory owns the identifier rules: signin asks it rather than carrying a second phone library.
        app.MapGet("/internal/identifiers/normalize", NormalizeIdentifier).RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: users");
        return app;
    }

    /// <summary>
    /// Unknown user, user without password and wrong password answer alike, after the same Argon2 work (B-6).
    /// A suspended user is told so only after the right password, as Logto does.
    /// </summary>
    private static async Task<Results<Ok<VerifyPasswordResponse>, ProblemHttpResult>> VerifyPassword(
        VerifyPasswordRequest request, UserDirectory directory, PasswordHasher hasher, CancellationToken ct)
    {
        if (request.Identifier is not { Type: var type, Value: { } value } || !UserDirectory.IsIdentifierType(type) || !HostileText.IsIdentifier(value)
            || request.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput("identifier {type: username|email|phone, value} and password are required.");

        var user = await directory.FindByIdentifierAsync(type!, value, ct);
        var verification = user?.PasswordHash is { } hash
            ? await hasher.VerifyAsync(hash, password, ct)
            : await hasher.VerifyDummyAsync(password, ct);
        if (verification == PasswordVerification.Failed || user is null) return UserErrors.InvalidCredentials();
        if (user.IsSuspended) return PlatformProblems.Create(422, "user.suspended", "This account is suspended.");
        if (verification == PasswordVerification.SuccessRehashNeeded)
        {
            // Parameters went up since this hash was stored: upgrade it now that we know the password.
            user.PasswordHash = await hasher.HashAsync(password, ct);
            await directory.SaveAsync(ct);
        }
        return TypedResults.Ok(new VerifyPasswordResponse(user.Id));
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Create(CreateUserRequest request, UserDirectory directory, CancellationToken ct)
    {
        var result = await directory.CreateAsync(request, ct);
        if (result.Result is Created<UserResponse> created) return TypedResults.Created($"/internal/users/{created.Value!.Id}", created.Value);
        return result;
    }

    private static async Task<Results<Ok<UserIdResponse>, ProblemHttpResult>> Lookup(
        [FromQuery] string? type, [FromQuery] string? value, UserDirectory directory, CancellationToken ct)
    {
        if (!UserDirectory.IsIdentifierType(type) || !HostileText.IsIdentifier(value))
            return UserErrors.InvalidInput("type (username|email|phone) and value are required.");
        return await directory.FindByIdentifierAsync(type!, value, ct) is { } user
            ? TypedResults.Ok(new UserIdResponse(user.Id))
            : UserErrors.NotFound();
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Get(string id, UserDirectory directory, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } user ? TypedResults.Ok(UserResponse.From(user)) : UserErrors.NotFound();

    private static async Task<Results<NoContent, ProblemHttpResult>> RecordSignIn(string id, UserDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        user.LastSignInAt = clock.GetUtcNow();
        await directory.SaveAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The stored form of an identifier (E.164 phone, trimmed email), or Logto's 400 for a malformed one.</summary>
    private static Results<Ok<NormalizeIdentifierResponse>, ProblemHttpResult> NormalizeIdentifier(
        [FromQuery] string? type, [FromQuery] string? value, PhoneNumberNormalizer phones)
    {
        if (string.IsNullOrWhiteSpace(value) || !HostileText.IsIdentifier(value)) return UserErrors.InvalidInput("value is required (at most 256 characters).");
        return type switch
        {
            "email" => EmailAddressRules.IsValid(value)
                ? TypedResults.Ok(new NormalizeIdentifierResponse("email", value.Trim()))
                : PlatformProblems.Create(400, "user.invalid_email", "The email address is not valid."),
            "phone" => phones.TryNormalize(value) is { } phone
                ? TypedResults.Ok(new NormalizeIdentifierResponse("phone", phone))
                : UserErrors.InvalidPhone(),
            "username" => UsernameRules.IsValid(value)
                ? TypedResults.Ok(new NormalizeIdentifierResponse("username", value))
                : UserErrors.InvalidInput("username must start with a letter or underscore and contain only letters, digits and underscores."),
            _ => UserErrors.InvalidInput("type must be username, email or phone."),
        };
    }

    /// <summary>
    /// Sets the password (reset, profile completion). With <c>rejectSamePassword</c> the current one is refused with Logto's
    /// <c>user.same_password</c>, after a real verification (constant work whether or not it matches).
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> SetPassword(
        string id, SetPasswordRequest request, UserDirectory directory, PasswordHasher hasher, TimeProvider clock, CancellationToken ct)
    {
        if (request.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput($"password must be 1 to {UserDirectory.MaxPasswordLength} characters.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        if (request.RejectSamePassword == true && user.PasswordHash is { } current
            && await hasher.VerifyAsync(current, password, ct) != PasswordVerification.Failed)
            return PlatformProblems.Create(422, "user.same_password", "The new password must differ from the current one.");
        user.PasswordHash = await hasher.HashAsync(password, ct);
        user.UpdatedAt = clock.GetUtcNow();
        return await directory.SaveAsync(ct) is { } problem ? problem : TypedResults.NoContent();
    }

    /// <summary>Adds identifiers the user lacks (profile completion after sign-in); only the fields given change.</summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdateIdentifiers(
        string id, UpdateIdentifiersRequest request, UserDirectory directory, PhoneNumberNormalizer phones, Data.AccountDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        var before = UserIdentifierChanges.Of(user);
        if (request.Username is { } username)
        {
            if (!UsernameRules.IsValid(username)) return UserErrors.InvalidInput("username is invalid.");
            user.Username = username;
        }
        if (request.PrimaryEmail is { } email)
        {
            if (!EmailAddressRules.IsValid(email)) return PlatformProblems.Create(400, "user.invalid_email", "The email address is not valid.");
            user.SetPrimaryEmail(email.Trim());
        }
        if (request.PrimaryPhone is { } rawPhone)
        {
            if (phones.TryNormalize(rawPhone) is not { } phone) return UserErrors.InvalidPhone();
            user.PrimaryPhone = phone;
        }
        if (await directory.FindConflictAsync(user, ct) is { } conflict) return conflict;
        user.UpdatedAt = clock.GetUtcNow();
        before.StageIfChanged(db, user);
        return await directory.SaveAsync(ct) is { } raced ? raced : TypedResults.Ok(UserResponse.From(user));
    }
}
