using System.Globalization;
using Auth.Platform.Organization.Data;
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
        if (await InsertAsync(db, id, userIds, clock.GetUtcNow(), ct) is { } problem) return problem;
        return TypedResults.Created();
    }

    /// <summary>Makes the member list exactly <c>userIds</c> (an empty list removes everyone), in one transaction. 204, as Logto.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Replace(string id, OrganizationUsersRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (ValidateUserIds(request.UserIds, allowEmpty: true) is { } invalid) return invalid;
        var userIds = request.UserIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        if (await UnknownUsersAsync(db, userIds, ct) is { Count: > 0 } unknown) return OrganizationErrors.UnknownUsers(unknown);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync<Results<NoContent, ProblemHttpResult>>(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Members.Where(m => m.OrganizationId == id && !userIds.Contains(m.UserId)).ExecuteDeleteAsync(ct);
            if (await InsertAsync(db, id, userIds, clock.GetUtcNow(), ct) is { } problem) return problem;
            await transaction.CommitAsync(ct);
            return TypedResults.NoContent();
        }, ct);
    }

    private static async Task<Results<Ok<List<OrganizationMemberResponse>>, ProblemHttpResult>> List(
        string id, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, OrganizationDbContext db, HttpResponse response, CancellationToken ct)
    {
        if (ManagementOrganizationsApi.Paging(page, pageSize) is not var (p, size))
            return OrganizationErrors.InvalidInput($"page must be >= 1 and page_size between 1 and {ManagementOrganizationsApi.MaxPageSize}.");
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        var query = db.Members.AsNoTracking().Where(m => m.OrganizationId == id);
        var total = await query.CountAsync(ct);
        var members = await query.OrderBy(m => m.CreatedAt).ThenBy(m => m.UserId).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        response.Headers["Total-Number"] = total.ToString(CultureInfo.InvariantCulture);
        var roles = await OrganizationMemberRolesApi.RolesOfMembersAsync(db, id, [.. members.Select(m => m.UserId)], ct);
        return TypedResults.Ok(members.Select(m => new OrganizationMemberResponse(m.UserId, [.. roles[m.UserId]], m.CreatedAt.ToUnixTimeMilliseconds())).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string userId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await db.Members.Where(m => m.OrganizationId == id && m.UserId == userId).ExecuteDeleteAsync(ct) > 0) return TypedResults.NoContent();
        return await db.Organizations.AnyAsync(o => o.Id == id, ct) ? OrganizationErrors.NotAMember() : OrganizationErrors.NotFound(id);
    }

    /// <summary>The user's organizations, each with the user's organization roles in it, as Logto lists them.</summary>
    private static async Task<Results<Ok<List<OrganizationResponse>>, ProblemHttpResult>> UserOrganizations(string userId, OrganizationDbContext db, CancellationToken ct)
    {
        var organizations = await db.Members.AsNoTracking().Where(m => m.UserId == userId)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => o)
            .OrderBy(o => o.Name).ThenBy(o => o.Id).ToListAsync(ct);
        if (organizations.Count == 0 && !await db.DirectoryUsers.AnyAsync(u => u.UserId == userId, ct)) return OrganizationErrors.UserNotFound();
        var roles = await OrganizationMemberRolesApi.RolesOfUserAsync(db, userId, ct);
        return TypedResults.Ok(organizations.Select(o => OrganizationResponse.From(o) with { OrganizationRoles = [.. roles[o.Id]] }).ToList());
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
    internal static async Task<ProblemHttpResult?> InsertAsync(OrganizationDbContext db, string organizationId, string[] userIds, DateTimeOffset now, CancellationToken ct)
    {
        if (userIds.Length == 0) return null;
        try
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO organization_users (organization_id, user_id, created_at)
                SELECT {organizationId}, u, {now} FROM unnest({userIds}) AS u
                ON CONFLICT DO NOTHING
                """, ct);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return e.ConstraintName == "fk_organization_users_organizations"
                ? OrganizationErrors.NotFound(organizationId)
                : OrganizationErrors.UnknownUsers(await UnknownUsersAsync(db, userIds, ct));
        }
    }
}
