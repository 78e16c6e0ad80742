using System.Security.Claims;
using Auth.Platform.Signin.Organizations;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// Logto's machine-to-machine organization token: <c>grant_type=client_credentials&amp;organization_id=&lt;id&gt;</c> by an
/// application that is a member of the organization answers an access token with <c>aud=urn:logto:organization:&lt;id&gt;</c>,
/// an <c>organization_id</c> claim and the requested organization scopes its organization roles grant.
/// </summary>
public static class OrganizationClientCredentials
{
    /// <summary>The scopes of the request that OpenIddict does not know (organization scopes), taken out before its scope checks.</summary>
    internal const string RequestedScopesProperty = ".requested_organization_scopes";

    public static string? RequestedOrganizationId(OpenIddictRequest request) =>
        request.IsClientCredentialsGrantType() ? (string?)request.GetParameter(OrganizationTokens.OrganizationIdParameter) : null;

    public static bool IsOrganizationRequest(OpenIddictRequest request) =>
        request.IsClientCredentialsGrantType() && request.GetParameter(OrganizationTokens.OrganizationIdParameter) is not null;
}

/// <summary>
/// Before OpenIddict's scope validation: organization scopes are the organization template's names, which OpenIddict
/// cannot know and an application cannot hold as permissions, so they leave the request (and whether the application
/// may have them is decided by its organization roles, <see cref="OrganizationClientCredentialsHandler"/>).
/// </summary>
public sealed class OrganizationClientCredentialsScopes : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<OrganizationClientCredentialsScopes>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopes.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (!OrganizationClientCredentials.IsOrganizationRequest(context.Request)) return ValueTask.CompletedTask;
        if (OrganizationClientCredentials.RequestedOrganizationId(context.Request) is not { Length: > 0 })
        {
            context.Reject(Errors.InvalidRequest, "The organization_id parameter must be a non-empty string.");
            return ValueTask.CompletedTask;
        }
        if (context.Request.Resources is { Length: > 0 })
        {
            context.Reject(Errors.InvalidRequest, "The organization_id parameter cannot be combined with resource.");
            return ValueTask.CompletedTask;
        }
        var requested = context.Request.GetScopes();
        var organizationScopes = requested.Where(s => !context.Options.Scopes.Contains(s)).ToArray();
        var remaining = requested.Except(organizationScopes, StringComparer.Ordinal).ToArray();
        context.Request.Scope = remaining.Length == 0 ? null : string.Join(' ', remaining);
        context.Transaction.SetProperty(OrganizationClientCredentials.RequestedScopesProperty, organizationScopes);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Answers an authenticated application's organization token request: a member gets the organization's token, anyone
/// else Logto's <c>access_denied</c> (403, <see cref="OrganizationTokenForbiddenStatus"/>). Runs before the plain
/// <see cref="ClientCredentialsGrantHandler"/>, which leaves organization requests alone.
/// </summary>
public sealed class OrganizationClientCredentialsHandler(OrganizationClient organizations, ILogger<OrganizationClientCredentialsHandler> logger)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<OrganizationClientCredentialsHandler>()
            .SetOrder(ClientCredentialsGrantHandler.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (OrganizationClientCredentials.RequestedOrganizationId(context.Request) is not { Length: > 0 } organizationId
            || context.Request.ClientId is not { } clientId) return;
        OrganizationMembership[] memberships;
        try
        {
            memberships = await organizations.GetApplicationMembershipsAsync(clientId, context.CancellationToken);
        }
        catch (OrganizationUnavailableException e)
        {
            logger.LogWarning(e, "organization unavailable during an organization token request for application {ClientId}", clientId);
            context.Reject(Errors.TemporarilyUnavailable, "The organization service is unavailable; retry shortly.");
            return;
        }
        if (memberships.FirstOrDefault(m => m.OrganizationId == organizationId) is not { } membership)
        {
            context.Reject(Errors.AccessDenied, "application is not a member of the organization");
            return;
        }
        var requested = context.Transaction.GetProperty<string[]>(OrganizationClientCredentials.RequestedScopesProperty) ?? [];
        var identity = new ClaimsIdentity(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaim(OrganizationTokens.OrganizationIdClaim, organizationId);
        // Requested ∩ what the application's roles grant in this organization (nothing without roles, as for users).
        identity.SetScopes(requested.Intersect(membership.Scopes ?? [], StringComparer.Ordinal));
        identity.SetResources(OrganizationTokens.AudiencePrefix + organizationId);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
    }
}
