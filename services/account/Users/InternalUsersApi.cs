using Auth.Platform.Account.Passwords;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Auth.Platform.Account.Users;

public sealed record IdentifierInput(string? Type, string? Value);
public sealed record VerifyPasswordRequest(IdentifierInput? Identifier, string? Password);
public sealed record VerifyPasswordResponse(string UserId);
public sealed record UserIdResponse(string Id);

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
        return app;
    }

    /// <summary>
    /// Unknown user, user without password and wrong password answer alike, after the same Argon2 work (B-6).
    /// A suspended user is told so only after the right password, as Logto does.
    /// </summary>
    private static async Task<Results<Ok<VerifyPasswordResponse>, ProblemHttpResult>> VerifyPassword(
        VerifyPasswordRequest request, UserDirectory directory, PasswordHasher hasher, CancellationToken ct)
    {
        if (request.Identifier is not { Type: var type, Value: { Length: > 0 } value } || !UserDirectory.IsIdentifierType(type)
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
        if (!UserDirectory.IsIdentifierType(type) || string.IsNullOrEmpty(value))
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
}
