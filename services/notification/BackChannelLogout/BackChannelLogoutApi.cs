using Auth.Platform.Notification.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.BackChannelLogout;

/// <summary>A delivery as the Management API shows it (times in epoch milliseconds, like Logto); never the token.</summary>
public sealed record BackChannelLogoutDeliveryResponse(Guid Id, string ClientId, string Uri, string Status, int Attempts, long CreatedAt,
    long ExpiresAt, long? LastAttemptAt, int? LastStatusCode, string? LastError, long? DeliveredAt);

/// <summary>
/// The back-channel logout delivery log, per application, in the Management API. The gateway routes
/// <c>/api/applications/{id}/backchannel-logout-deliveries</c> here (the rest of <c>/api/applications</c> is signin's).
/// </summary>
public static class BackChannelLogoutApi
{
    public static IEndpointRouteBuilder MapBackChannelLogoutApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/applications/{applicationId}/backchannel-logout-deliveries", List)
            .RequireAuthorization(PlatformPolicies.Management).WithTags("Applications: back-channel logout");
        return app;
    }

    /// <summary>The latest 100 deliveries to the application, newest first.</summary>
    public static async Task<Ok<List<BackChannelLogoutDeliveryResponse>>> List(string applicationId, NotificationDbContext db, CancellationToken ct)
    {
        var rows = await db.BackChannelLogoutDeliveries.AsNoTracking().Where(d => d.ClientId == applicationId)
            .OrderByDescending(d => d.CreatedAt).Take(100).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(d => new BackChannelLogoutDeliveryResponse(d.Id, d.ClientId, d.Uri, d.Status, d.Attempts,
            d.CreatedAt.ToUnixTimeMilliseconds(), d.ExpiresAt.ToUnixTimeMilliseconds(), d.LastAttemptAt?.ToUnixTimeMilliseconds(),
            d.LastStatusCode, d.LastError, d.DeliveredAt?.ToUnixTimeMilliseconds())).ToList());
    }
}
