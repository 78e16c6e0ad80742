using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Signin.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddPlatformDbContext<SigninDbContext>("signindb");
builder.AddPlatformMessaging<SigninDbContext>("signin");

var app = builder.Build();
if (await app.MigrateDatabaseAsync<SigninDbContext>(args)) return;
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.Run();
