using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Notification.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Recipients;

/// <summary>Adds the new user's addresses; the inbox makes a redelivered event a no-op.</summary>
public sealed class UserRegisteredConsumer(NotificationDbContext db) : IdempotentConsumer<UserRegistered, NotificationDbContext>(db)
{
    protected override async Task HandleAsync(UserRegistered message, CancellationToken cancellationToken)
    {
        // Even a different event for the same user (a republish with a new id) must not violate the primary key.
        if (await Db.Recipients.AnyAsync(r => r.UserId == message.UserId, cancellationToken)) return;
        Db.Recipients.Add(new Recipient
        {
            UserId = message.UserId,
            Email = message.PrimaryEmail,
            Phone = message.PrimaryPhone,
            CreatedAt = DateTimeOffset.UtcNow,
        });
    }
}

/// <summary>
/// Purges the user's addresses, the one-time codes sent to them and the delivery log of those addresses (the log keeps
/// the recipient and the text, which would outlive the account otherwise).
/// </summary>
public sealed class UserDeletedConsumer(NotificationDbContext db) : IdempotentConsumer<UserDeleted, NotificationDbContext>(db)
{
    protected override async Task HandleAsync(UserDeleted message, CancellationToken cancellationToken)
    {
        if (await Db.Recipients.FirstOrDefaultAsync(r => r.UserId == message.UserId, cancellationToken) is not { } recipient) return;
        string[] addresses = [.. new[] { recipient.Email, recipient.Phone }.OfType<string>()];
        if (addresses.Length > 0)
        {
            await Db.VerificationCodes.Where(c => addresses.Contains(c.Recipient)).ExecuteDeleteAsync(cancellationToken);
            await Db.Deliveries.Where(d => addresses.Contains(d.Recipient)).ExecuteDeleteAsync(cancellationToken);
        }
        Db.Recipients.Remove(recipient);
    }
}
