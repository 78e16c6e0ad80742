using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.SsoConnector.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddPlatformDbContext<SsoConnectorDbContext>("ssoconnectordb");
builder.AddPlatformMessaging<SsoConnectorDbContext>("ssoconnector");

var app = builder.Build();
if (await app.MigrateDatabaseAsync<SsoConnectorDbContext>(args)) return;
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.Run();
