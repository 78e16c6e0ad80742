using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Notification.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.Recipients;

/// <summary>The user's addresses become account's current ones; the inbox makes a redelivery a no-op.</summary>
public sealed class UserIdentifiersChangedConsumer(NotificationDbContext db) : IdempotentConsumer<UserIdentifiersChanged, NotificationDbContext>(db)
{
    protected override async Task HandleAsync(UserIdentifiersChanged message, CancellationToken cancellationToken)
    {
        var recipient = await Db.Recipients.FirstOrDefaultAsync(r => r.UserId == message.UserId, cancellationToken);
        if (recipient is null)
        {
            recipient = new Recipient { UserId = message.UserId, CreatedAt = DateTimeOffset.UtcNow };
            Db.Recipients.Add(recipient);
        }
        recipient.Email = message.PrimaryEmail;
        recipient.Phone = message.PrimaryPhone;
    }
}
