using Auth.Platform.Signin.Data;
using Auth.Platform.Signin.Keys;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Oidc;

public static class OidcServerExtensions
{
    public static readonly string[] SupportedScopes =
        [Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Phone, Scopes.OfflineAccess, PlatformScopes.ManagementAll, PlatformScopes.Internal,
         Sessions.SessionsApi.SessionsScope, .. LogtoScopes.All];

    public static IHostApplicationBuilder AddOidcServer(this IHostApplicationBuilder builder)
    {
        var issuer = new Uri(builder.Configuration.GetIssuer(), UriKind.Absolute);
        builder.Services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<SigninDbContext>();
                o.ReplaceApplicationStore<OpenIddictEntityFrameworkCoreApplication, CachedApplicationStore>(ServiceLifetime.Scoped);
                o.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, FastSecretApplicationManager>();
            })
            .AddServer(o =>
            {
                o.SetIssuer(issuer);
                // Relative to the issuer's host: Logto's paths, so Logto SDKs find everything where they expect it.
                o.SetConfigurationEndpointUris("oidc/.well-known/openid-configuration")
                 .SetAuthorizationEndpointUris("oidc/auth")
                 .SetTokenEndpointUris("oidc/token")
                 .SetUserInfoEndpointUris("oidc/me")
                 .SetJsonWebKeySetEndpointUris("oidc/jwks")
                 .SetEndSessionEndpointUris("oidc/session/end")
                 .SetIntrospectionEndpointUris("oidc/token/introspection")
                 .SetRevocationEndpointUris("oidc/token/revocation");
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                o.RegisterScopes(SupportedScopes);
                o.RegisterResources(PlatformAudiences.Management, PlatformAudiences.Internal);
                o.RegisterClaims(Claims.Subject, Claims.Name, Claims.Username, Claims.Picture, Claims.UpdatedAt, Claims.Email,
                    Claims.EmailVerified, Claims.PhoneNumber, Claims.PhoneNumberVerified, Claims.AuthenticationTime, Claims.AuthenticationMethodReference, "sid",
                    LogtoClaims.CustomData, LogtoClaims.Identities, LogtoClaims.SsoIdentities, LogtoClaims.Roles, LogtoClaims.Organizations,
                    LogtoClaims.OrganizationRoles);
                // Resource servers validate access tokens themselves through JWKS, so they must be signed, not encrypted.
                o.DisableAccessTokenEncryption();
                // A redeemed refresh token presented again is a replay: with a leeway OpenIddict would accept it for that
                // long (meant for clients racing their own requests). Zero means the first replay revokes the whole chain
                // (the authorization's tokens), as RFC 9700 §4.14 asks for public clients.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.SetAccessTokenLifetime(TimeSpan.FromHours(1)).SetRefreshTokenLifetime(TimeSpan.FromDays(14))
                 .SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(1));
                o.AddEventHandler(CodeChallengeFormatCheck.Descriptor);
                o.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateCodeVerifier.Descriptor);
                o.AddEventHandler(CodeVerifierCheckThatRevokes.Descriptor);
                o.AddEventHandler(IntrospectionCallerCheck.Descriptor);
                o.AddEventHandler(ClientCredentialsGrantHandler.Descriptor);
                o.AddEventHandler(SkipClientCredentialsTokenEntry.Descriptor);
                o.AddEventHandler(RefreshUserCheckHandler.Descriptor);
                o.AddEventHandler(OrganizationScopesInAuthorizationRequest.Descriptor);
                o.AddEventHandler(OrganizationTokenRequestHandler.Descriptor);
                o.AddEventHandler(OrganizationClientCredentialsScopes.Descriptor);
                o.AddEventHandler(OrganizationClientCredentialsHandler.Descriptor);
                o.AddEventHandler(OrganizationAccessTokenHandler.Descriptor);
                o.AddEventHandler(OrganizationTokenForbiddenStatus.Descriptor);
                o.AddEventHandler(OrganizationsClaimAsArray.Descriptor);
                o.AddEventHandler(Sessions.BackChannelLogoutDiscovery.Descriptor);
                o.AddEventHandler(UntrustedErrorPage<OpenIddictServerEvents.ApplyAuthorizationResponseContext>.Descriptor);
                o.AddEventHandler(UntrustedErrorPage<OpenIddictServerEvents.ApplyEndSessionResponseContext>.Descriptor);
                o.UseAspNetCore()
                 .EnableAuthorizationEndpointPassthrough()
                 .EnableUserInfoEndpointPassthrough()
                 .EnableEndSessionEndpointPassthrough()
                 .DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysConfigurator>();
        // Hostile text (a NUL in a form field) at the OIDC endpoints is answered in OAuth's shape, before OpenIddict reads it.
        builder.Services.Configure<HostileInputOptions>(o => o.OAuthPathPrefixes.Add("/oidc"));
        return builder;
    }

    /// <summary>Feeds OpenIddict the persistent keys, newest signing key first (OpenIddict signs with the first one).</summary>
    private sealed class ServerKeysConfigurator(ServerKeyRing keys) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            // Only S256: "plain" gives no protection if the authorization request leaks (RFC 9700 §2.1.1).
            options.CodeChallengeMethods.Clear();
            options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
            foreach (var key in keys.SigningKeys)
                options.SigningCredentials.Add(new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256));
            foreach (var key in keys.EncryptionKeys)
                options.EncryptionCredentials.Add(new Microsoft.IdentityModel.Tokens.EncryptingCredentials(key,
                    Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaOAEP, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
