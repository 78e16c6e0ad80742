using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.ExternalAuth;
using Auth.Platform.SsoConnector.Saml;
using Microsoft.AspNetCore.DataProtection;

namespace Auth.Platform.SsoConnector;

public static class SsoConnectorServices
{
    public static IHostApplicationBuilder AddSsoConnectorServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddPlatformDbContext<SsoConnectorDbContext>("ssoconnectordb");
        builder.AddPlatformMessaging<SsoConnectorDbContext>("ssoconnector");
        // Not aborting on a failed first connect: start even if Redis is briefly away (as signin does).
        builder.AddRedisClient("redis", configureOptions: options => options.AbortOnConnectFail = false);
        builder.Services.AddDataProtection()
            // Fixed name: every replica and restart must derive the same purposes to read the stored connector secrets.
            .SetApplicationName("auth-platform-sso-connector")
            .PersistKeysToDbContext<SsoConnectorDbContext>();
        builder.Services.AddSingleton(TimeProvider.System);
        // Calls to identity providers: bounded in time, no cookies, no redirects followed (a token endpoint does not redirect).
        builder.Services.AddHttpClient(OidcMetadataCache.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        builder.Services.AddSingleton<OidcMetadataCache>();
        builder.Services.AddSingleton<ConnectorConfigVault>();
        builder.Services.AddSingleton<ConnectorSessionStore>();
        builder.Services.AddScoped<ExternalSignIn>();
        builder.Services.AddScoped<SamlServiceProvider>();
        builder.Services.AddOpenApi();
        return builder;
    }
}
