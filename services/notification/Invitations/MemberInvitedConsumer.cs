using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Delivery;

namespace Auth.Platform.Notification.Invitations;

/// <summary>
/// Queues the invitation email as a <c>pending</c> delivery (sent and retried by <see cref="CodeDeliveryDispatcher"/>
/// until the invitation expires), so a failure ends as a <c>failed</c> or <c>expired</c> row with its error, never lost.
/// The inbox makes a redelivered event a no-op; a resend is a new event and a new email.
/// </summary>
public sealed class MemberInvitedConsumer(NotificationDbContext db, CodeDeliverySignal signal, TimeProvider clock)
    : IdempotentConsumer<MemberInvited, NotificationDbContext>(db)
{
    protected override Task HandleAsync(MemberInvited message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rendered = OrganizationInvitationTemplate.Render(message.OrganizationName, message.Link, message.Locale);
        Db.Deliveries.Add(new DeliveryRecord
        {
            Channel = "email", Recipient = message.Invitee, Purpose = OrganizationInvitationTemplate.Purpose, Status = DeliveryStatus.Pending,
            Subject = rendered.Subject, Text = rendered.Text, CreatedAt = now, NextAttemptAt = now, ExpiresAt = message.ExpiresAt,
        });
        signal.Notify();
        return Task.CompletedTask;
    }
}
