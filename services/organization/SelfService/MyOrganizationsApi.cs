using System.Text.Json;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.SelfService;

public sealed record CreateMyOrganizationRequest(string? Name, string? Description);
public sealed record OrganizationSettingsResponse(string OrganizationCreation, string? OwnerOrganizationRoleId);

/// <summary>
/// Users create organizations themselves (issue 14 pt 8; beyond Logto): <c>POST|GET /api/my-account/organizations</c>
/// with the user's own token, allowed by the tenant setting <c>organizationCreation</c> (<c>Off</c> by default, <c>Users</c>),
/// which an administrator reads and changes at <c>GET|PATCH /api/organization-settings</c> (Management API).
/// </summary>
public static class MyOrganizationsApi
{
    public static IEndpointRouteBuilder MapMyOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/api/my-account/organizations").RequireAuthorization(UserTokenAuthentication.Policy).WithTags("My organizations");
        mine.MapPost("/", Create);
        mine.MapGet("/", List);
        var settings = app.MapGroup("/api/organization-settings").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization settings");
        settings.MapGet("/", GetSettings);
        settings.MapPatch("/", UpdateSettings);
        return app;
    }

    /// <summary>
    /// The creator becomes a member holding the owner role (when one is set), in one transaction with the organization and
    /// its <c>OrganizationMembershipChanged</c>. 403 <c>organization.creation_disabled</c> while the setting is <c>Off</c>.
    /// </summary>
    private static async Task<Results<Created<OrganizationResponse>, ProblemHttpResult>> Create(CreateMyOrganizationRequest request, HttpContext http,
        OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (ManagementOrganizationsApi.ValidateName(request.Name) is { } badName) return badName;
        if (request.Description is { Length: > 256 }) return OrganizationErrors.InvalidInput("description must be at most 256 characters.");
        var settings = await ReadAsync(db, ct);
        if (settings.OrganizationCreation != OrganizationCreationModes.Users)
            return PlatformProblems.Create(403, "organization.creation_disabled", "Users may not create organizations on this tenant.");
        var userId = http.User.FindFirst("sub")!.Value;
        if (!await db.DirectoryUsers.AnyAsync(u => u.UserId == userId, ct)) return OrganizationErrors.UserNotFound();
        var now = clock.GetUtcNow();
        var organization = new OrganizationEntity { Id = OrganizationIds.New(), Name = request.Name!.Trim(), Description = request.Description, CreatedAt = now };
        string[] ownerRoles = settings.OwnerRoleId is { } owner ? [owner] : [];
        if (await MembershipEvents.InTransactionAsync(db, async ct =>
            {
                db.Organizations.Add(organization);
                await db.SaveChangesAsync(ct);
                var (added, problem) = await OrganizationMembersApi.InsertAsync(db, organization.Id, [userId], now, ct);
                if (problem is not null) return problem;
                await OrganizationMemberRolesApi.InsertAsync(db, organization.Id, added, ownerRoles, ct);
                await MembershipEvents.AddAsync(db, organization.Id, added, MembershipChanges.Added, ct);
                return null;
            }, ct) is { } failed) return failed;
        var roles = await OrganizationMemberRolesApi.RolesOfUserAsync(db, userId, ct);
        return TypedResults.Created($"/api/organizations/{organization.Id}", OrganizationResponse.From(organization) with { OrganizationRoles = [.. roles[organization.Id]] });
    }

    /// <summary>The signed-in user's organizations, each with their roles in it.</summary>
    private static async Task<Ok<List<OrganizationResponse>>> List(HttpContext http, OrganizationDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await OrganizationMembersApi.OrganizationsOfUserAsync(db, http.User.FindFirst("sub")!.Value, ct));

    private static async Task<Ok<OrganizationSettingsResponse>> GetSettings(OrganizationDbContext db, CancellationToken ct) =>
        TypedResults.Ok(Response(await ReadAsync(db, ct)));

    /// <summary><c>organizationCreation</c> (<c>Off</c>|<c>Users</c>) and <c>ownerOrganizationRoleId</c> (a User role, or null for none).</summary>
    private static async Task<Results<Ok<OrganizationSettingsResponse>, ProblemHttpResult>> UpdateSettings(JsonElement body, OrganizationDbContext db, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object) return OrganizationErrors.InvalidInput("The body must be a JSON object.");
        var settings = await db.Settings.FirstOrDefaultAsync(ct) ?? db.Settings.Add(new OrganizationCreationSettings()).Entity;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "organizationCreation" when value.ValueKind == JsonValueKind.String && OrganizationCreationModes.All.Contains(value.GetString(), StringComparer.Ordinal):
                    settings.OrganizationCreation = value.GetString()!;
                    break;
                case "ownerOrganizationRoleId" when value.ValueKind == JsonValueKind.Null:
                    settings.OwnerRoleId = null;
                    break;
                case "ownerOrganizationRoleId" when value.ValueKind == JsonValueKind.String:
                    if (await OrganizationMemberRolesApi.UserRolesProblemAsync(db, [value.GetString()!], ct) is { } badRole) return badRole;
                    settings.OwnerRoleId = value.GetString();
                    break;
                default:
                    return OrganizationErrors.InvalidInput($"Invalid or unknown property '{property.Name}'.");
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first-time PATCHes raced to insert the row, or the role went meanwhile: the client may retry.
            return PlatformProblems.Create(409, "request.conflict", "The settings changed concurrently; retry.");
        }
        return TypedResults.Ok(Response(settings));
    }

    private static async Task<OrganizationCreationSettings> ReadAsync(OrganizationDbContext db, CancellationToken ct) =>
        await db.Settings.AsNoTracking().FirstOrDefaultAsync(ct) ?? new OrganizationCreationSettings();

    private static OrganizationSettingsResponse Response(OrganizationCreationSettings s) => new(s.OrganizationCreation, s.OwnerRoleId);
}
