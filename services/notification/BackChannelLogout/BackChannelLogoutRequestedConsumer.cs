using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Notification.Data;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.Notification.BackChannelLogout;

/// <summary>
/// Persists the delivery (the POST itself happens in <see cref="BackChannelLogoutDispatcher"/>, so a slow or dead
/// receiver never holds a broker message and a notification restart loses nothing). Idempotent twice over: the inbox
/// by MessageId, and the row by DeliveryId for a republish with another MessageId.
/// </summary>
public sealed class BackChannelLogoutRequestedConsumer(NotificationDbContext db, BackChannelLogoutSignal signal)
    : IdempotentConsumer<BackChannelLogoutRequested, NotificationDbContext>(db)
{
    protected override async Task HandleAsync(BackChannelLogoutRequested message, CancellationToken cancellationToken)
    {
        if (await Db.BackChannelLogoutDeliveries.AnyAsync(d => d.Id == message.DeliveryId, cancellationToken)) return;
        var now = DateTimeOffset.UtcNow;
        Db.BackChannelLogoutDeliveries.Add(new BackChannelLogoutDelivery
        {
            Id = message.DeliveryId, ClientId = message.ClientId, Uri = message.Uri, LogoutToken = message.LogoutToken,
            Status = BackChannelLogoutStatus.Pending, CreatedAt = now, ExpiresAt = message.ExpiresAt, NextAttemptAt = now,
        });
        signal.Notify();
    }
}
