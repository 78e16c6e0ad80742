using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// Advertises OpenID Back-Channel Logout 1.0 in discovery (§2.1): OpenIddict has no such feature, signin implements it
/// (<see cref="SessionService"/> signs the tokens, notification delivers them); logout tokens always carry <c>sid</c>.
/// </summary>
public sealed class BackChannelLogoutDiscovery : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<BackChannelLogoutDiscovery>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        context.Metadata["backchannel_logout_supported"] = true;
        context.Metadata["backchannel_logout_session_supported"] = true;
        return ValueTask.CompletedTask;
    }
}
