using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Signin.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// The user changed their password in the Account API: end every session of theirs but the one that made the change (with
/// back-channel logout) and revoke every grant (refresh tokens included, <c>offline_access</c> or not) outside that session,
/// so whoever knew the old password loses what it gave them.
/// </summary>
public sealed class UserPasswordChangedConsumer(SigninDbContext db, SessionService sessions) : IdempotentConsumer<UserPasswordChanged, SigninDbContext>(db)
{
    protected override async Task HandleAsync(UserPasswordChanged message, CancellationToken cancellationToken)
    {
        var all = await Db.Sessions.Where(s => s.UserId == message.UserId).ToListAsync(cancellationToken);
        var current = message.KeepAuthorizationId is { } id ? all.FirstOrDefault(s => s.AuthorizationIds.Contains(id)) : null;
        List<string> kept = current is not null ? [.. current.AuthorizationIds] : message.KeepAuthorizationId is { } only ? [only] : [];
        await sessions.StageEndAsync([.. all.Where(s => s != current)], SessionEndReasons.PasswordChanged, revokeAllGrantsOf: null, cancellationToken);
        await Db.Set<OpenIddictEntityFrameworkCoreToken>()
            .Where(t => t.Subject == message.UserId && t.Status != Statuses.Revoked && t.Status != Statuses.Redeemed
                && (t.Authorization == null || !kept.Contains(t.Authorization.Id!)))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, Statuses.Revoked), cancellationToken);
        await Db.Set<OpenIddictEntityFrameworkCoreAuthorization>()
            .Where(a => a.Subject == message.UserId && a.Status == Statuses.Valid && !kept.Contains(a.Id!))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, Statuses.Revoked), cancellationToken);
    }
}
