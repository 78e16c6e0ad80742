using Auth.Platform.Notification.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Recipients;

public sealed record RecipientResponse(string UserId, string? Email, string? Phone, long CreatedAt);

public static class RecipientsApi
{
    public static IEndpointRouteBuilder MapRecipientsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/internal/recipients").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: recipients")
            .MapGet("/{userId}", Get);
        return app;
    }

    private static async Task<Results<Ok<RecipientResponse>, ProblemHttpResult>> Get(string userId, NotificationDbContext db, CancellationToken ct) =>
        await db.Recipients.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId, ct) is { } r
            ? TypedResults.Ok(new RecipientResponse(r.UserId, r.Email, r.Phone, r.CreatedAt.ToUnixTimeMilliseconds()))
            : PlatformProblems.Create(404, "recipient.not_found", "No recipient for this user.");
}
