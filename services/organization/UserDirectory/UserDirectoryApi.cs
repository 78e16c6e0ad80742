using Auth.Platform.Organization.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.UserDirectory;

public sealed record DirectoryUserResponse(string UserId, string? PrimaryEmail, long CreatedAt);

public static class UserDirectoryApi
{
    public static IEndpointRouteBuilder MapUserDirectoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/internal/user-directory").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: user directory")
            .MapGet("/{userId}", Get);
        return app;
    }

    private static async Task<Results<Ok<DirectoryUserResponse>, ProblemHttpResult>> Get(string userId, OrganizationDbContext db, CancellationToken ct) =>
        await db.DirectoryUsers.AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, ct) is { } u
            ? TypedResults.Ok(new DirectoryUserResponse(u.UserId, u.PrimaryEmail, u.CreatedAt.ToUnixTimeMilliseconds()))
            : PlatformProblems.Create(404, "user.not_found", "The user is not in the organization service's directory.");
}
