using Auth.Platform.Account.Data;
using Auth.Platform.Account.Identifiers;
using Auth.Platform.Account.MyAccount;
using Auth.Platform.Account.Passwords;
using Auth.Platform.Account.PersonalAccessTokens;
using Auth.Platform.Account.Verifications;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.BuildingBlocks.Persistence;

namespace Auth.Platform.Account.Users;

public static class AccountServices
{
    public static IHostApplicationBuilder AddAccountServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformJwtAuthentication();
        builder.AddMyAccountAuthentication();
        builder.AddPlatformDbContext<AccountDbContext>("accountdb");
        builder.AddPlatformMessaging<AccountDbContext>("account");
        builder.Services.AddSingleton(TimeProvider.System);
        // One hasher per process: its semaphore is what bounds Argon2's memory across all requests.
        builder.Services.AddSingleton<PasswordHasher>(_ => new PasswordHasher());
        builder.Services.AddSingleton(new PhoneNumberNormalizer(builder.Configuration[PhoneNumberNormalizer.DefaultRegionKey]));
        builder.Services.AddScoped<UserDirectory>();
        builder.Services.AddScoped<StepUp>();
        builder.Services.AddScoped<VerificationAttempts>();
        NotificationCodeClient.Register(builder);
        PasswordPolicyClient.Register(builder);
        MfaClient.Register(builder);
        builder.Services.AddScoped<Identities.UserIdentities>();
        builder.Services.AddScoped<PersonalAccessTokenStore>();
        return builder;
    }
}
