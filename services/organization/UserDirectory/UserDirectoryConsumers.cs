using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.Invitations;
using Auth.Platform.Organization.JustInTime;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.UserDirectory;

public sealed class UserRegisteredConsumer(OrganizationDbContext db) : IdempotentConsumer<UserRegistered, OrganizationDbContext>(db)
{
    protected override async Task HandleAsync(UserRegistered message, CancellationToken cancellationToken)
    {
        if (await Db.DirectoryUsers.AnyAsync(u => u.UserId == message.UserId, cancellationToken)) return;
        var email = message.PrimaryEmail?.Trim().ToLowerInvariant();
        Db.DirectoryUsers.Add(new DirectoryUser { UserId = message.UserId, PrimaryEmail = email, CreatedAt = DateTimeOffset.UtcNow });
        if (email is not null) await JitProvisioning.ProvisionAsync(Db, message.UserId, email, DateTimeOffset.UtcNow, cancellationToken);
    }
}

public sealed class UserDeletedConsumer(OrganizationDbContext db) : IdempotentConsumer<UserDeleted, OrganizationDbContext>(db)
{
    /// <summary>
    /// The user leaves every organization (the foreign key would cascade too, this says it where it is decided), and the
    /// pending invitations to the user's address go: nobody may accept them for a deleted account. Invitations the user
    /// sent or accepted stay for the organization's history, without the user's id.
    /// </summary>
    protected override async Task HandleAsync(UserDeleted message, CancellationToken cancellationToken)
    {
        await Db.Members.Where(m => m.UserId == message.UserId).ExecuteDeleteAsync(cancellationToken);
        await Db.Invitations.Where(i => i.InviterId == message.UserId).ExecuteUpdateAsync(s => s.SetProperty(i => i.InviterId, (string?)null), cancellationToken);
        await Db.Invitations.Where(i => i.AcceptedUserId == message.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedUserId, (string?)null), cancellationToken);
        if (await Db.DirectoryUsers.FirstOrDefaultAsync(u => u.UserId == message.UserId, cancellationToken) is not { } user) return;
        if (user.PrimaryEmail is { } email)
            await Db.Invitations.Where(i => i.Invitee == email && i.Status == InvitationStatus.Pending).ExecuteDeleteAsync(cancellationToken);
        Db.DirectoryUsers.Remove(user);
    }
}
