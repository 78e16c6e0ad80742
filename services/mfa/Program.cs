using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Mfa.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddPlatformDbContext<MfaDbContext>("mfadb");
builder.AddPlatformMessaging<MfaDbContext>("mfa");

var app = builder.Build();
if (await app.MigrateDatabaseAsync<MfaDbContext>(args)) return;
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.Run();
