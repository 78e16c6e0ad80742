using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;
using Auth.Platform.Notification.BackChannelLogout;
using Auth.Platform.Notification.Data;
using Auth.Platform.Notification.Delivery;
using Auth.Platform.Notification.Invitations;
using Auth.Platform.Notification.VerificationCodes;

namespace Auth.Platform.Notification.Recipients;

public static class NotificationServices
{
    public static IHostApplicationBuilder AddNotificationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddPlatformDbContext<NotificationDbContext>("notificationdb");
        builder.AddPlatformMessaging<NotificationDbContext>("notification", x =>
        {
            x.AddConsumer<UserRegisteredConsumer>();
            x.AddConsumer<UserDeletedConsumer>();
            x.AddConsumer<UserIdentifiersChangedConsumer>();
            x.AddConsumer<BackChannelLogoutRequestedConsumer>();
            x.AddConsumer<MemberInvitedConsumer>();
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<VerificationCodeOptions>(builder.Configuration.GetSection("VerificationCodes"));
        builder.Services.AddHttpClient(SmsSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddScoped<EmailSender>();
        builder.Services.AddScoped<SmsSender>();
        builder.Services.AddScoped<VerificationCodeService>();
        builder.Services.AddSingleton<DeliveryProviders>();
        builder.Services.AddHttpClient(SignInExperienceChannels.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton<SignInExperienceChannels>();
        builder.Services.Configure<CodeDeliveryOptions>(builder.Configuration.GetSection("CodeDelivery"));
        builder.Services.AddSingleton<CodeDeliverySignal>();
        builder.Services.AddHostedService<CodeDeliveryDispatcher>();
        // Outside Development a channel the sign-in experience enables without a provider makes notification unready
        // (Development keeps its inbox).
        if (!builder.Environment.IsDevelopment())
            builder.Services.AddHealthChecks().AddCheck<DeliveryProvidersHealthCheck>(DeliveryProvidersHealthCheck.Name, tags: ["ready"]);
        builder.Services.AddSingleton(builder.Configuration.GetSection("BackChannelLogout").Get<BackChannelLogoutOptions>() ?? new BackChannelLogoutOptions());
        builder.Services.AddSingleton<BackChannelLogoutSignal>();
        builder.Services.AddHostedService<BackChannelLogoutDispatcher>();
        return builder;
    }
}
