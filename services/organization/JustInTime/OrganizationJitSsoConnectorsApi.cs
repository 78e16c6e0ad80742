using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Organizations;
using Auth.Platform.Organization.Template;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.JustInTime;

public sealed record JitSsoConnectorIdsRequest(string[]? SsoConnectorIds);
/// <summary>What organization knows of a connector: its id (sso-connector owns the rest: name, config, branding).</summary>
public sealed record JitSsoConnectorResponse(string TenantId, string Id);

/// <summary>
/// Logto's <c>/api/organizations/{id}/jit/sso-connectors</c>: the enterprise SSO connectors whose users join the
/// organization on their first sign-in through them (<see cref="SsoIdentityLinkedConsumer"/>).
/// </summary>
public static class OrganizationJitSsoConnectorsApi
{
    private const int MaxConnectorId = 128;

    public static IEndpointRouteBuilder MapOrganizationJitSsoConnectorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organizations/{id}/jit/sso-connectors").RequireAuthorization(PlatformPolicies.Management)
            .WithTags("Organization just-in-time provisioning");
        group.MapGet("", List);
        group.MapPost("", Add);
        group.MapPut("", Replace);
        group.MapDelete("/{ssoConnectorId}", Remove);
        return app;
    }

    private static async Task<Results<Ok<List<JitSsoConnectorResponse>>, ProblemHttpResult>> List(string id, OrganizationDbContext db, CancellationToken ct)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, ct)) return OrganizationErrors.NotFound(id);
        var ids = await db.JitSsoConnectors.AsNoTracking().Where(c => c.OrganizationId == id).OrderBy(c => c.SsoConnectorId).Select(c => c.SsoConnectorId).ToListAsync(ct);
        return TypedResults.Ok(ids.Select(c => new JitSsoConnectorResponse(OrganizationResponse.DefaultTenantId, c)).ToList());
    }

    private static async Task<Results<Created, ProblemHttpResult>> Add(string id, JitSsoConnectorIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckAsync(db, id, request.SsoConnectorIds, allowEmpty: false, ct) is { } problem) return problem;
        await InsertAsync(db, id, request.SsoConnectorIds!, ct);
        return TypedResults.Created();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Replace(string id, JitSsoConnectorIdsRequest request, OrganizationDbContext db, CancellationToken ct)
    {
        if (await CheckAsync(db, id, request.SsoConnectorIds, allowEmpty: true, ct) is { } problem) return problem;
        var connectorIds = request.SsoConnectorIds!;
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            await db.JitSsoConnectors.Where(c => c.OrganizationId == id && !connectorIds.Contains(c.SsoConnectorId)).ExecuteDeleteAsync(ct);
            await InsertAsync(db, id, connectorIds, ct);
        }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string ssoConnectorId, OrganizationDbContext db, CancellationToken ct) =>
        await OrganizationJitApi.RemovedAsync(db, id, await db.JitSsoConnectors.Where(c => c.OrganizationId == id && c.SsoConnectorId == ssoConnectorId).ExecuteDeleteAsync(ct),
            "The SSO connector is not a just-in-time connector of the organization.", ct);

    private static async Task<ProblemHttpResult?> CheckAsync(OrganizationDbContext db, string id, string[]? connectorIds, bool allowEmpty, CancellationToken ct)
    {
        if (TemplateRules.ValidateIds(connectorIds, "ssoConnectorIds", allowEmpty) is { } invalid) return invalid;
        if (connectorIds!.Any(c => c.Length > MaxConnectorId)) return OrganizationErrors.InvalidInput($"ssoConnectorIds are at most {MaxConnectorId} characters.");
        return await db.Organizations.AnyAsync(o => o.Id == id, ct) ? null : OrganizationErrors.NotFound(id);
    }

    private static Task InsertAsync(OrganizationDbContext db, string organizationId, string[] connectorIds, CancellationToken ct) =>
        connectorIds.Length == 0 ? Task.CompletedTask : db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO organization_jit_sso_connectors (organization_id, sso_connector_id)
            SELECT {organizationId}, c FROM unnest({connectorIds}) AS c
            ON CONFLICT DO NOTHING
            """, ct);
}

/// <summary>
/// SSO just-in-time provisioning (Logto's): account links a user's first identity through a connector (a JIT user's
/// first sign-in, or an existing user's first sign-in through it); every organization listing that connector gets the
/// user as a member with its default roles, in the consumer's transaction (idempotent with the event). An existing
/// member is left as is.
/// </summary>
public sealed class SsoIdentityLinkedConsumer(OrganizationDbContext db) : IdempotentConsumer<SsoIdentityLinked, OrganizationDbContext>(db)
{
    protected override async Task HandleAsync(SsoIdentityLinked message, CancellationToken cancellationToken)
    {
        var organizationIds = await Db.JitSsoConnectors.Where(c => c.SsoConnectorId == message.SsoConnectorId
                && !Db.Members.Any(m => m.OrganizationId == c.OrganizationId && m.UserId == message.UserId))
            .Select(c => c.OrganizationId).ToArrayAsync(cancellationToken);
        if (organizationIds.Length == 0) return;
        // A JIT user's UserRegistered travels beside this event: until it is in the replica, retry (the membership's foreign key needs it).
        if (!await Db.DirectoryUsers.AnyAsync(u => u.UserId == message.UserId, cancellationToken))
            throw new InvalidOperationException("The user is not in the directory replica yet; the message is retried.");
        var now = DateTimeOffset.UtcNow;
        foreach (var organizationId in organizationIds)
            await JitProvisioning.AddMemberAsync(Db, organizationId, message.UserId, now, cancellationToken);
    }
}
