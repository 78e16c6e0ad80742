using System.Text.Json;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.Passwords;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Users;

/// <summary>Logto's Management API for users (<c>/api/users</c>), for tokens of the Management API resource with scope <c>all</c>.</summary>
public static class ManagementUsersApi
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private const int MaxSearchLength = 128;

    public static IEndpointRouteBuilder MapManagementUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").RequireAuthorization(PlatformPolicies.Management).WithTags("Users");
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPost("/", Create);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        group.MapPatch("/{id}/custom-data", UpdateCustomData);
        group.MapPatch("/{id}/profile", UpdateProfile);
        group.MapPatch("/{id}/password", UpdatePassword);
        group.MapPost("/{id}/password/verify", VerifyPassword);
        group.MapGet("/{id}/has-password", HasPassword);
        group.MapPatch("/{id}/is-suspended", UpdateIsSuspended);
        return app;
    }

    /// <summary>
    /// Newest first, like Logto; the total (of the search, before paging) goes in the <c>Total-Number</c> header.
    /// <c>search</c> matches a case-insensitive substring of the id, username, primary email, primary phone or name (Logto's
    /// default fields); <c>%</c> and <c>_</c> in it are literal.
    /// </summary>
    private static async Task<Results<Ok<List<UserResponse>>, ProblemHttpResult>> List(
        [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, [FromQuery] string? search, AccountDbContext db, HttpResponse response,
        CancellationToken ct)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (p < 1 || size < 1 || size > MaxPageSize)
            return UserErrors.InvalidInput($"page must be >= 1 and page_size between 1 and {MaxPageSize}.");
        if (search is { Length: > MaxSearchLength }) return UserErrors.InvalidInput($"search must be at most {MaxSearchLength} characters.");
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
                .Replace("_", @"\_", StringComparison.Ordinal) + "%";
            query = query.Where(u => EF.Functions.ILike(u.Id, pattern, @"\") || EF.Functions.ILike(u.Username!, pattern, @"\")
                || EF.Functions.ILike(u.PrimaryEmail!, pattern, @"\") || EF.Functions.ILike(u.PrimaryPhone!, pattern, @"\")
                || EF.Functions.ILike(u.Name!, pattern, @"\"));
        }
        var total = await query.CountAsync(ct);
        var users = await query.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip((p - 1) * size).Take(size).ToListAsync(ct);
        response.Headers["Total-Number"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(users.Select(UserResponse.From).ToList());
    }

    /// <summary>With Logto's <c>identities</c> and <c>ssoIdentities</c>.</summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Get(string id, UserDirectory directory, Identities.UserIdentities identities,
        CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } user ? TypedResults.Ok(await identities.WithIdentitiesAsync(user, ct)) : UserErrors.NotFound();

    /// <summary>Logto answers 200 (not 201) with the created user; kept for compatibility with its SDKs and recipes.</summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Create(CreateUserRequest request, UserDirectory directory, CancellationToken ct)
    {
        var result = await directory.CreateAsync(request, ct);
        return result.Result switch
        {
            Created<UserResponse> created => TypedResults.Ok(created.Value!),
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("Unexpected result"),
        };
    }

    /// <summary>
    /// Only the properties present in the body change; <c>null</c> clears an identifier, name or avatar (Logto's
    /// semantics), which is why the body is read as a JSON object rather than a record.
    /// </summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Update(
        string id, JsonElement body, UserDirectory directory, PhoneNumberNormalizer phones, TimeProvider clock, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return UserErrors.InvalidInput("The body must be a JSON object.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();

        foreach (var property in body.EnumerateObject())
            if (UserPatch.Apply(user, property.Name, property.Value, phones) is { } invalid) return invalid;
        if (await directory.FindConflictAsync(user, ct) is { } conflict) return conflict;
        user.UpdatedAt = clock.GetUtcNow();
        if (await directory.SaveAsync(ct) is { } raced) return raced;
        return TypedResults.Ok(UserResponse.From(user));
    }

    /// <summary>Every service purges the user's data when it sees <see cref="UserDeleted"/>, published through the outbox.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, UserDirectory directory, AccountDbContext db, CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        db.Users.Remove(user);
        db.AddIntegrationEvent(new UserDeleted(user.Id));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Logto's <c>PATCH /api/users/{id}/custom-data {customData}</c>: replaces the object, answers it.</summary>
    private static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> UpdateCustomData(
        string id, JsonElement body, UserDirectory directory, PhoneNumberNormalizer phones, TimeProvider clock, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("customData", out var customData))
            return UserErrors.InvalidInput("The body must be {customData: object}.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        if (UserPatch.Apply(user, "customData", customData, phones) is { } invalid) return invalid;
        user.UpdatedAt = clock.GetUtcNow();
        await directory.SaveAsync(ct);
        return TypedResults.Ok(JsonDocument.Parse(user.CustomData).RootElement.Clone());
    }

    /// <summary>Logto's <c>PATCH /api/users/{id}/profile {profile}</c>: merged into the stored profile (<see cref="UserProfile"/>), answers it.</summary>
    private static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> UpdateProfile(
        string id, JsonElement body, UserDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("profile", out var update))
            return UserErrors.InvalidInput("The body must be {profile: object}.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        var (merged, invalid) = UserProfile.Merge(user.Profile, update);
        if (invalid is not null) return invalid;
        user.Profile = merged!;
        user.UpdatedAt = clock.GetUtcNow();
        await directory.SaveAsync(ct);
        return TypedResults.Ok(JsonDocument.Parse(user.Profile).RootElement.Clone());
    }

    /// <summary>Logto's <c>PATCH /api/users/{id}/password {password}</c>: an admin sets it (no policy, as Logto's Management API).</summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdatePassword(
        string id, PasswordBody body, UserDirectory directory, PasswordHasher hasher, TimeProvider clock, CancellationToken ct)
    {
        if (body.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput($"password must be 1 to {UserDirectory.MaxPasswordLength} characters.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        user.PasswordHash = await hasher.HashAsync(password, ct);
        user.UpdatedAt = clock.GetUtcNow();
        await directory.SaveAsync(ct);
        return TypedResults.Ok(UserResponse.From(user));
    }

    /// <summary>Logto's <c>POST /api/users/{id}/password/verify {password}</c>: 204, or 422 <c>session.invalid_credentials</c>
    /// (also for a user without a password, after the same Argon2 work).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> VerifyPassword(
        string id, PasswordBody body, UserDirectory directory, PasswordHasher hasher, CancellationToken ct)
    {
        if (body.Password is not { Length: > 0 and <= UserDirectory.MaxPasswordLength } password)
            return UserErrors.InvalidInput($"password must be 1 to {UserDirectory.MaxPasswordLength} characters.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        var verification = user.PasswordHash is { } hash ? await hasher.VerifyAsync(hash, password, ct) : await hasher.VerifyDummyAsync(password, ct);
        return verification == PasswordVerification.Failed || user.PasswordHash is null ? UserErrors.InvalidCredentials() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<HasPasswordResponse>, ProblemHttpResult>> HasPassword(string id, UserDirectory directory, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } user ? TypedResults.Ok(new HasPasswordResponse(user.PasswordHash is not null)) : UserErrors.NotFound();

    /// <summary>
    /// Logto's <c>PATCH /api/users/{id}/is-suspended {isSuspended}</c>. Suspending publishes <see cref="UserSuspended"/> in the
    /// same transaction (outbox): signin ends the user's sessions and revokes their grants. Sign-in, refresh and token
    /// exchange refuse a suspended user on their own.
    /// </summary>
    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdateIsSuspended(
        string id, IsSuspendedBody body, UserDirectory directory, AccountDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (body.IsSuspended is not { } suspended) return UserErrors.InvalidInput("isSuspended (boolean) is required.");
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        if (suspended && !user.IsSuspended) db.AddIntegrationEvent(new UserSuspended(user.Id));
        user.IsSuspended = suspended;
        user.UpdatedAt = clock.GetUtcNow();
        await directory.SaveAsync(ct);
        return TypedResults.Ok(UserResponse.From(user));
    }
}

public sealed record PasswordBody(string? Password);
public sealed record IsSuspendedBody(bool? IsSuspended);
public sealed record HasPasswordResponse(bool HasPassword);
