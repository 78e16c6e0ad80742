using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.SsoConnector;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.ExternalAuth;
using Auth.Platform.SsoConnector.Saml;
using Auth.Platform.SsoConnector.SsoConnectors;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformDefaults();
builder.AddSsoConnectorServices();

var app = builder.Build();
if (await app.MigrateDatabaseAsync<SsoConnectorDbContext>(args)) return;
app.UsePlatformDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapConnectorsApi();
app.MapSsoConnectorsApi();
app.MapIdpInitiatedAuthConfigApi();
app.MapSpSigningKeysApi();
app.MapSamlEndpoints();
app.MapInternalConnectorsApi();
app.Run();
