using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Introspection;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// RFC 7662 §4: only the token's client (presenter) or one of its audiences may learn anything about it. OpenIddict skips
/// its own check when a token has no audience (an access token requested without <c>resource</c>, e.g. for
/// <c>/oidc/me</c>) or no presenter, so any confidential client could read such a user's token. Rejecting with
/// <c>invalid_token</c> makes OpenIddict answer the RFC's bare <c>{"active": false}</c>.
/// </summary>
public sealed class IntrospectionCallerCheck : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionCallerCheck>()
            .SetOrder(ValidateAuthorizedParty.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        var caller = context.ClientId;
        var token = context.GenericTokenPrincipal;
        if (string.IsNullOrEmpty(caller) || token is null || !(token.HasPresenter(caller) || token.HasAudience(caller)))
            context.Reject(Errors.InvalidToken, "The caller is neither the client nor an audience of this token.");
        return default;
    }
}
