using Auth.Platform.Organization.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Organizations;

/// <summary>One membership as signin needs it: the organization's MFA rule, the member's role names and the organization scopes they grant.</summary>
public sealed record MembershipResponse(string OrganizationId, bool IsMfaRequired, string[] OrganizationRoles, string[] Scopes);

/// <summary>What signin needs at the token endpoint and in the sign-in experience: a user's memberships, their roles and scopes, and which require MFA.</summary>
public static class InternalMembershipsApi
{
    public static IEndpointRouteBuilder MapInternalMembershipsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal/organizations").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: organizations");
        group.MapGet("/users/{userId}/memberships", Memberships);
        group.MapGet("/applications/{applicationId}/memberships", ApplicationMemberships);
        group.MapGet("/scopes", ScopeNames);
        return app;
    }

    /// <summary>The organization template's scope names: signin lets authorization requests ask for them.</summary>
    private static async Task<Ok<List<string>>> ScopeNames(OrganizationDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Scopes.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(ct));

    /// <summary>An unknown user simply has no memberships: signin asks for users the replica may not have seen yet.</summary>
    private static async Task<Ok<List<MembershipResponse>>> Memberships(string userId, OrganizationDbContext db, CancellationToken ct)
    {
        var organizations = await db.Members.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new { o.Id, o.IsMfaRequired })
            .OrderBy(o => o.Id).ToListAsync(ct);
        var roles = await OrganizationMemberRolesApi.RolesOfUserAsync(db, userId, ct);
        var scopes = (await db.MemberRoles.AsNoTracking().Where(m => m.UserId == userId)
                .Join(db.RoleScopes, m => m.RoleId, rs => rs.RoleId, (m, rs) => new { m.OrganizationId, rs.ScopeId })
                .Join(db.Scopes, x => x.ScopeId, s => s.Id, (x, s) => new { x.OrganizationId, s.Name })
                .Distinct().OrderBy(x => x.Name).ToListAsync(ct))
            .ToLookup(x => x.OrganizationId, x => x.Name);
        return TypedResults.Ok(organizations.Select(o => new MembershipResponse(o.Id, o.IsMfaRequired,
            [.. roles[o.Id].Select(r => r.Name)], [.. scopes[o.Id]])).ToList());
    }

    /// <summary>
    /// A machine-to-machine application's memberships, for <c>client_credentials</c> organization tokens: role names and the
    /// organization scopes they grant. Organization MFA is about users, so <c>isMfaRequired</c> is always false here.
    /// </summary>
    private static async Task<Ok<List<MembershipResponse>>> ApplicationMemberships(string applicationId, OrganizationDbContext db, CancellationToken ct)
    {
        var organizationIds = await db.Applications.AsNoTracking().Where(a => a.ApplicationId == applicationId)
            .OrderBy(a => a.OrganizationId).Select(a => a.OrganizationId).ToListAsync(ct);
        var roles = (await db.ApplicationRoles.AsNoTracking().Where(a => a.ApplicationId == applicationId)
                .Join(db.Roles, a => a.RoleId, r => r.Id, (a, r) => new { a.OrganizationId, r.Name })
                .OrderBy(x => x.Name).ToListAsync(ct))
            .ToLookup(x => x.OrganizationId, x => x.Name);
        var scopes = (await db.ApplicationRoles.AsNoTracking().Where(a => a.ApplicationId == applicationId)
                .Join(db.RoleScopes, a => a.RoleId, rs => rs.RoleId, (a, rs) => new { a.OrganizationId, rs.ScopeId })
                .Join(db.Scopes, x => x.ScopeId, s => s.Id, (x, s) => new { x.OrganizationId, s.Name })
                .Distinct().OrderBy(x => x.Name).ToListAsync(ct))
            .ToLookup(x => x.OrganizationId, x => x.Name);
        return TypedResults.Ok(organizationIds.Select(o => new MembershipResponse(o, false, [.. roles[o]], [.. scopes[o]])).ToList());
    }
}
