using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.Template;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Organizations;

public sealed record AssignMemberRolesRequest(string[]? UserIds, string[]? OrganizationRoleIds);
public sealed record OrganizationRoleIdsRequest(string[]? OrganizationRoleIds);
public sealed record OrganizationRoleSummary(string Id, string Name);

/// <summary>
/// A member's organization roles and the scopes they grant (Logto's <c>/api/organizations/{id}/users/roles</c> and
/// <c>…/users/{userId}/roles|scopes</c>). Only members hold roles, and only roles of type <c>User</c>.
/// </summary>
public static class OrganizationMemberRolesApi
{
    public static IEndpointRouteBuilder MapOrganizationMemberRolesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organizations/{id}/users").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization members");
        group.MapPost("/roles", AssignToUsers);
        group.MapGet("/{userId}/roles", List);
        group.MapPut("/{userId}/roles", Replace);
        group.MapPost("/{userId}/roles", Add);
        group.MapDelete("/{userId}/roles/{organizationRoleId}", Remove);
        group.MapGet("/{userId}/scopes", Scopes);
        return app;
    }

    /// <summary>Every listed role to every listed member; roles already held are kept. 201 without a body, as Logto.</summary>
    private static async Task<Results<Created, ProblemHttpResult>> AssignToUsers(string id, AssignMemberRolesRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if ((TemplateRules.ValidateIds(request.UserIds, "userIds", allowEmpty: false)
            ?? TemplateRules.ValidateIds(request.OrganizationRoleIds, "organizationRoleIds", allowEmpty: false)) is { } invalid) return invalid;
        var userIds = request.UserIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (await CheckAsync(db, id, userIds, request.OrganizationRoleIds!, ct) is { } problem) return problem;
        await InsertWithEventsAsync(db, id, userIds, request.OrganizationRoleIds!, ct);
        return TypedResults.Created();
    }

    private static async Task<Results<Ok<List<OrganizationRoleResponse>>, ProblemHttpResult>> List(string id, string userId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckAsync(db, id, [userId], [], ct) is { } problem) return problem;
        var roles = await db.Roles.AsNoTracking()
            .Where(r => db.MemberRoles.Any(m => m.OrganizationId == id && m.UserId == userId && m.RoleId == r.Id))
            .OrderBy(r => r.Name).ToListAsync(ct);
        return TypedResults.Ok(roles.Select(OrganizationRoleResponse.From).ToList());
    }

    /// <summary>The member holds exactly these roles (an empty list: none). 204, as Logto.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Replace(string id, string userId, OrganizationRoleIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.OrganizationRoleIds, "organizationRoleIds", allowEmpty: true) is { } invalid) return invalid;
        var roleIds = request.OrganizationRoleIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (await CheckAsync(db, id, [userId], roleIds, ct) is { } problem) return problem;
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            var removed = await db.MemberRoles.Where(m => m.OrganizationId == id && m.UserId == userId && !roleIds.Contains(m.RoleId)).ExecuteDeleteAsync(ct);
            var added = await InsertAsync(db, id, [userId], roleIds, ct);
            if (removed > 0 || added.Length > 0) await MembershipEvents.AddAsync(db, id, [userId], MembershipChanges.RolesChanged, ct);
        }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created, ProblemHttpResult>> Add(string id, string userId, OrganizationRoleIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.OrganizationRoleIds, "organizationRoleIds", allowEmpty: false) is { } invalid) return invalid;
        if (await CheckAsync(db, id, [userId], request.OrganizationRoleIds!, ct) is { } problem) return problem;
        await InsertWithEventsAsync(db, id, [userId], request.OrganizationRoleIds!, ct);
        return TypedResults.Created();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string userId, string organizationRoleId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckAsync(db, id, [userId], [], ct) is { } problem) return problem;
        return await MembershipEvents.InTransactionAsync(db, async ct =>
            {
                if (await db.MemberRoles.Where(m => m.OrganizationId == id && m.UserId == userId && m.RoleId == organizationRoleId).ExecuteDeleteAsync(ct) == 0)
                    return PlatformProblems.Create(404, "entity.not_found", "The member does not hold this role.");
                await MembershipEvents.AddAsync(db, id, [userId], MembershipChanges.RolesChanged, ct);
                return null;
            }, ct) is { } notHeld ? notHeld : TypedResults.NoContent();
    }

    /// <summary>The organization scopes the member's roles grant, each once.</summary>
    private static async Task<Results<Ok<List<OrganizationScopeResponse>>, ProblemHttpResult>> Scopes(string id, string userId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckAsync(db, id, [userId], [], ct) is { } problem) return problem;
        var scopes = await MemberScopes(db, id, userId).OrderBy(s => s.Name).ToListAsync(ct);
        return TypedResults.Ok(scopes.Select(OrganizationScopeResponse.From).ToList());
    }

    /// <summary>The scopes a member's roles grant (also what signin puts in organization tokens).</summary>
    internal static IQueryable<OrganizationScope> MemberScopes(OrganizationDbContext db, string organizationId, string userId) =>
        db.Scopes.AsNoTracking().Where(s => db.RoleScopes.Any(rs => rs.ScopeId == s.Id
            && db.MemberRoles.Any(m => m.OrganizationId == organizationId && m.UserId == userId && m.RoleId == rs.RoleId)));

    /// <summary>Each member's roles in one organization, for the member lists.</summary>
    internal static async Task<ILookup<string, OrganizationRoleSummary>> RolesOfMembersAsync(OrganizationDbContext db, string organizationId, string[] userIds, CancellationToken ct) =>
        (await db.MemberRoles.AsNoTracking().Where(m => m.OrganizationId == organizationId && userIds.Contains(m.UserId))
            .Join(db.Roles, m => m.RoleId, r => r.Id, (m, r) => new { m.UserId, r.Id, r.Name })
            .OrderBy(x => x.Name).ToListAsync(ct)).ToLookup(x => x.UserId, x => new OrganizationRoleSummary(x.Id, x.Name));

    /// <summary>One user's roles in each organization, for the user's organization list and signin's memberships.</summary>
    internal static async Task<ILookup<string, OrganizationRoleSummary>> RolesOfUserAsync(OrganizationDbContext db, string userId, CancellationToken ct) =>
        (await db.MemberRoles.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Roles, m => m.RoleId, r => r.Id, (m, r) => new { m.OrganizationId, r.Id, r.Name })
            .OrderBy(x => x.Name).ToListAsync(ct)).ToLookup(x => x.OrganizationId, x => new OrganizationRoleSummary(x.Id, x.Name));

    /// <summary>The organization exists (404), the users are members (Logto's 422 <c>organization.require_membership</c>),
    /// the roles exist (422 <c>entity.relation_foreign_key_not_found</c>) and are user roles (422 <c>entity.db_constraint_violated</c>).</summary>
    private static async Task<ProblemHttpResult?> CheckAsync(OrganizationDbContext db, string organizationId, string[] userIds, string[] roleIds, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, ct)) return OrganizationErrors.NotFound(organizationId);
        var members = await db.Members.Where(m => m.OrganizationId == organizationId && userIds.Contains(m.UserId)).CountAsync(ct);
        if (members != userIds.Length)
            return PlatformProblems.Create(422, "organization.require_membership", "The user must be a member of the organization to proceed.");
        return await UserRolesProblemAsync(db, roleIds, ct);
    }

    /// <summary>The roles exist (422 <c>entity.relation_foreign_key_not_found</c>) and are user roles (422 <c>entity.db_constraint_violated</c>).</summary>
    internal static Task<ProblemHttpResult?> UserRolesProblemAsync(OrganizationDbContext db, string[] roleIds, CancellationToken ct) =>
        RolesOfTypeProblemAsync(db, roleIds, OrganizationRoleTypes.User, ct);

    /// <summary>The roles exist (422 <c>entity.relation_foreign_key_not_found</c>) and are of <paramref name="type"/> (422 <c>entity.db_constraint_violated</c>).</summary>
    internal static async Task<ProblemHttpResult?> RolesOfTypeProblemAsync(OrganizationDbContext db, string[] roleIds, string type, CancellationToken ct)
    {
        if (roleIds.Length == 0) return null;
        var roles = await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).Select(r => new { r.Id, r.Type }).ToListAsync(ct);
        if (roleIds.Except(roles.Select(r => r.Id), StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
            return TemplateRules.UnknownIds("organizationRoleIds", unknown);
        if (roles.Where(r => r.Type != type).Select(r => r.Id).ToList() is { Count: > 0 } otherType)
            return TemplateRules.RoleTypeMismatch(type, otherType);
        return null;
    }

    /// <summary>
    /// One statement; roles held are kept. Joined with the memberships and roles as they are now, so a member removed or
    /// a role deleted since the checks is simply skipped instead of failing on a foreign key.
    /// </summary>
    /// <returns>The users who gained a role.</returns>
    internal static async Task<string[]> InsertAsync(OrganizationDbContext db, string organizationId, string[] userIds, string[] roleIds, CancellationToken ct) =>
        roleIds.Length == 0 ? [] : [.. (await db.Database.SqlQuery<string>($"""
            INSERT INTO organization_user_roles (organization_id, user_id, role_id)
            SELECT m.organization_id, m.user_id, r.id FROM organization_users m CROSS JOIN organization_roles r
            WHERE m.organization_id = {organizationId} AND m.user_id = ANY({userIds}) AND r.id = ANY({roleIds})
            ON CONFLICT DO NOTHING
            RETURNING user_id AS "Value"
            """).ToArrayAsync(ct)).Distinct(StringComparer.Ordinal)];

    /// <summary>Inserts the roles and, in the same transaction, one <c>RolesChanged</c> per member who gained one.</summary>
    private static Task InsertWithEventsAsync(OrganizationDbContext db, string organizationId, string[] userIds, string[] roleIds, CancellationToken ct) =>
        TemplateRules.InTransactionAsync(db, async ct =>
            await MembershipEvents.AddAsync(db, organizationId, await InsertAsync(db, organizationId, userIds, roleIds, ct), MembershipChanges.RolesChanged, ct), ct);
}
