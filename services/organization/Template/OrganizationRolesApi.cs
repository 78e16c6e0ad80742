using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Template;

public sealed record CreateOrganizationRoleRequest(string? Name, string? Description, string? Type, string[]? OrganizationScopeIds, string[]? ResourceScopeIds);
public sealed record OrganizationScopeIdsRequest(string[]? OrganizationScopeIds);
public sealed record RoleScopeSummary(string Id, string Name);

/// <summary>An organization role as Logto shows it; the list adds the scopes it grants.</summary>
public sealed record OrganizationRoleResponse(string TenantId, string Id, string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Description, string Type,
    RoleScopeSummary[]? Scopes = null, RoleScopeSummary[]? ResourceScopes = null)
{
    public static OrganizationRoleResponse From(OrganizationRole r) => new(OrganizationResponse.DefaultTenantId, r.Id, r.Name, r.Description, r.Type);
}

/// <summary>
/// Logto's <c>/api/organization-roles</c>: the roles of the organization template, names unique, of type <c>User</c> or
/// <c>MachineToMachine</c>, each granting organization scopes. API resources (and so resource scopes) do not exist on this
/// platform yet: a role grants none, and naming one is the answer for any scope that does not exist.
/// </summary>
public static class OrganizationRolesApi
{
    public static IEndpointRouteBuilder MapOrganizationRolesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organization-roles").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization roles");
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        group.MapGet("/{id}/scopes", ListScopes);
        group.MapPut("/{id}/scopes", ReplaceScopes);
        group.MapPost("/{id}/scopes", AddScopes);
        group.MapDelete("/{id}/scopes/{organizationScopeId}", RemoveScope);
        return app;
    }

    private static async Task<Results<Created<OrganizationRoleResponse>, ProblemHttpResult>> Create(
        CreateOrganizationRoleRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if ((TemplateRules.ValidateName(request.Name) ?? TemplateRules.ValidateDescription(request.Description)) is { } invalid) return invalid;
        if (request.Type is not null && !OrganizationRoleTypes.All.Contains(request.Type, StringComparer.Ordinal))
            return OrganizationErrors.InvalidInput($"type must be one of {string.Join(", ", OrganizationRoleTypes.All)}.");
        var scopeIds = request.OrganizationScopeIds ?? [];
        if (TemplateRules.ValidateIds(scopeIds, "organizationScopeIds", allowEmpty: true) is { } badIds) return badIds;
        if (request.ResourceScopeIds is { Length: > 0 } resourceScopeIds) return TemplateRules.UnknownIds("resourceScopeIds", resourceScopeIds);
        if (await UnknownScopeIdsAsync(db, scopeIds, ct) is { Count: > 0 } unknown) return TemplateRules.UnknownIds("organizationScopeIds", unknown);
        var role = new OrganizationRole
        {
            Id = OrganizationIds.New(), Name = request.Name!.Trim(), Description = request.Description,
            Type = request.Type ?? OrganizationRoleTypes.User, CreatedAt = clock.GetUtcNow(),
        };
        db.Roles.Add(role);
        db.RoleScopes.AddRange(scopeIds.Distinct(StringComparer.Ordinal).Select(s => new OrganizationRoleScope { RoleId = role.Id, ScopeId = s }));
        if (await TemplateRules.SaveUniqueAsync(db, ct) is { } taken) return taken;
        return TypedResults.Created($"/api/organization-roles/{role.Id}", OrganizationRoleResponse.From(role));
    }

    /// <summary>With the scopes each role grants, as Logto's list.</summary>
    private static async Task<Results<Ok<List<OrganizationRoleResponse>>, ProblemHttpResult>> List(
        [FromQuery] string? q, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, OrganizationDbContext db, HttpResponse response, CancellationToken ct)
    {
        var roles = await TemplateRules.PageAsync(db.Roles.AsNoTracking(),
            pattern => r => EF.Functions.ILike(r.Name, pattern, "\\") || EF.Functions.ILike(r.Id, pattern, "\\"), r => r.Name, q, page, pageSize, response, ct);
        if (roles is null) return TemplateRules.BadPaging();
        var scopes = await ScopesOfRolesAsync(db, [.. roles.Select(r => r.Id)], ct);
        return TypedResults.Ok(roles.Select(r => OrganizationRoleResponse.From(r) with
        {
            Scopes = [.. scopes.Where(s => s.RoleId == r.Id).Select(s => new RoleScopeSummary(s.Scope.Id, s.Scope.Name))],
            ResourceScopes = [],
        }).ToList());
    }

    private static async Task<Results<Ok<OrganizationRoleResponse>, ProblemHttpResult>> Get(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Roles.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } role
            ? TypedResults.Ok(OrganizationRoleResponse.From(role))
            : TemplateRules.NotFound("organization_roles", id);

    /// <summary>
    /// <c>name</c>, <c>description</c>; <c>type</c> too while nobody holds the role (a member would otherwise hold a role
    /// of the other kind).
    /// </summary>
    private static async Task<Results<Ok<OrganizationRoleResponse>, ProblemHttpResult>> Update(string id, JsonElement body, OrganizationDbContext db, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return OrganizationErrors.InvalidInput("The body must be a JSON object.");
        if (await db.Roles.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } role) return TemplateRules.NotFound("organization_roles", id);
        foreach (var property in body.EnumerateObject())
        {
            if (TemplateRules.TryApplyNameOrDescription(role, property)) continue;
            var value = property.Value;
            if (property.Name != "type" || value.ValueKind != JsonValueKind.String || !OrganizationRoleTypes.All.Contains(value.GetString(), StringComparer.Ordinal))
                return OrganizationErrors.InvalidInput($"Invalid or unknown property '{property.Name}'.");
            if (value.GetString() != role.Type && (await db.MemberRoles.AnyAsync(m => m.RoleId == id, ct) || await db.ApplicationRoles.AnyAsync(m => m.RoleId == id, ct)))
                return TemplateRules.RoleTypeMismatch(role.Type, [id]);
            role.Type = value.GetString()!;
        }
        if (await TemplateRules.SaveUniqueAsync(db, ct) is { } taken) return taken;
        return TypedResults.Ok(OrganizationRoleResponse.From(role));
    }

    /// <summary>Members stop holding the role and it stops granting its scopes (foreign keys, cascade).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Roles.Where(r => r.Id == id).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : TemplateRules.NotFound("organization_roles", id);

    private static async Task<Results<Ok<List<OrganizationScopeResponse>>, ProblemHttpResult>> ListScopes(
        string id, [FromQuery] string? q, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, OrganizationDbContext db, HttpResponse response, CancellationToken ct)
    {
        if (!await db.Roles.AnyAsync(r => r.Id == id, ct)) return TemplateRules.NotFound("organization_roles", id);
        var granted = db.Scopes.AsNoTracking().Where(s => db.RoleScopes.Any(rs => rs.RoleId == id && rs.ScopeId == s.Id));
        var scopes = await TemplateRules.PageAsync(granted,
            pattern => s => EF.Functions.ILike(s.Name, pattern, "\\") || EF.Functions.ILike(s.Id, pattern, "\\"), s => s.Name, q, page, pageSize, response, ct);
        return scopes is null ? TemplateRules.BadPaging() : TypedResults.Ok(scopes.Select(OrganizationScopeResponse.From).ToList());
    }

    /// <summary>The role grants exactly these scopes (an empty list: none). 204, as Logto.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> ReplaceScopes(string id, OrganizationScopeIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckScopeIdsAsync(db, id, request.OrganizationScopeIds, allowEmpty: true, ct) is { } problem) return problem;
        var scopeIds = request.OrganizationScopeIds!.Distinct(StringComparer.Ordinal).ToArray();
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            await db.RoleScopes.Where(rs => rs.RoleId == id && !scopeIds.Contains(rs.ScopeId)).ExecuteDeleteAsync(ct);
            await InsertScopesAsync(db, id, scopeIds, ct);
        }, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Adds scopes; one the role already grants is not an error. 201 without a body, as Logto.</summary>
    private static async Task<Results<Created, ProblemHttpResult>> AddScopes(string id, OrganizationScopeIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckScopeIdsAsync(db, id, request.OrganizationScopeIds, allowEmpty: false, ct) is { } problem) return problem;
        await InsertScopesAsync(db, id, [.. request.OrganizationScopeIds!.Distinct(StringComparer.Ordinal)], ct);
        return TypedResults.Created();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveScope(string id, string organizationScopeId, OrganizationDbContext db, CancellationToken ct)
    {
        if (await db.RoleScopes.Where(rs => rs.RoleId == id && rs.ScopeId == organizationScopeId).ExecuteDeleteAsync(ct) > 0) return TypedResults.NoContent();
        return await db.Roles.AnyAsync(r => r.Id == id, ct)
            ? PlatformProblems.Create(404, "entity.not_found", "The role does not grant this scope.")
            : TemplateRules.NotFound("organization_roles", id);
    }

    private static async Task<ProblemHttpResult?> CheckScopeIdsAsync(OrganizationDbContext db, string roleId, string[]? scopeIds, bool allowEmpty, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(scopeIds, "organizationScopeIds", allowEmpty) is { } invalid) return invalid;
        if (!await db.Roles.AnyAsync(r => r.Id == roleId, ct)) return TemplateRules.NotFound("organization_roles", roleId);
        return await UnknownScopeIdsAsync(db, scopeIds!, ct) is { Count: > 0 } unknown ? TemplateRules.UnknownIds("organizationScopeIds", unknown) : null;
    }

    /// <summary>One statement, existing grants kept; a scope deleted meanwhile simply is not granted (join, not a foreign key error).</summary>
    private static Task InsertScopesAsync(OrganizationDbContext db, string roleId, string[] scopeIds, CancellationToken ct) =>
        scopeIds.Length == 0 ? Task.CompletedTask : db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO organization_role_scopes (role_id, scope_id)
            SELECT {roleId}, s.id FROM organization_scopes s WHERE s.id = ANY({scopeIds})
            ON CONFLICT DO NOTHING
            """, ct);

    internal static async Task<List<string>> UnknownScopeIdsAsync(OrganizationDbContext db, string[] scopeIds, CancellationToken ct)
    {
        if (scopeIds.Length == 0) return [];
        var known = await db.Scopes.Where(s => scopeIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        return [.. scopeIds.Except(known, StringComparer.Ordinal)];
    }

    private static async Task<List<(string RoleId, OrganizationScope Scope)>> ScopesOfRolesAsync(OrganizationDbContext db, string[] roleIds, CancellationToken ct) =>
        [.. (await db.RoleScopes.AsNoTracking().Where(rs => roleIds.Contains(rs.RoleId))
            .Join(db.Scopes, rs => rs.ScopeId, s => s.Id, (rs, s) => new { rs.RoleId, Scope = s })
            .OrderBy(x => x.Scope.Name).ToListAsync(ct)).Select(x => (x.RoleId, x.Scope))];
}
