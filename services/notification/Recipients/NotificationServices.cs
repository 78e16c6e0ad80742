using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Notification.Data;

namespace Auth.Platform.Notification.Recipients;

public static class NotificationServices
{
    public static IHostApplicationBuilder AddNotificationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddPlatformDbContext<NotificationDbContext>("notificationdb");
        builder.AddPlatformMessaging<NotificationDbContext>("notification", x =>
        {
            x.AddConsumer<UserRegisteredConsumer>();
            x.AddConsumer<UserDeletedConsumer>();
        });
        return builder;
    }
}
