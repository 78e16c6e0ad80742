using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// The platform's hostile-text rule (<see cref="HostileText.IsStorable"/>) for the OIDC endpoints, which answer in
/// OAuth's shape: a parameter with a NUL or a lone surrogate is <c>invalid_request</c> before any handler looks a
/// client, token or session up (PostgreSQL refuses NUL, which used to surface as a 500). Runs first in every
/// request-validation stage; the ASP.NET guard that applies the same rule elsewhere skips <c>/oidc</c>.
/// </summary>
public sealed class HostileParameterRejection<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<HostileParameterRejection<TContext>>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        if (context.Transaction.Request is not { } request) return ValueTask.CompletedTask;
        foreach (var (name, parameter) in request.GetParameters())
        {
            var values = (Microsoft.Extensions.Primitives.StringValues)parameter;
            if (HostileText.IsStorable(name) && values.All(v => v is null || HostileText.IsStorable(v))) continue;
            context.Reject(Errors.InvalidRequest, $"The '{(HostileText.IsStorable(name) ? name : "?")}' parameter contains a NUL or an invalid character.");
            break;
        }
        return ValueTask.CompletedTask;
    }
}

public static class HostileParameterRejection
{
    /// <summary>Every endpoint that reads client input: authorization, token, introspection, revocation, end session, userinfo.</summary>
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
    [
        HostileParameterRejection<ValidateAuthorizationRequestContext>.Descriptor,
        HostileParameterRejection<ValidateTokenRequestContext>.Descriptor,
        HostileParameterRejection<ValidateIntrospectionRequestContext>.Descriptor,
        HostileParameterRejection<ValidateRevocationRequestContext>.Descriptor,
        HostileParameterRejection<ValidateEndSessionRequestContext>.Descriptor,
        HostileParameterRejection<ValidateUserInfoRequestContext>.Descriptor,
    ];

    /// <summary>The paths whose hostile text this rule answers (so <see cref="HostileInputGuard"/> leaves them alone).</summary>
    public static readonly PathString OidcPathPrefix = "/oidc";
}
