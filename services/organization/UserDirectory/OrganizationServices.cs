using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Organization.Data;

namespace Auth.Platform.Organization.UserDirectory;

public static class OrganizationServices
{
    public static IHostApplicationBuilder AddOrganizationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddPlatformDbContext<OrganizationDbContext>("organizationdb");
        builder.AddPlatformMessaging<OrganizationDbContext>("organization", x =>
        {
            x.AddConsumer<UserRegisteredConsumer>();
            x.AddConsumer<UserDeletedConsumer>();
            x.AddConsumer<UserIdentifiersChangedConsumer>();
        });
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
