using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Notification.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddPlatformDbContext<NotificationDbContext>("notificationdb");
builder.AddPlatformMessaging<NotificationDbContext>("notification");

var app = builder.Build();
if (await app.MigrateDatabaseAsync<NotificationDbContext>(args)) return;
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.Run();
