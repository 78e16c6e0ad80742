using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Serialization;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Organizations;
using Auth.Platform.Organization.Template;
using Auth.Platform.Organization.UserDirectory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Auth.Platform.Organization.Invitations;

public sealed record CreateInvitationRequest(string? InviterId, string? Invitee, string? OrganizationId, long? ExpiresAt,
    string[]? OrganizationRoleIds, JsonElement? MessagePayload);
public sealed record InvitationStatusRequest(string? Status, string? AcceptedUserId);

/// <summary>An invitation as Logto shows it (epoch milliseconds, nulls written), with the roles it gives.</summary>
public sealed record InvitationResponse(string TenantId, string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InviterId, string Invitee,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AcceptedUserId,
    string OrganizationId, string Status, long CreatedAt, long UpdatedAt, long ExpiresAt, OrganizationRoleSummary[] OrganizationRoles);

/// <summary>
/// Logto's <c>/api/organization-invitations</c> (state diagram in the README). The message goes out through the outbox
/// (<see cref="MemberInvited"/>, emailed by notification), so creating an invitation never waits on SMTP; a failed
/// delivery stays visible in notification's delivery log.
/// </summary>
public static class OrganizationInvitationsApi
{
    private const int MaxListed = 100;

    public static IEndpointRouteBuilder MapOrganizationInvitationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/organization-invitations").RequireAuthorization(PlatformPolicies.Management).WithTags("Organization invitations");
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/message", Resend);
        group.MapPut("/{id}/status", SetStatus);
        return app;
    }

    private static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> Create(
        CreateInvitationRequest request, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (NormalizeEmail(request.Invitee) is not { } invitee) return OrganizationErrors.InvalidInput("invitee must be an email address.");
        if (string.IsNullOrWhiteSpace(request.OrganizationId)) return OrganizationErrors.InvalidInput("organizationId is required.");
        if (request.ExpiresAt is not { } expiresAtMs || expiresAtMs <= now.ToUnixTimeMilliseconds() || expiresAtMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            return OrganizationErrors.InvalidInput("expiresAt must be a time in the future (epoch milliseconds).");
        var roleIds = (request.OrganizationRoleIds ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (TemplateRules.ValidateIds(roleIds, "organizationRoleIds", allowEmpty: true) is { } badIds) return badIds;
        var message = ReadMessage(request.MessagePayload);
        if (message.Problem is { } badMessage) return badMessage;

        if (await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == request.OrganizationId, ct) is not { } organization)
            return TemplateRules.UnknownIds("organizationId", [request.OrganizationId]);
        if (request.InviterId is { } inviterId && !await db.DirectoryUsers.AnyAsync(u => u.UserId == inviterId, ct))
            return TemplateRules.UnknownIds("inviterId", [inviterId]);
        if (await OrganizationMemberRolesApi.UserRolesProblemAsync(db, roleIds, ct) is { } badRoles) return badRoles;

        await ExpireDueAsync(db, now, ct);
        var invitation = new OrganizationInvitation
        {
            Id = OrganizationIds.New(), OrganizationId = organization.Id, Invitee = invitee, InviterId = request.InviterId,
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(expiresAtMs), CreatedAt = now, UpdatedAt = now,
        };
        db.Invitations.Add(invitation);
        db.InvitationRoles.AddRange(roleIds.Select(r => new OrganizationInvitationRole { InvitationId = invitation.Id, RoleId = r }));
        if (message.Link is { } link) db.AddIntegrationEvent(Invited(invitation, organization.Name, link, message.Locale));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return PlatformProblems.Create(422, "entity.unique_integrity_violation", "The invitee already has a pending invitation to this organization.");
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
        {
            return TemplateRules.UnknownIds("organizationRoleIds", roleIds);
        }
        return TypedResults.Created($"/api/organization-invitations/{invitation.Id}", await ResponseAsync(db, invitation, ct));
    }

    /// <summary>Newest first; at most 100. Pending invitations past their expiry are marked Expired first.</summary>
    private static async Task<Ok<List<InvitationResponse>>> List([FromQuery] string? organizationId, [FromQuery] string? inviterId, [FromQuery] string? invitee,
        OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        await ExpireDueAsync(db, clock.GetUtcNow(), ct);
        var query = db.Invitations.AsNoTracking();
        if (!string.IsNullOrEmpty(organizationId)) query = query.Where(i => i.OrganizationId == organizationId);
        if (!string.IsNullOrEmpty(inviterId)) query = query.Where(i => i.InviterId == inviterId);
        if (!string.IsNullOrEmpty(invitee)) { var email = invitee.Trim().ToLowerInvariant(); query = query.Where(i => i.Invitee == email); }
        var invitations = await query.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id).Take(MaxListed).ToListAsync(ct);
        var roles = await RolesAsync(db, [.. invitations.Select(i => i.Id)], ct);
        return TypedResults.Ok(invitations.Select(i => Response(i, roles[i.Id])).ToList());
    }

    private static async Task<Results<Ok<InvitationResponse>, ProblemHttpResult>> Get(string id, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        await ExpireDueAsync(db, clock.GetUtcNow(), ct);
        return await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } invitation
            ? TypedResults.Ok(await ResponseAsync(db, invitation, ct))
            : NotFound(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, OrganizationDbContext db, CancellationToken ct) =>
        await db.Invitations.Where(i => i.Id == id).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : NotFound(id);

    /// <summary>Sends the message again (Logto's resend) with the link given; only while the invitation is Pending.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Resend(string id, JsonElement body, OrganizationDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var message = ReadMessage(body);
        if (message.Problem is { } bad) return bad;
        if (message.Link is not { } link) return OrganizationErrors.InvalidInput("link is required.");
        await ExpireDueAsync(db, clock.GetUtcNow(), ct);
        if (await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is not { } invitation) return NotFound(id);
        if (invitation.Status != InvitationStatus.Pending) return Final(invitation.Status);
        var organizationName = await db.Organizations.Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        db.AddIntegrationEvent(Invited(invitation, organizationName, link, message.Locale));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Accept (by the user whose email is the invitee: the user becomes a member with the invitation's roles) or revoke.
    /// Only a Pending invitation changes, and only once: the update is conditional, so two concurrent answers cannot both win.
    /// </summary>
    private static async Task<Results<Ok<InvitationResponse>, ProblemHttpResult>> SetStatus(string id, InvitationStatusRequest request,
        OrganizationDbContext db, AccountUsersClient account, TimeProvider clock, CancellationToken ct)
    {
        if (request.Status is not (InvitationStatus.Accepted or InvitationStatus.Revoked))
            return OrganizationErrors.InvalidInput("status must be Accepted or Revoked.");
        if (request.Status == InvitationStatus.Accepted && string.IsNullOrWhiteSpace(request.AcceptedUserId))
            return OrganizationErrors.InvalidInput("acceptedUserId is required to accept an invitation.");
        var now = clock.GetUtcNow();
        await ExpireDueAsync(db, now, ct);
        if (await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is not { } invitation) return NotFound(id);
        if (invitation.Status != InvitationStatus.Pending) return Final(invitation.Status);
        if (request.Status == InvitationStatus.Accepted)
        {
            // The email account holds now: a copy here would still say what the user had at registration.
            string? email;
            try
            {
                email = await account.GetPrimaryEmailAsync(request.AcceptedUserId!, ct);
            }
            catch (AccountUnavailableException)
            {
                return OrganizationErrors.DirectoryUnavailable();
            }
            if (email is null || !string.Equals(email, invitation.Invitee, StringComparison.OrdinalIgnoreCase))
                return PlatformProblems.Create(422, "request.invalid_input", "The accepted user must have the invitee's email as primary email.");
        }

        var changed = false;
        await TemplateRules.InTransactionAsync(db, async ct =>
        {
            changed = await db.Invitations.Where(i => i.Id == id && i.Status == InvitationStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, request.Status).SetProperty(i => i.AcceptedUserId, request.AcceptedUserId)
                    .SetProperty(i => i.UpdatedAt, now), ct) == 1;
            if (!changed || request.Status != InvitationStatus.Accepted) return;
            var userId = request.AcceptedUserId!;
            await OrganizationMembersApi.InsertAsync(db, invitation.OrganizationId, [userId], now, ct);
            var roleIds = await db.InvitationRoles.Where(r => r.InvitationId == id).Select(r => r.RoleId).ToArrayAsync(ct);
            await OrganizationMemberRolesApi.InsertAsync(db, invitation.OrganizationId, [userId], roleIds, ct);
            var held = await db.MemberRoles.Where(m => m.OrganizationId == invitation.OrganizationId && m.UserId == userId).Select(m => m.RoleId).ToArrayAsync(ct);
            db.AddIntegrationEvent(new OrganizationMembershipChanged(invitation.OrganizationId, userId, MembershipChanges.Added, held));
            await db.SaveChangesAsync(ct);
        }, ct);
        if (!changed) return Final((await db.Invitations.AsNoTracking().FirstAsync(i => i.Id == id, ct)).Status);
        return TypedResults.Ok(await ResponseAsync(db, await db.Invitations.AsNoTracking().FirstAsync(i => i.Id == id, ct), ct));
    }

    /// <summary>Logto marks Pending invitations past their expiry as Expired before it reads or inserts.</summary>
    internal static Task ExpireDueAsync(OrganizationDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.Invitations.Where(i => i.Status == InvitationStatus.Pending && i.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvitationStatus.Expired).SetProperty(i => i.UpdatedAt, now), ct);

    private static MemberInvited Invited(OrganizationInvitation invitation, string organizationName, string link, string? locale) =>
        new(invitation.Id, invitation.OrganizationId, organizationName, invitation.Invitee, invitation.InviterId, link, locale, invitation.ExpiresAt);

    /// <summary>Logto's <c>messagePayload</c>: <c>false</c> or absent (no message), or an object with an absolute http(s) <c>link</c> and an optional <c>locale</c>.</summary>
    private static (string? Link, string? Locale, ProblemHttpResult? Problem) ReadMessage(JsonElement? payload)
    {
        if (payload is not { } p || p.ValueKind is JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined) return (null, null, null);
        if (p.ValueKind != JsonValueKind.Object) return (null, null, OrganizationErrors.InvalidInput("messagePayload must be an object or false."));
        if (!p.TryGetProperty("link", out var link) || link.ValueKind != JsonValueKind.String || !IsHttpUrl(link.GetString()!))
            return (null, null, OrganizationErrors.InvalidInput("messagePayload.link must be an absolute http(s) URL."));
        string? locale = null;
        if (p.TryGetProperty("locale", out var l))
        {
            if (l.ValueKind != JsonValueKind.String || l.GetString()!.Length > 16) return (null, null, OrganizationErrors.InvalidInput("messagePayload.locale must be a language tag."));
            locale = l.GetString();
        }
        return (link.GetString(), locale, null);
    }

    private static bool IsHttpUrl(string value) =>
        value.Length <= 2048 && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";

    private static string? NormalizeEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 254) return null;
        var trimmed = value.Trim();
        return MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed && trimmed.Contains('@') ? trimmed.ToLowerInvariant() : null;
    }

    private static ProblemHttpResult NotFound(string id) => TemplateRules.NotFound("organization_invitations", id);

    /// <summary>Accepted, Revoked and Expired are final (Logto's 422).</summary>
    private static ProblemHttpResult Final(string status) =>
        PlatformProblems.Create(422, "request.invalid_input", $"The invitation is {status}; its status cannot change anymore.", new { status });

    private static async Task<InvitationResponse> ResponseAsync(OrganizationDbContext db, OrganizationInvitation invitation, CancellationToken ct) =>
        Response(invitation, (await RolesAsync(db, [invitation.Id], ct))[invitation.Id]);

    private static InvitationResponse Response(OrganizationInvitation i, IEnumerable<OrganizationRoleSummary> roles) => new(
        OrganizationResponse.DefaultTenantId, i.Id, i.InviterId, i.Invitee, i.AcceptedUserId, i.OrganizationId, i.Status,
        i.CreatedAt.ToUnixTimeMilliseconds(), i.UpdatedAt.ToUnixTimeMilliseconds(), i.ExpiresAt.ToUnixTimeMilliseconds(), [.. roles]);

    private static async Task<ILookup<string, OrganizationRoleSummary>> RolesAsync(OrganizationDbContext db, string[] invitationIds, CancellationToken ct) =>
        (await db.InvitationRoles.AsNoTracking().Where(r => invitationIds.Contains(r.InvitationId))
            .Join(db.Roles, r => r.RoleId, role => role.Id, (r, role) => new { r.InvitationId, role.Id, role.Name })
            .OrderBy(x => x.Name).ToListAsync(ct)).ToLookup(x => x.InvitationId, x => new OrganizationRoleSummary(x.Id, x.Name));
}

public static class MembershipChanges
{
    public const string Added = "Added";
    public const string Removed = "Removed";
    public const string RolesChanged = "RolesChanged";
}
