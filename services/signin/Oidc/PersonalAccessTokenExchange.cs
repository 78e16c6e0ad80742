using System.Security.Claims;
using Auth.Platform.Signin.Accounts;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// Logto's personal access token exchange: <c>grant_type=urn:ietf:params:oauth:grant-type:token-exchange</c> with
/// <c>subject_token_type=urn:logto:token-type:personal_access_token</c> answers an access token of the token's user.
/// OpenIddict owns the protocol (client authentication, the grant type permission that only applications with
/// <c>customClientMetadata.allowTokenExchange</c> get, scope and resource permissions); these handlers only say who the
/// subject is. account owns the tokens: it answers the user of a value, or nothing when the value is unknown, expired or
/// its user suspended, which becomes <c>invalid_grant</c>.
/// </summary>
public static class PersonalAccessTokenExchange
{
    public const string SubjectTokenType = "urn:logto:token-type:personal_access_token";
    internal const string UserIdProperty = ".personal_access_token_user_id";

    public static bool IsPersonalAccessTokenExchange(OpenIddictRequest request) =>
        request.IsTokenExchangeGrantType() && (string?)request.GetParameter(Parameters.SubjectTokenType) == SubjectTokenType;
}

/// <summary>
/// Replaces OpenIddict's own subject token validation (it only knows its own token formats) for a personal access token:
/// runs after the client was authenticated, asks account who the value belongs to, and sets the subject principal.
/// </summary>
public sealed class PersonalAccessTokenSubjectValidation(AccountClient account, ILogger<PersonalAccessTokenSubjectValidation> logger)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<PersonalAccessTokenSubjectValidation>()
            .SetOrder(OpenIddictServerHandlers.ValidateSubjectToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Token || context.Request is not { } request
            || !PersonalAccessTokenExchange.IsPersonalAccessTokenExchange(request)) return;
        context.ValidateSubjectToken = false;
        context.RejectSubjectToken = false;
        if (request.SubjectToken is not { Length: > 0 } value)
        {
            context.Reject(Errors.InvalidRequest, "The subject_token parameter is missing.");
            return;
        }
        string? userId;
        try
        {
            userId = await account.ResolvePersonalAccessTokenAsync(value, context.CancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or AccountProblemException)
        {
            logger.LogWarning(e, "account unavailable during a personal access token exchange by {ClientId}", request.ClientId);
            context.Reject(Errors.TemporarilyUnavailable, "The user directory is unavailable; retry shortly.");
            return;
        }
        if (userId is null)
        {
            context.Reject(Errors.InvalidGrant, "The personal access token is invalid, expired, or its user cannot sign in.");
            return;
        }
        var identity = new ClaimsIdentity(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, userId);
        context.SubjectTokenPrincipal = new ClaimsPrincipal(identity);
        context.Transaction.Properties[PersonalAccessTokenExchange.UserIdProperty] = userId;
    }
}

/// <summary>
/// Issues the access token: the user as subject with the requested scopes and resources (OpenIddict already checked the
/// client may ask for them), shaped as a code flow's access token. No refresh token: a personal access token is exchanged
/// again when the access token expires (Logto's).
/// </summary>
public sealed class PersonalAccessTokenGrantHandler : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseSingletonHandler<PersonalAccessTokenGrantHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!PersonalAccessTokenExchange.IsPersonalAccessTokenExchange(context.Request)
            || !context.Transaction.Properties.TryGetValue(PersonalAccessTokenExchange.UserIdProperty, out var value) || value is not string userId)
            return ValueTask.CompletedTask;
        var identity = new ClaimsIdentity(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, userId);
        identity.SetScopes(context.Request.GetScopes().Remove(Scopes.OfflineAccess));
        identity.SetResources(context.Request.GetResources());
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
        return ValueTask.CompletedTask;
    }
}
