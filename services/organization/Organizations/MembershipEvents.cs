using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.Organizations;

/// <summary>
/// <c>OrganizationMembershipChanged</c> for changes made through the Management API (Logto's
/// <c>Organization.Membership.Updated</c>): written to the outbox in the caller's transaction, after the change, with the
/// roles each user holds then, so the event says exactly what was committed.
/// </summary>
internal static class MembershipEvents
{
    public static async Task AddAsync(OrganizationDbContext db, string organizationId, IReadOnlyCollection<string> userIds, string change, CancellationToken ct)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return;
        var held = (await db.MemberRoles.Where(m => m.OrganizationId == organizationId && ids.Contains(m.UserId))
            .Select(m => new { m.UserId, m.RoleId }).ToListAsync(ct)).ToLookup(x => x.UserId, x => x.RoleId);
        foreach (var userId in ids)
            db.AddIntegrationEvent(new OrganizationMembershipChanged(organizationId, userId, change, [.. held[userId].Order(StringComparer.Ordinal)]));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Runs <paramref name="work"/> (the change and its events) in one transaction, committed only when it answers no problem.</summary>
    public static Task<ProblemHttpResult?> InTransactionAsync(OrganizationDbContext db, Func<CancellationToken, Task<ProblemHttpResult?>> work, CancellationToken ct) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var problem = await work(ct);
            if (problem is null) await transaction.CommitAsync(ct);
            return problem;
        }, ct);
}
