using Auth.Platform.Signin.Consent;
using Auth.Platform.Signin.Organizations;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// Logto's apps ask for organization scopes by name in the authorization request's <c>scope</c> (<c>read:invoices</c>
/// beside <c>openid</c>). Those names are the organization template's, kept by organization and changing at any time,
/// so OpenIddict cannot know them: before its scope validation, the names organization knows are taken out of the
/// request (OpenIddict still refuses any other unknown scope) and kept in the transaction, and the authorization
/// endpoint grants them back (<see cref="GrantableAsync"/>). Which of them a token carries is decided per organization
/// at the token endpoint, by the member's roles (<see cref="OrganizationAccessTokenHandler"/>).
/// </summary>
public sealed class OrganizationScopesInAuthorizationRequest(OrganizationClient organizations, ILogger<OrganizationScopesInAuthorizationRequest> logger)
    : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    private const string RequestedProperty = ".requested_organization_scopes";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<OrganizationScopesInAuthorizationRequest>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateScopes.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var requested = context.Request.GetScopes();
        var unknown = requested.Where(s => !context.Options.Scopes.Contains(s)).ToArray();
        if (unknown.Length == 0) return;
        string[] known;
        try
        {
            known = await organizations.GetScopeNamesAsync(context.CancellationToken);
        }
        catch (OrganizationUnavailableException e)
        {
            logger.LogWarning(e, "organization unavailable while reading organization scopes for an authorization request");
            context.Reject(Errors.TemporarilyUnavailable, "The organization service is unavailable; retry shortly.");
            return;
        }
        var organizationScopes = unknown.Intersect(known, StringComparer.Ordinal).ToArray();
        if (organizationScopes.Length == 0) return;
        context.Request.Scope = string.Join(' ', requested.Except(organizationScopes, StringComparer.Ordinal));
        context.Transaction.SetProperty(RequestedProperty, organizationScopes);
    }

    /// <summary>
    /// The organization scopes of this authorization request that the client may be granted. A third-party application
    /// gets none: the user would have to consent to them, and the consent screen does not offer organization scopes yet.
    /// </summary>
    public static async Task<string[]> GrantableAsync(HttpContext context, ConsentGate consent, string clientId, CancellationToken ct)
    {
        if (context.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction?.GetProperty<string[]>(RequestedProperty) is not { Length: > 0 } scopes)
            return [];
        var applications = context.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        return await applications.FindByClientIdAsync(clientId, ct) is { } application && !await consent.IsThirdPartyAsync(application, ct) ? scopes : [];
    }
}
