using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Organization.Applications;
using Auth.Platform.Organization.Data;
using Auth.Platform.Organization.SelfService;

namespace Auth.Platform.Organization.UserDirectory;

public static class OrganizationServices
{
    public static IHostApplicationBuilder AddOrganizationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddUserTokenAuthentication();
        builder.AddPlatformDbContext<OrganizationDbContext>("organizationdb");
        builder.AddPlatformMessaging<OrganizationDbContext>("organization", x =>
        {
            x.AddConsumer<UserRegisteredConsumer>();
            x.AddConsumer<UserDeletedConsumer>();
            x.AddConsumer<UserIdentifiersChangedConsumer>();
            x.AddConsumer<JustInTime.SsoIdentityLinkedConsumer>();
        });
        builder.Services.AddSingleton(TimeProvider.System);
        // Its own M2M client (ServiceClient:ClientId|ClientSecret, seeded by signin) for account's and signin's /internal/*.
        builder.AddClientCredentialsServiceTokens();
        builder.Services.AddHttpClient<AccountUsersClient>(c => c.BaseAddress = new Uri(builder.Configuration["Organization:AccountUrl"] ?? "http://account"))
            .AddHttpMessageHandler<ServiceTokenHandler>();
        builder.Services.AddHttpClient<SigninApplicationsClient>(c => c.BaseAddress = new Uri(builder.Configuration.GetSigninInternalUrl()))
            .AddHttpMessageHandler<ServiceTokenHandler>();
        return builder;
    }
}
