using System.Text.Json;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
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

    public static IEndpointRouteBuilder MapManagementUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").RequireAuthorization(PlatformPolicies.Management).WithTags("Users");
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPost("/", Create);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        return app;
    }

    /// <summary>Newest first, like Logto; the total goes in the <c>Total-Number</c> header.</summary>
    private static async Task<Results<Ok<List<UserResponse>>, ProblemHttpResult>> List(
        [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, AccountDbContext db, HttpResponse response, CancellationToken ct)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        if (p < 1 || size < 1 || size > MaxPageSize)
            return UserErrors.InvalidInput($"page must be >= 1 and page_size between 1 and {MaxPageSize}.");
        var total = await db.Users.CountAsync(ct);
        var users = await db.Users.AsNoTracking().OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip((p - 1) * size).Take(size).ToListAsync(ct);
        response.Headers["Total-Number"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(users.Select(UserResponse.From).ToList());
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Get(string id, UserDirectory directory, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } user ? TypedResults.Ok(UserResponse.From(user)) : UserErrors.NotFound();

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
}
