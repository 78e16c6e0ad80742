using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Applications;
using Auth.Platform.Signin.Connectors;
using Auth.Platform.Signin.Consent;
using Auth.Platform.Signin.Data;
using Auth.Platform.Signin.Experience;
using Auth.Platform.Signin.Keys;
using Auth.Platform.Signin.Notifications;
using Auth.Platform.Signin.Mfa;
using Auth.Platform.Signin.Oidc;
using Auth.Platform.Signin.Organizations;
using Auth.Platform.Signin.Sessions;
using Auth.Platform.Signin.SignInExperience;

namespace Auth.Platform.Signin;

public static class SigninServiceExtensions
{
    public static IHostApplicationBuilder AddSigninServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformDbContext<SigninDbContext>("signindb");
        builder.AddPlatformMessaging<SigninDbContext>("signin", x =>
        {
            x.AddConsumer<UserDeletedConsumer>();
            x.AddConsumer<UserSuspendedConsumer>();
            x.AddConsumer<UserPasswordChangedConsumer>();
        });
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString("redis")))
            throw new InvalidOperationException("ConnectionStrings:redis is not configured.");
        // Not aborting on a failed first connect: start even if Redis is briefly away; commands fail (and are retried by
        // callers) until it is back.
        builder.AddRedisClient("redis", configureOptions: options => options.AbortOnConnectFail = false);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServerKeys();
        builder.AddOidcServer();
        builder.AddAccountClient();
        builder.AddNotificationClient();
        builder.AddMfaClient();
        builder.AddOrganizationClient();
        builder.AddSsoConnectorClient();
        builder.AddApplicationsApi();
        builder.AddSessionsApi();
        builder.AddConsent();
        builder.AddSignInExperience();
        builder.AddPasswordPolicyInternalApi();
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddSingleton<BackChannelLogoutTokens>();
        // The sign-out confirmation form (Data Protection keys are shared by replicas through signindb).
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "_logout_xsrf");
        builder.Services.AddSingleton<InteractionStore>();
        builder.Services.AddSingleton<Sentinel>();
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Schema, then keys: OpenIddict's options read the key ring, so it must be loaded before the first request.</summary>
    public static async Task<bool> InitializeSigninAsync(this WebApplication app, string[] args)
    {
        if (await app.MigrateDatabaseAsync<SigninDbContext>(args)) return true;
        await app.InitializeServerKeysAsync();
        return false;
    }
}
