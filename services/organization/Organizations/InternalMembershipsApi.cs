using Auth.Platform.Organization.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Organizations;

public sealed record MembershipResponse(string OrganizationId, bool IsMfaRequired);

/// <summary>What signin needs at the token endpoint and in the sign-in experience: a user's memberships and which require MFA.</summary>
public static class InternalMembershipsApi
{
    public static IEndpointRouteBuilder MapInternalMembershipsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/internal/organizations").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: organizations")
            .MapGet("/users/{userId}/memberships", Memberships);
        return app;
    }

    /// <summary>An unknown user simply has no memberships: signin asks for users the replica may not have seen yet.</summary>
    private static async Task<Ok<List<MembershipResponse>>> Memberships(string userId, OrganizationDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Members.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => o)
            .OrderBy(o => o.Id).Select(o => new MembershipResponse(o.Id, o.IsMfaRequired)).ToListAsync(ct));
}
