using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Signin.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// account deleted a user: end every session of that user (with back-channel logout, staged in the outbox first), then
/// delete the user's grants and tokens outright (a deleted user leaves no row here, beyond the logout deliveries in flight).
/// The inbox row, the deletions and the outbox rows commit together, so a redelivery has no second effect.
/// </summary>
public sealed class UserDeletedConsumer(SigninDbContext db, SessionService sessions) : IdempotentConsumer<UserDeleted, SigninDbContext>(db)
{
    protected override async Task HandleAsync(UserDeleted message, CancellationToken cancellationToken)
    {
        var ended = await Db.Sessions.Where(s => s.UserId == message.UserId).ToListAsync(cancellationToken);
        await sessions.StageEndAsync(ended, SessionEndReasons.UserDeleted, revokeAllGrantsOf: message.UserId, cancellationToken);
        await Db.Set<SignInExperience.TermsAcceptance>().Where(t => t.UserId == message.UserId).ExecuteDeleteAsync(cancellationToken);
        // Tokens reference their authorization: tokens first.
        await Db.Set<OpenIddictEntityFrameworkCoreToken>().Where(t => t.Subject == message.UserId).ExecuteDeleteAsync(cancellationToken);
        await Db.Set<OpenIddictEntityFrameworkCoreAuthorization>().Where(a => a.Subject == message.UserId).ExecuteDeleteAsync(cancellationToken);
    }
}
