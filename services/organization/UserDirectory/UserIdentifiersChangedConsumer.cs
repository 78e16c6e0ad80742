using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Organization.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Organization.UserDirectory;

/// <summary>The directory copy's email becomes account's current one (lower-cased, as <see cref="UserRegisteredConsumer"/> stores it).</summary>
public sealed class UserIdentifiersChangedConsumer(OrganizationDbContext db) : IdempotentConsumer<UserIdentifiersChanged, OrganizationDbContext>(db)
{
    protected override async Task HandleAsync(UserIdentifiersChanged message, CancellationToken cancellationToken)
    {
        if (await Db.DirectoryUsers.FirstOrDefaultAsync(u => u.UserId == message.UserId, cancellationToken) is { } user)
            user.PrimaryEmail = message.PrimaryEmail?.Trim().ToLowerInvariant();
    }
}
