using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Auth.Platform.Account.MyAccount;

/// <summary>
/// The Account API is called with the user's own access token, as Logto's: issued by signin for no resource (no
/// <c>aud</c>), with the user as <c>sub</c>. It is validated locally with signin's keys like every platform token, by a
/// second JWT scheme that shares the platform scheme's key source and issuer but expects no audience.
/// </summary>
public static class MyAccountAuthentication
{
    public const string Scheme = "my-account";
    public const string Policy = "my-account";

    public static IHostApplicationBuilder AddMyAccountAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddJwtBearer(Scheme);
        // Through a fresh factory, not IOptionsMonitor: the monitor depends on this very configuration (a DI cycle).
        builder.Services.AddOptions<JwtBearerOptions>(Scheme).Configure<IServiceProvider>((options, services) =>
        {
            var platform = services.GetRequiredService<IOptionsFactory<JwtBearerOptions>>().Create(JwtBearerDefaults.AuthenticationScheme);
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            options.ConfigurationManager = platform.ConfigurationManager;
            options.TokenValidationParameters = platform.TokenValidationParameters.Clone();
            // A token for a resource (Management API, a service, an API of the customer's) is not a token for the Account API.
            options.TokenValidationParameters.ValidateAudience = false;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.FindFirst("sub") is { Value.Length: > 0 } && c.User.FindFirst("aud") is null));
        return builder;
    }
}
