using System.Globalization;
using System.Text.Json;
using Auth.Platform.Organization.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Organizations;

public sealed record CreateOrganizationRequest(string? Name, string? Description, JsonElement? CustomData, bool? IsMfaRequired, JsonElement? Branding);

/// <summary>
/// Logto's Management API for organizations (<c>/api/organizations</c>), for tokens of the Management API resource with
/// scope <c>all</c>. Logto has no end-user "create organization" endpoint: the integrator's backend calls this.
/// </summary>
public static class ManagementOrganizationsApi
{
    internal const int DefaultPageSize = 20;
    internal const int MaxPageSize = 100;
    private const int MaxName = 128;
    private const int MaxDescription = 256;
    private static readonly string[] BrandingKeys = ["logoUrl", "darkLogoUrl", "favicon", "darkFavicon"];

    public static IEndpointRouteBuilder MapManagementOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organizations").RequireAuthorization(PlatformPolicies.Management).WithTags("Organizations");
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        return app;
    }

    private static async Task<Results<Created<OrganizationResponse>, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (ValidateName(request.Name) is { } badName) return badName;
        if (ValidateDescription(request.Description) is { } badDescription) return badDescription;
        if (request.CustomData is { ValueKind: not JsonValueKind.Object }) return OrganizationErrors.InvalidInput("customData must be a JSON object.");
        if (request.Branding is { } branding && ValidateBranding(branding) is { } badBranding) return badBranding;
        var organization = new OrganizationEntity
        {
            Id = OrganizationIds.New(),
            Name = request.Name!.Trim(),
            Description = request.Description,
            CustomData = request.CustomData?.GetRawText() ?? "{}",
            IsMfaRequired = request.IsMfaRequired ?? false,
            Branding = request.Branding?.GetRawText() ?? "{}",
            CreatedAt = clock.GetUtcNow(),
        };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/organizations/{organization.Id}", OrganizationResponse.From(organization));
    }

    /// <summary>
    /// Newest first, like Logto; <c>q</c> matches the id, name or description (case-insensitive substring). The total
    /// goes in the <c>Total-Number</c> header, as in the users list.
    /// </summary>
    private static async Task<Results<Ok<List<OrganizationResponse>>, ProblemHttpResult>> List(
        [FromQuery] string? q, [FromQuery] int? page, [FromQuery(Name = "page_size")] int? pageSize,
        OrganizationDbContext db, HttpResponse response, CancellationToken ct)
    {
        if (Paging(page, pageSize) is not var (p, size)) return OrganizationErrors.InvalidInput($"page must be >= 1 and page_size between 1 and {MaxPageSize}.");
        var query = db.Organizations.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + EscapeLike(q.Trim()) + "%";
            query = query.Where(o => EF.Functions.ILike(o.Name, pattern, "\\") || EF.Functions.ILike(o.Id, pattern, "\\")
                || (o.Description != null && EF.Functions.ILike(o.Description, pattern, "\\")));
        }
        var total = await query.CountAsync(ct);
        var organizations = await query.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        response.Headers["Total-Number"] = total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(organizations.Select(o => OrganizationResponse.From(o)).ToList());
    }

    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Get(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct) is { } o
            ? TypedResults.Ok(OrganizationResponse.From(o))
            : OrganizationErrors.NotFound(id);

    /// <summary>Only the properties present change; <c>customData</c> and <c>branding</c> are replaced whole (Logto's PATCH).</summary>
    private static async Task<Results<Ok<OrganizationResponse>, ProblemHttpResult>> Update(string id, JsonElement body, OrganizationDbContext db, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return OrganizationErrors.InvalidInput("The body must be a JSON object.");
        if (await db.Organizations.FirstOrDefaultAsync(o => o.Id == id, ct) is not { } organization) return OrganizationErrors.NotFound(id);
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "name":
                    if (value.ValueKind != JsonValueKind.String || ValidateName(value.GetString()) is not null) return OrganizationErrors.InvalidInput($"name must be 1 to {MaxName} characters.");
                    organization.Name = value.GetString()!.Trim();
                    break;
                case "description":
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return OrganizationErrors.InvalidInput("description must be a string or null.");
                    if (ValidateDescription(value.GetString()) is { } bad) return bad;
                    organization.Description = value.GetString();
                    break;
                case "customData":
                    if (value.ValueKind != JsonValueKind.Object) return OrganizationErrors.InvalidInput("customData must be a JSON object.");
                    organization.CustomData = value.GetRawText();
                    break;
                case "isMfaRequired":
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return OrganizationErrors.InvalidInput("isMfaRequired must be a boolean.");
                    organization.IsMfaRequired = value.GetBoolean();
                    break;
                case "branding":
                    if (ValidateBranding(value) is { } badBranding) return badBranding;
                    organization.Branding = value.GetRawText();
                    break;
                default:
                    return OrganizationErrors.InvalidInput($"Unknown property '{property.Name}'.");
            }
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(OrganizationResponse.From(organization));
    }

    /// <summary>Memberships go with the organization (foreign key, cascade).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Organizations.Where(o => o.Id == id).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : OrganizationErrors.NotFound(id);

    internal static (int Page, int Size)? Paging(int? page, int? pageSize)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        return p < 1 || size < 1 || size > MaxPageSize ? null : (p, size);
    }

    internal static ProblemHttpResult? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxName ? OrganizationErrors.InvalidInput($"name must be 1 to {MaxName} characters.") : null;

    private static ProblemHttpResult? ValidateDescription(string? description) =>
        description is { Length: > MaxDescription } ? OrganizationErrors.InvalidInput($"description must be at most {MaxDescription} characters.") : null;

    /// <summary>Logto's organization branding: logos and favicons (light and dark), each an absolute http(s) URL.</summary>
    private static ProblemHttpResult? ValidateBranding(JsonElement branding)
    {
        if (branding.ValueKind != JsonValueKind.Object) return OrganizationErrors.InvalidInput("branding must be a JSON object.");
        foreach (var property in branding.EnumerateObject())
        {
            if (!BrandingKeys.Contains(property.Name, StringComparer.Ordinal))
                return OrganizationErrors.InvalidInput($"branding.{property.Name} is not one of {string.Join(", ", BrandingKeys)}.");
            if (property.Value.ValueKind != JsonValueKind.String || !IsAbsoluteUrl(property.Value.GetString()!))
                return OrganizationErrors.InvalidInput($"branding.{property.Name} must be an absolute URL.");
        }
        return null;
    }

    private static bool IsAbsoluteUrl(string value) =>
        value.Length <= 2048 && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";

    internal static string EscapeLike(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
