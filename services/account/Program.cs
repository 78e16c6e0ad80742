using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Account.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddPlatformDbContext<AccountDbContext>("accountdb");
builder.AddPlatformMessaging<AccountDbContext>("account");

var app = builder.Build();
if (await app.MigrateDatabaseAsync<AccountDbContext>(args)) return;
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.Run();
