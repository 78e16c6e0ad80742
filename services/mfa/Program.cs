using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Mfa.Data;
using Auth.Platform.Mfa.Factors;
using Auth.Platform.Mfa.Management;
using Auth.Platform.Mfa.Settings;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddMfaServices();

var app = builder.Build();
if (await app.MigrateDatabaseAsync<MfaDbContext>(args)) return;
app.UsePlatformDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapMfaInternalApi();
app.MapMfaSettingsInternalApi();
app.MapSignInGateApi();
app.MapManagementMfaVerificationsApi();
app.MapManagementLogtoConfigsApi();
app.Run();
