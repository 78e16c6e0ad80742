using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Organization.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddPlatformDbContext<OrganizationDbContext>("organizationdb");
builder.AddPlatformMessaging<OrganizationDbContext>("organization");

var app = builder.Build();
if (await app.MigrateDatabaseAsync<OrganizationDbContext>(args)) return;
app.UsePlatformDefaults();
app.MapDefaultEndpoints();
app.Run();
