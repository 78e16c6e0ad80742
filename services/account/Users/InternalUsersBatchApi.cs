using Auth.Platform.Account.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Account.Users;

public sealed record UsersByIdsRequest(string[]? Ids);

/// <summary>
/// Several users in one call, for services that show people they only know by id (organization's member lists): the
/// profile stays account's and is read when needed instead of being copied into another database.
/// </summary>
public static class InternalUsersBatchApi
{
    public const int MaxIds = 100;

    public static IEndpointRouteBuilder MapInternalUsersBatchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/users/batch", Batch).RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: users");
        return app;
    }

    /// <summary>The users among <c>ids</c> that exist (unknown ids are left out), as Logto's user objects; order not significant.</summary>
    private static async Task<Results<Ok<List<UserResponse>>, ProblemHttpResult>> Batch(UsersByIdsRequest request, AccountDbContext db, CancellationToken ct)
    {
        if (request.Ids is not { Length: <= MaxIds } ids || ids.Any(string.IsNullOrWhiteSpace))
            return UserErrors.InvalidInput($"ids must be 0 to {MaxIds} non-empty strings.");
        var wellFormed = ids.Where(UserIds.IsWellFormed).Distinct(StringComparer.Ordinal).ToArray();
        var users = await db.Users.AsNoTracking().Where(u => wellFormed.Contains(u.Id)).ToListAsync(ct);
        return TypedResults.Ok(users.Select(UserResponse.From).ToList());
    }
}
