using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// Answers client_credentials inside OpenIddict's pipeline (no passthrough to an endpoint, no extra lookups): by the
/// time this runs OpenIddict has authenticated the client and checked its grant, scope and resource permissions, so
/// the token is just the client as subject with the granted scopes and the requested resources as audiences.
/// </summary>
public sealed class ClientCredentialsGrantHandler : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<ClientCredentialsGrantHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        // Organization tokens are OrganizationClientCredentialsHandler's.
        if (!context.Request.IsClientCredentialsGrantType() || OrganizationClientCredentials.IsOrganizationRequest(context.Request)) return ValueTask.CompletedTask;
        var identity = new ClaimsIdentity(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, context.Request.ClientId);
        identity.SetScopes(context.Request.GetScopes());
        identity.SetResources(context.Request.GetResources());
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Client-credentials access tokens are self-contained JWTs nobody redeems, so their token row only costs a database
/// write per request. Skipping it for that case alone keeps codes and refresh tokens stored (replay detection and
/// refresh rotation depend on those rows). Such tokens cannot be revoked individually; they live one hour.
/// </summary>
public sealed class SkipClientCredentialsTokenEntry : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<SkipClientCredentialsTokenEntry>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken && context.Request is { } request && request.IsClientCredentialsGrantType())
            context.CreateTokenEntry = false;
        return ValueTask.CompletedTask;
    }
}
