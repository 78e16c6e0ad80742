using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Account API's kind of call (account's <c>/api/my-account/*</c>, organization's <c>/api/my-account/organizations</c>):
/// the user's own access token, issued by signin for no resource (no <c>aud</c>), the user as <c>sub</c>. Validated locally
/// with signin's keys like every platform token, by a second JWT scheme that shares the platform scheme's key source and
/// issuer but expects no audience; a token for any resource is refused by the policy.
/// </summary>
public static class UserTokenAuthentication
{
    public static TBuilder AddPlatformUserTokenAuthentication<TBuilder>(this TBuilder builder, string scheme, string policy) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddAuthentication().AddJwtBearer(scheme);
        // Through a fresh factory, not IOptionsMonitor: the monitor depends on this very configuration (a DI cycle).
        builder.Services.AddOptions<JwtBearerOptions>(scheme).Configure<IServiceProvider>((options, services) =>
        {
            var platform = services.GetRequiredService<IOptionsFactory<JwtBearerOptions>>().Create(JwtBearerDefaults.AuthenticationScheme);
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            options.ConfigurationManager = platform.ConfigurationManager;
            options.TokenValidationParameters = platform.TokenValidationParameters.Clone();
            // A token for a resource (Management API, a service, an API of the customer's) is not a user's own token.
            options.TokenValidationParameters.ValidateAudience = false;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(policy, p => p
            .AddAuthenticationSchemes(scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.FindFirst("sub") is { Value.Length: > 0 } && c.User.FindFirst("aud") is null));
        return builder;
    }
}
