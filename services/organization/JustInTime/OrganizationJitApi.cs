using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.Organizations;
using Auth.Platform.Organization.Template;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.JustInTime;

public sealed record JitEmailDomainRequest(string? EmailDomain);
public sealed record JitEmailDomainsRequest(string[]? EmailDomains);
public sealed record JitEmailDomainResponse(string TenantId, string OrganizationId, string EmailDomain);

/// <summary>
/// Logto's just-in-time provisioning settings of an organization: <c>/api/organizations/{id}/jit/email-domains</c> and
/// <c>…/jit/roles</c> (the default roles). Provisioning itself happens when a user registers (<see cref="JitProvisioning"/>).
/// </summary>
public static class OrganizationJitApi
{
    private const int MaxDomain = 253;

    public static IEndpointRouteBuilder MapOrganizationJitApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organizations/{id}/jit").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization just-in-time provisioning");
        group.MapGet("/email-domains", ListDomains);
        group.MapPost("/email-domains", AddDomain);
        group.MapPut("/email-domains", ReplaceDomains);
        group.MapDelete("/email-domains/{emailDomain}", RemoveDomain);
        group.MapGet("/roles", ListRoles);
        group.MapPost("/roles", AddRoles);
        group.MapPut("/roles", ReplaceRoles);
        group.MapDelete("/roles/{organizationRoleId}", RemoveRole);
        return app;
    }

    private static async Task<Results<Ok<List<JitEmailDomainResponse>>, ProblemHttpResult>> ListDomains(string id, OrganizationDbContext db, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        var domains = await db.JitEmailDomains.AsNoTracking().Where(d => d.OrganizationId == id).OrderBy(d => d.EmailDomain).ToListAsync(ct);
        return TypedResults.Ok(domains.Select(d => new JitEmailDomainResponse(OrganizationResponse.DefaultTenantId, id, d.EmailDomain)).ToList());
    }

    private static async Task<Results<Created<JitEmailDomainResponse>, ProblemHttpResult>> AddDomain(string id, JitEmailDomainRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (NormalizeDomain(request.EmailDomain) is not { } domain) return OrganizationErrors.InvalidInput("emailDomain must be a domain name such as example.com.");
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        db.JitEmailDomains.Add(new OrganizationJitEmailDomain { OrganizationId = id, EmailDomain = domain });
        if (await TemplateRules.SaveUniqueAsync(db, ct) is { } taken) return taken;
        return TypedResults.Created($"/api/organizations/{id}/jit/email-domains", new JitEmailDomainResponse(OrganizationResponse.DefaultTenantId, id, domain));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReplaceDomains(string id, JitEmailDomainsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(request.EmailDomains, "emailDomains", allowEmpty: true) is { } invalid) return invalid;
        var domains = request.EmailDomains!.Select(NormalizeDomain).ToArray();
        if (domains.Any(d => d is null)) return OrganizationErrors.InvalidInput("emailDomains must be domain names such as example.com.");
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            await db.JitEmailDomains.Where(d => d.OrganizationId == id).ExecuteDeleteAsync(ct);
            db.JitEmailDomains.AddRange(domains.Distinct().Select(d => new OrganizationJitEmailDomain { OrganizationId = id, EmailDomain = d! }));
            await db.SaveChangesAsync(ct);
        }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveDomain(string id, string emailDomain, OrganizationDbContext db, CancellationToken ct)
    {
        var domain = emailDomain.Trim().ToLowerInvariant();
        return await RemovedAsync(db, id, await db.JitEmailDomains.Where(d => d.OrganizationId == id && d.EmailDomain == domain).ExecuteDeleteAsync(ct),
            "The organization has no such just-in-time email domain.", ct);
    }

    private static async Task<Results<Ok<List<OrganizationRoleResponse>>, ProblemHttpResult>> ListRoles(string id, OrganizationDbContext db, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        var roles = await db.Roles.AsNoTracking().Where(r => db.JitRoles.Any(j => j.OrganizationId == id && j.RoleId == r.Id)).OrderBy(r => r.Name).ToListAsync(ct);
        return TypedResults.Ok(roles.Select(OrganizationRoleResponse.From).ToList());
    }

    private static async Task<Results<Created, ProblemHttpResult>> AddRoles(string id, OrganizationRoleIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckRolesAsync(db, id, request.OrganizationRoleIds, allowEmpty: false, ct) is { } problem) return problem;
        await InsertRolesAsync(db, id, request.OrganizationRoleIds!, ct);
        return TypedResults.Created();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReplaceRoles(string id, OrganizationRoleIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckRolesAsync(db, id, request.OrganizationRoleIds, allowEmpty: true, ct) is { } problem) return problem;
        var roleIds = request.OrganizationRoleIds!;
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            await db.JitRoles.Where(j => j.OrganizationId == id && !roleIds.Contains(j.RoleId)).ExecuteDeleteAsync(ct);
            await InsertRolesAsync(db, id, roleIds, ct);
        }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveRole(string id, string organizationRoleId, OrganizationDbContext db, CancellationToken ct) =>
        await RemovedAsync(db, id, await db.JitRoles.Where(j => j.OrganizationId == id && j.RoleId == organizationRoleId).ExecuteDeleteAsync(ct),
            "The role is not a just-in-time default role of the organization.", ct);

    /// <summary>204 when a row went; otherwise 404 <c>entity.not_found</c> (<paramref name="notListed"/>), or the organization's own 404.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RemovedAsync(OrganizationDbContext db, string id, int deleted, string notListed, CancellationToken ct)
    {
        if (deleted > 0) return TypedResults.NoContent();
        return await db.Organizations.AnyAsync(o => o.Id == id, ct) ? PlatformProblems.Create(404, "entity.not_found", notListed) : OrganizationErrors.NotFound(id);
    }

    private static async Task<ProblemHttpResult?> CheckRolesAsync(OrganizationDbContext db, string id, string[]? roleIds, bool allowEmpty, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(roleIds, "organizationRoleIds", allowEmpty) is { } invalid) return invalid;
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        return await OrganizationMemberRolesApi.UserRolesProblemAsync(db, [.. roleIds!.Distinct(StringComparer.Ordinal)], ct);
    }

    private static Task InsertRolesAsync(OrganizationDbContext db, string organizationId, string[] roleIds, CancellationToken ct) =>
        roleIds.Length == 0 ? Task.CompletedTask : db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO organization_jit_roles (organization_id, role_id)
            SELECT {organizationId}, r.id FROM organization_roles r WHERE r.id = ANY({roleIds})
            ON CONFLICT DO NOTHING
            """, ct);

    /// <summary>A domain name (IDN allowed), lower-cased, at least one dot, no <c>@</c>.</summary>
    internal static string? NormalizeDomain(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var domain = value.Trim().ToLowerInvariant();
        return domain.Length <= MaxDomain && domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.')
               && Uri.CheckHostName(domain) == UriHostNameType.Dns ? domain : null;
    }
}

/// <summary>
/// Email-domain just-in-time provisioning (Logto's): a new user whose verified primary email is in an organization's
/// just-in-time domains joins it with its default roles. Runs in the <c>UserRegistered</c> consumer's transaction, so a
/// redelivered event provisions nothing twice. Account sets a primary email only once verified, so having one is the proof.
/// </summary>
public static class JitProvisioning
{
    public static async Task ProvisionAsync(OrganizationDbContext db, string userId, string email, DateTimeOffset now, CancellationToken ct)
    {
        var at = email.LastIndexOf('@');
        if (at < 0) return;
        var domain = email[(at + 1)..].ToLowerInvariant();
        var organizationIds = await db.JitEmailDomains.Where(d => d.EmailDomain == domain).Select(d => d.OrganizationId).ToArrayAsync(ct);
        foreach (var organizationId in organizationIds) await AddMemberAsync(db, organizationId, userId, now, ct);
    }

    /// <summary>The user joins with the organization's default roles, announced by <c>OrganizationMembershipChanged</c> (saved by the caller).</summary>
    internal static async Task AddMemberAsync(OrganizationDbContext db, string organizationId, string userId, DateTimeOffset now, CancellationToken ct)
    {
        db.Members.Add(new OrganizationMember { OrganizationId = organizationId, UserId = userId, CreatedAt = now });
        var roleIds = await db.JitRoles.Where(j => j.OrganizationId == organizationId).Select(j => j.RoleId).ToArrayAsync(ct);
        db.MemberRoles.AddRange(roleIds.Select(r => new OrganizationMemberRole { OrganizationId = organizationId, UserId = userId, RoleId = r }));
        db.AddIntegrationEvent(new OrganizationMembershipChanged(organizationId, userId, MembershipChanges.Added, roleIds));
    }
}
