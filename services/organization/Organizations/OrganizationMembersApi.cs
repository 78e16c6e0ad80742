using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.UserDirectory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Auth.Platform.Organization.Organizations;

public sealed record OrganizationUsersRequest(string[]? UserIds);

/// <summary>
/// Memberships (Logto's <c>/api/organizations/{id}/users</c> and <c>/api/users/{userId}/organizations</c>). A user can
/// only become a member once the organization service's directory replica has seen account's <c>UserRegistered</c>.
/// </summary>
public static class OrganizationMembersApi
{
    private const int MaxUserIdsPerRequest = 100;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapOrganizationMembersApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/organizations/{id}/users").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization members");
        members.MapPost("/", Add);
        members.MapPut("/", Replace);
        members.MapGet("/", List);
        members.MapDelete("/{userId}", Remove);
        // Routed here by the gateway although /api/users is account's prefix: memberships are this service's data.
        app.MapGroup("/api/users/{userId}/organizations").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization members")
            .MapGet("/", UserOrganizations);
        return app;
    }

    /// <summary>Adding a member twice is not an error (Logto inserts with "on conflict do nothing"). 201 without a body, as Logto.</summary>
    private static async Task<Results<Created, ProblemHttpResult>> Add(string id, OrganizationUsersRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (ValidateUserIds(request.UserIds, allowEmpty: false) is { } invalid) return invalid;
        var userIds = request.UserIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        if (await UnknownUsersAsync(db, userIds, ct) is { Count: > 0 } unknown) return OrganizationErrors.UnknownUsers(unknown);
        if (await MembershipEvents.InTransactionAsync(db, async ct =>
            {
                var (added, problem) = await InsertAsync(db, id, userIds, clock.GetUtcNow(), ct);
                if (problem is null) await MembershipEvents.AddAsync(db, id, added, MembershipChanges.Added, ct);
                return problem;
            }, ct) is { } problem) return problem;
        return TypedResults.Created();
    }

    /// <summary>Makes the member list exactly <c>userIds</c> (an empty list removes everyone), in one transaction. 204, as Logto.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Replace(string id, OrganizationUsersRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (ValidateUserIds(request.UserIds, allowEmpty: true) is { } invalid) return invalid;
        var userIds = request.UserIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        if (await UnknownUsersAsync(db, userIds, ct) is { Count: > 0 } unknown) return OrganizationErrors.UnknownUsers(unknown);
        if (await MembershipEvents.InTransactionAsync(db, async ct =>
            {
                var removed = await db.Database.SqlQuery<string>($"""
                    DELETE FROM organization_users WHERE organization_id = {id} AND NOT (user_id = ANY({userIds})) RETURNING user_id AS "Value"
                    """).ToListAsync(ct);
                await MembershipEvents.AddAsync(db, id, removed, MembershipChanges.Removed, ct);
                var (added, problem) = await InsertAsync(db, id, userIds, clock.GetUtcNow(), ct);
                if (problem is null) await MembershipEvents.AddAsync(db, id, added, MembershipChanges.Added, ct);
                return problem;
            }, ct) is { } problem) return problem;
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Logto's user objects (read from account now, so a changed email or name shows at once), each with the member's
    /// <c>organizationRoles</c>; oldest membership first. A member account no longer knows (deleted, its event still in
    /// flight) is left out of the page.
    /// </summary>
    private static async Task<Results<Ok<List<JsonObject>>, ProblemHttpResult>> List(
        string id, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, OrganizationDbContext db, AccountUsersClient account,
        HttpResponse response, CancellationToken ct)
    {
        if (ManagementOrganizationsApi.Paging(page, pageSize) is not var (p, size))
            return OrganizationErrors.InvalidInput($"page must be >= 1 and page_size between 1 and {ManagementOrganizationsApi.MaxPageSize}.");
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        var query = db.Members.AsNoTracking().Where(m => m.OrganizationId == id);
        var total = await query.CountAsync(ct);
        var userIds = await query.OrderBy(m => m.CreatedAt).ThenBy(m => m.UserId).Skip((p - 1) * size).Take(size).Select(m => m.UserId).ToArrayAsync(ct);
        Dictionary<string, JsonObject> users;
        try
        {
            users = await account.GetUsersAsync(userIds, ct);
        }
        catch (AccountUnavailableException)
        {
            return OrganizationErrors.DirectoryUnavailable();
        }
        response.Headers["Total-Number"] = total.ToString(CultureInfo.InvariantCulture);
        var roles = await OrganizationMemberRolesApi.RolesOfMembersAsync(db, id, userIds, ct);
        return TypedResults.Ok(userIds.Where(users.ContainsKey).Select(userId =>
        {
            var user = users[userId];
            user["organizationRoles"] = JsonSerializer.SerializeToNode(roles[userId].ToArray(), JsonOptions);
            return user;
        }).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string userId, OrganizationDbContext db, CancellationToken ct)
    {
        var notMember = await MembershipEvents.InTransactionAsync(db, async ct =>
        {
            if (await db.Members.Where(m => m.OrganizationId == id && m.UserId == userId).ExecuteDeleteAsync(ct) == 0) return OrganizationErrors.NotAMember();
            await MembershipEvents.AddAsync(db, id, [userId], MembershipChanges.Removed, ct);
            return null;
        }, ct);
        if (notMember is null) return TypedResults.NoContent();
        return await db.Organizations.AnyAsync(o => o.Id == id, ct) ? notMember : OrganizationErrors.NotFound(id);
    }

    /// <summary>The user's organizations, each with the user's organization roles in it, as Logto lists them.</summary>
    private static async Task<Results<Ok<List<OrganizationResponse>>, ProblemHttpResult>> UserOrganizations(string userId, OrganizationDbContext db, CancellationToken ct)
    {
        var organizations = await OrganizationsOfUserAsync(db, userId, ct);
        if (organizations.Count == 0 && !await db.DirectoryUsers.AnyAsync(u => u.UserId == userId, ct)) return OrganizationErrors.UserNotFound();
        return TypedResults.Ok(organizations);
    }

    /// <summary>The user's organizations by name, each with the user's roles in it (also <c>GET /api/my-account/organizations</c>).</summary>
    internal static async Task<List<OrganizationResponse>> OrganizationsOfUserAsync(OrganizationDbContext db, string userId, CancellationToken ct)
    {
        var organizations = await db.Members.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => o)
            .OrderBy(o => o.Name).ThenBy(o => o.Id).ToListAsync(ct);
        var roles = await OrganizationMemberRolesApi.RolesOfUserAsync(db, userId, ct);
        return [.. organizations.Select(o => OrganizationResponse.From(o) with { OrganizationRoles = [.. roles[o.Id]] })];
    }

    private static ProblemHttpResult? ValidateUserIds(string[]? userIds, bool allowEmpty)
    {
        if (userIds is null) return OrganizationErrors.InvalidInput("userIds is required.");
        if (userIds.Length == 0 && !allowEmpty) return OrganizationErrors.InvalidInput("userIds must not be empty.");
        if (userIds.Length > MaxUserIdsPerRequest) return OrganizationErrors.InvalidInput($"At most {MaxUserIdsPerRequest} userIds per request.");
        if (userIds.Any(string.IsNullOrWhiteSpace)) return OrganizationErrors.InvalidInput("userIds must be non-empty strings.");
        return null;
    }

    private static async Task<List<string>> UnknownUsersAsync(OrganizationDbContext db, string[] userIds, CancellationToken ct)
    {
        var known = await db.DirectoryUsers.Where(u => userIds.Contains(u.UserId)).Select(u => u.UserId).ToListAsync(ct);
        return [.. userIds.Except(known, StringComparer.Ordinal)];
    }

    /// <summary>
    /// One statement, existing memberships kept (no unique-violation race between two adds). The foreign keys still
    /// guard what the checks above read: an organization or user deleted meanwhile is a 404 or 422, not a 500.
    /// </summary>
    internal static async Task<(string[] Added, ProblemHttpResult? Problem)> InsertAsync(OrganizationDbContext db, string organizationId, string[] userIds, DateTimeOffset now, CancellationToken ct)
    {
        if (userIds.Length == 0) return ([], null);
        try
        {
            var added = await db.Database.SqlQuery<string>($"""
                INSERT INTO organization_users (organization_id, user_id, created_at)
                SELECT {organizationId}, u, {now} FROM unnest({userIds}) AS u
                ON CONFLICT DO NOTHING
                RETURNING user_id AS "Value"
                """).ToArrayAsync(ct);
            return (added, null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            if (e.ConstraintName == "fk_organization_users_organizations") return ([], OrganizationErrors.NotFound(organizationId));
            // Inside a transaction the failed statement aborted it: no further query can say which ids are unknown.
            return ([], OrganizationErrors.UnknownUsers(db.Database.CurrentTransaction is null ? await UnknownUsersAsync(db, userIds, ct) : userIds));
        }
    }
}
