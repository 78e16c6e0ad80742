using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Notification.BackChannelLogout;
using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Recipients;
using Auth.Platform.Notification.VerificationCodes;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddNotificationServices();

var app = builder.Build();
if (await app.MigrateDatabaseAsync<NotificationDbContext>(args)) return;
app.UsePlatformDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapRecipientsApi();
app.MapVerificationCodesApi();
app.MapBackChannelLogoutApi();
app.Run();
