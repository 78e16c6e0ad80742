using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Template;

public sealed record CreateOrganizationScopeRequest(string? Name, string? Description);

/// <summary>An organization scope as Logto shows it; <c>description</c> written even when null.</summary>
public sealed record OrganizationScopeResponse(string TenantId, string Id, string Name, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Description)
{
    public static OrganizationScopeResponse From(OrganizationScope s) => new(OrganizationResponse.DefaultTenantId, s.Id, s.Name, s.Description);
}

/// <summary>Logto's <c>/api/organization-scopes</c>: the permissions of the organization template, names unique.</summary>
public static class OrganizationScopesApi
{
    public static IEndpointRouteBuilder MapOrganizationScopesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organization-scopes").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization scopes");
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        return app;
    }

    private static async Task<Results<Created<OrganizationScopeResponse>, ProblemHttpResult>> Create(
        CreateOrganizationScopeRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if ((TemplateRules.ValidateName(request.Name) ?? TemplateRules.ValidateDescription(request.Description)) is { } invalid) return invalid;
        var scope = new OrganizationScope { Id = OrganizationIds.New(), Name = request.Name!.Trim(), Description = request.Description, CreatedAt = clock.GetUtcNow() };
        db.Scopes.Add(scope);
        if (await TemplateRules.SaveUniqueAsync(db, ct) is { } taken) return taken;
        return TypedResults.Created($"/api/organization-scopes/{scope.Id}", OrganizationScopeResponse.From(scope));
    }

    private static async Task<Results<Ok<List<OrganizationScopeResponse>>, ProblemHttpResult>> List(
        [FromQuery] string? q, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize, OrganizationDbContext db, HttpResponse response, CancellationToken ct)
    {
        var scopes = await TemplateRules.PageAsync(db.Scopes.AsNoTracking(),
            pattern => s => EF.Functions.ILike(s.Name, pattern, "\\") || EF.Functions.ILike(s.Id, pattern, "\\"), s => s.Name, q, page, pageSize, response, ct);
        return scopes is null ? TemplateRules.BadPaging() : TypedResults.Ok(scopes.Select(OrganizationScopeResponse.From).ToList());
    }

    private static async Task<Results<Ok<OrganizationScopeResponse>, ProblemHttpResult>> Get(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Scopes.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } scope
            ? TypedResults.Ok(OrganizationScopeResponse.From(scope))
            : TemplateRules.NotFound("organization_scopes", id);

    private static async Task<Results<Ok<OrganizationScopeResponse>, ProblemHttpResult>> Update(string id, JsonElement body, OrganizationDbContext db, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return OrganizationErrors.InvalidInput("The body must be a JSON object.");
        if (await db.Scopes.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } scope) return TemplateRules.NotFound("organization_scopes", id);
        foreach (var property in body.EnumerateObject())
        {
            if (!TemplateRules.TryApplyNameOrDescription(scope, property))
                return OrganizationErrors.InvalidInput($"Invalid or unknown property '{property.Name}'.");
        }
        if (await TemplateRules.SaveUniqueAsync(db, ct) is { } taken) return taken;
        return TypedResults.Ok(OrganizationScopeResponse.From(scope));
    }

    /// <summary>Roles stop granting the scope (foreign key, cascade).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Scopes.Where(s => s.Id == id).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : TemplateRules.NotFound("organization_scopes", id);
}
