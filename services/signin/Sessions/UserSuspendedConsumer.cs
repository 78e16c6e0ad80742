using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Signin.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// account suspended a user: end every session of that user (with back-channel logout) and revoke all of the user's
/// grants, so no refresh token outlives the suspension even if the user is unsuspended later. Sign-in, refresh and token
/// exchange also check the flag themselves; this removes what already exists.
/// </summary>
public sealed class UserSuspendedConsumer(SigninDbContext db, SessionService sessions) : IdempotentConsumer<UserSuspended, SigninDbContext>(db)
{
    protected override async Task HandleAsync(UserSuspended message, CancellationToken cancellationToken)
    {
        var ended = await Db.Sessions.Where(s => s.UserId == message.UserId).ToListAsync(cancellationToken);
        await sessions.StageEndAsync(ended, SessionEndReasons.UserSuspended, revokeAllGrantsOf: message.UserId, cancellationToken);
    }
}
