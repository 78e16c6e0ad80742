using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Organizations;
using Auth.Platform.Organization.Template;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Applications;

public sealed record OrganizationApplicationsRequest(string[]? ApplicationIds);
public sealed record AssignApplicationRolesRequest(string[]? ApplicationIds, string[]? OrganizationRoleIds);

/// <summary>
/// Machine-to-machine applications as members (Logto's <c>/api/organizations/{id}/applications[/roles]</c>): only
/// applications of type MachineToMachine, holding only roles of type MachineToMachine. A member application gets
/// organization tokens by <c>client_credentials</c> with <c>organization_id</c> (signin, <c>/internal/organizations/applications/…</c>).
/// </summary>
public static class OrganizationApplicationsApi
{
    private const string MachineToMachine = "MachineToMachine";
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapOrganizationApplicationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organizations/{id}/applications").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization applications");
        group.MapPost("/", Add);
        group.MapPut("/", Replace);
        group.MapGet("/", List);
        group.MapDelete("/{applicationId}", Remove);
        group.MapPost("/roles", AssignRoles);
        group.MapGet("/{applicationId}/roles", ListRoles);
        group.MapPut("/{applicationId}/roles", ReplaceRoles);
        group.MapPost("/{applicationId}/roles", AddRoles);
        group.MapDelete("/{applicationId}/roles/{organizationRoleId}", RemoveRole);
        return app;
    }

    /// <summary>Adding a member twice is not an error. 201 without a body, as Logto.</summary>
    private static async Task<Results<Created, ProblemHttpResult>> Add(string id, OrganizationApplicationsRequest request, OrganizationDbContext db,
        SigninApplicationsClient signin, TimeProvider clock, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.ApplicationIds, "applicationIds", allowEmpty: false) is { } invalid) return invalid;
        var applicationIds = request.ApplicationIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (await CheckApplicationsAsync(db, signin, id, applicationIds, ct) is { } problem) return problem;
        await InsertAsync(db, id, applicationIds, clock.GetUtcNow(), ct);
        return TypedResults.Created();
    }

    /// <summary>The member applications become exactly <c>applicationIds</c>, in one transaction. 204, as Logto.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Replace(string id, OrganizationApplicationsRequest request, OrganizationDbContext db,
        SigninApplicationsClient signin, TimeProvider clock, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.ApplicationIds, "applicationIds", allowEmpty: true) is { } invalid) return invalid;
        var applicationIds = request.ApplicationIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (await CheckApplicationsAsync(db, signin, id, applicationIds, ct) is { } problem) return problem;
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            await db.Applications.Where(a => a.OrganizationId == id && !applicationIds.Contains(a.ApplicationId)).ExecuteDeleteAsync(ct);
            await InsertAsync(db, id, applicationIds, clock.GetUtcNow(), ct);
        }, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Logto's application objects (from signin, without secrets), each with its <c>organizationRoles</c>; oldest membership first.</summary>
    private static async Task<Results<Ok<List<JsonObject>>, ProblemHttpResult>> List(string id, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize,
        OrganizationDbContext db, SigninApplicationsClient signin, HttpResponse response, CancellationToken ct)
    {
        if (ManagementOrganizationsApi.Paging(page, pageSize) is not var (p, size)) return TemplateRules.BadPaging();
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        var query = db.Applications.AsNoTracking().Where(a => a.OrganizationId == id);
        var total = await query.CountAsync(ct);
        var applicationIds = await query.OrderBy(a => a.CreatedAt).ThenBy(a => a.ApplicationId).Skip((p - 1) * size).Take(size).Select(a => a.ApplicationId).ToArrayAsync(ct);
        Dictionary<string, JsonObject> applications;
        try
        {
            applications = await signin.GetApplicationsAsync(applicationIds, ct);
        }
        catch (SigninUnavailableException)
        {
            return PlatformProblems.Create(503, "request.service_unavailable", "The application directory is unavailable; retry shortly.");
        }
        response.Headers["Total-Number"] = total.ToString(CultureInfo.InvariantCulture);
        var roles = (await db.ApplicationRoles.AsNoTracking().Where(r => r.OrganizationId == id && applicationIds.Contains(r.ApplicationId))
            .Join(db.Roles, r => r.RoleId, role => role.Id, (r, role) => new { r.ApplicationId, role.Id, role.Name })
            .OrderBy(x => x.Name).ToListAsync(ct)).ToLookup(x => x.ApplicationId, x => new OrganizationRoleSummary(x.Id, x.Name));
        return TypedResults.Ok(applicationIds.Where(applications.ContainsKey).Select(applicationId =>
        {
            var application = applications[applicationId];
            application["organizationRoles"] = JsonSerializer.SerializeToNode(roles[applicationId].ToArray(), JsonOptions);
            return application;
        }).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string applicationId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await db.Applications.Where(a => a.OrganizationId == id && a.ApplicationId == applicationId).ExecuteDeleteAsync(ct) > 0) return TypedResults.NoContent();
        return await db.Organizations.AnyAsync(o => o.Id == id, ct)
            ? PlatformProblems.Create(404, "entity.not_found", "The application is not a member of the organization.")
            : OrganizationErrors.NotFound(id);
    }

    /// <summary>Every listed role to every listed member application; roles held are kept. 201, as Logto.</summary>
    private static async Task<Results<Created, ProblemHttpResult>> AssignRoles(string id, AssignApplicationRolesRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if ((TemplateRules.ValidateIds(request.ApplicationIds, "applicationIds", allowEmpty: false)
            ?? TemplateRules.ValidateIds(request.OrganizationRoleIds, "organizationRoleIds", allowEmpty: false)) is { } invalid) return invalid;
        var applicationIds = request.ApplicationIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (await CheckMembersAsync(db, id, applicationIds, request.OrganizationRoleIds!, ct) is { } problem) return problem;
        await InsertRolesAsync(db, id, applicationIds, request.OrganizationRoleIds!, ct);
        return TypedResults.Created();
    }

    private static async Task<Results<Ok<List<OrganizationRoleResponse>>, ProblemHttpResult>> ListRoles(string id, string applicationId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckMembersAsync(db, id, [applicationId], [], ct) is { } problem) return problem;
        var roles = await db.Roles.AsNoTracking()
            .Where(r => db.ApplicationRoles.Any(a => a.OrganizationId == id && a.ApplicationId == applicationId && a.RoleId == r.Id))
            .OrderBy(r => r.Name).ToListAsync(ct);
        return TypedResults.Ok(roles.Select(OrganizationRoleResponse.From).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReplaceRoles(string id, string applicationId, OrganizationRoleIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.OrganizationRoleIds, "organizationRoleIds", allowEmpty: true) is { } invalid) return invalid;
        var roleIds = request.OrganizationRoleIds!.Distinct(StringComparer.Ordinal).ToArray();
        if (await CheckMembersAsync(db, id, [applicationId], roleIds, ct) is { } problem) return problem;
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            await db.ApplicationRoles.Where(a => a.OrganizationId == id && a.ApplicationId == applicationId && !roleIds.Contains(a.RoleId)).ExecuteDeleteAsync(ct);
            await InsertRolesAsync(db, id, [applicationId], roleIds, ct);
        }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created, ProblemHttpResult>> AddRoles(string id, string applicationId, OrganizationRoleIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.OrganizationRoleIds, "organizationRoleIds", allowEmpty: false) is { } invalid) return invalid;
        if (await CheckMembersAsync(db, id, [applicationId], request.OrganizationRoleIds!, ct) is { } problem) return problem;
        await InsertRolesAsync(db, id, [applicationId], request.OrganizationRoleIds!, ct);
        return TypedResults.Created();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveRole(string id, string applicationId, string organizationRoleId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckMembersAsync(db, id, [applicationId], [], ct) is { } problem) return problem;
        return await db.ApplicationRoles.Where(a => a.OrganizationId == id && a.ApplicationId == applicationId && a.RoleId == organizationRoleId).ExecuteDeleteAsync(ct) > 0
            ? TypedResults.NoContent()
            : PlatformProblems.Create(404, "entity.not_found", "The application does not hold this role.");
    }

    /// <summary>
    /// The organization exists (404), signin knows every application (422 <c>entity.relation_foreign_key_not_found</c>,
    /// <c>data.applicationIds</c>) and each is machine-to-machine (422 <c>entity.db_constraint_violated</c>, Logto's
    /// application-type check constraint).
    /// </summary>
    private static async Task<ProblemHttpResult?> CheckApplicationsAsync(OrganizationDbContext db, SigninApplicationsClient signin, string id, string[] applicationIds, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        Dictionary<string, JsonObject> known;
        try
        {
            known = await signin.GetApplicationsAsync(applicationIds, ct);
        }
        catch (SigninUnavailableException)
        {
            return PlatformProblems.Create(503, "request.service_unavailable", "The application directory is unavailable; retry shortly.");
        }
        if (applicationIds.Where(a => !known.ContainsKey(a)).ToList() is { Count: > 0 } unknown)
            return PlatformProblems.Create(422, "entity.relation_foreign_key_not_found", "Some applications do not exist.", new { applicationIds = unknown });
        if (applicationIds.Where(a => known[a]["type"]?.GetValue<string>() != MachineToMachine).ToList() is { Count: > 0 } notMachines)
            return PlatformProblems.Create(422, "entity.db_constraint_violated", "Only machine-to-machine applications can be organization members.", new { applicationIds = notMachines });
        return null;
    }

    /// <summary>The organization exists, the applications are members (422 <c>organization.require_membership</c>) and the roles are MachineToMachine roles.</summary>
    private static async Task<ProblemHttpResult?> CheckMembersAsync(OrganizationDbContext db, string id, string[] applicationIds, string[] roleIds, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        if (await db.Applications.CountAsync(a => a.OrganizationId == id && applicationIds.Contains(a.ApplicationId), ct) != applicationIds.Length)
            return PlatformProblems.Create(422, "organization.require_membership", "The application must be a member of the organization to proceed.");
        return await OrganizationMemberRolesApi.RolesOfTypeProblemAsync(db, [.. roleIds.Distinct(StringComparer.Ordinal)], OrganizationRoleTypes.MachineToMachine, ct);
    }

    /// <summary>One statement, memberships held kept; an organization deleted since the check is a foreign-key no-op via the join.</summary>
    private static Task InsertAsync(OrganizationDbContext db, string organizationId, string[] applicationIds, DateTimeOffset now, CancellationToken ct) =>
        applicationIds.Length == 0 ? Task.CompletedTask : db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO organization_applications (organization_id, application_id, created_at)
            SELECT o.id, a, {now} FROM organizations o CROSS JOIN unnest({applicationIds}) AS a WHERE o.id = {organizationId}
            ON CONFLICT DO NOTHING
            """, ct);

    private static Task InsertRolesAsync(OrganizationDbContext db, string organizationId, string[] applicationIds, string[] roleIds, CancellationToken ct) =>
        roleIds.Length == 0 ? Task.CompletedTask : db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO organization_application_roles (organization_id, application_id, role_id)
            SELECT m.organization_id, m.application_id, r.id FROM organization_applications m CROSS JOIN organization_roles r
            WHERE m.organization_id = {organizationId} AND m.application_id = ANY({applicationIds}) AND r.id = ANY({roleIds})
            ON CONFLICT DO NOTHING
            """, ct);
}
