using Auth.Platform.Signin.Accounts;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// OpenIddict redeems refresh tokens on its own; this makes a refresh fail once the user was deleted or suspended, so a
/// refresh token does not outlive its user (Logto checks the same on refresh).
/// </summary>
public sealed class RefreshUserCheckHandler(AccountClient account, ILogger<RefreshUserCheckHandler> logger) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<RefreshUserCheckHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsRefreshTokenGrantType() || context.RefreshTokenPrincipal?.GetClaim(Claims.Subject) is not { } subject) return;
        AccountUser? user;
        try
        {
            user = await account.GetUserAsync(subject, context.CancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or AccountProblemException)
        {
            logger.LogWarning(e, "account unavailable during a refresh for {Subject}", subject);
            context.Reject(Errors.TemporarilyUnavailable, "The user directory is unavailable; retry shortly.");
            return;
        }
        if (user is null || user.IsSuspended)
            context.Reject(Errors.InvalidGrant, "The user of this refresh token no longer exists or is suspended.");
    }
}
