using System.Text.Json;
using Auth.Platform.Signin.Organizations;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Auth.Platform.Signin.Oidc;

/// <summary>
/// Logto's organization token: <c>grant_type=refresh_token&amp;organization_id=&lt;id&gt;</c> (no <c>resource</c>) answers an
/// access token for the organization (<c>aud=urn:logto:organization:&lt;id&gt;</c>, an <c>organization_id</c> claim, and the
/// organization scopes that were granted at authorization and that the member's roles grant). The refresh itself is OpenIddict's, unchanged:
/// the refresh token rotates exactly as in a normal refresh, and a refused request leaves it unredeemed.
/// </summary>
public static class OrganizationTokens
{
    public const string OrganizationIdParameter = "organization_id";
    public const string OrganizationIdClaim = "organization_id";
    public const string AudiencePrefix = "urn:logto:organization:";
    /// <summary>RFC 8176 "multiple-factor authentication", set by the sign-in when a second factor or passkey was passed.</summary>
    public const string MfaMethod = "mfa";
    /// <summary>The membership the request handler checked, for the access token handler (same transaction).</summary>
    internal const string MembershipProperty = ".organization_membership";

    public static string? RequestedOrganizationId(OpenIddictRequest request) =>
        request.IsRefreshTokenGrantType() ? (string?)request.GetParameter(OrganizationIdParameter) : null;

    /// <summary>
    /// The grant's <c>amr</c> holds <c>mfa</c>. The claim may be one JSON array (how a JWT carries it) or one claim per
    /// method (how OpenIddict round-trips arrays); both are read.
    /// </summary>
    public static bool PassedMfa(System.Security.Claims.ClaimsPrincipal principal) =>
        principal.FindAll(Claims.AuthenticationMethodReference).SelectMany(c => Methods(c.Value)).Contains(MfaMethod, StringComparer.Ordinal);

    private static IEnumerable<string> Methods(string value)
    {
        if (!value.TrimStart().StartsWith('[')) return [value];
        try { return JsonSerializer.Deserialize<string[]>(value) ?? []; }
        catch (JsonException) { return []; }
    }
}

/// <summary>Decides whether an organization token may be issued, before OpenIddict redeems the refresh token.</summary>
public sealed class OrganizationTokenRequestHandler(OrganizationClient organizations, ILogger<OrganizationTokenRequestHandler> logger)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<OrganizationTokenRequestHandler>()
            // After RefreshUserCheckHandler: a deleted or suspended user gets its invalid_grant first.
            .SetOrder(RefreshUserCheckHandler.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsRefreshTokenGrantType() || context.Request.GetParameter(OrganizationTokens.OrganizationIdParameter) is null) return;
        if (OrganizationTokens.RequestedOrganizationId(context.Request) is not { Length: > 0 } organizationId)
        {
            context.Reject(Errors.InvalidRequest, "The organization_id parameter must be a non-empty string.");
            return;
        }
        // Logto's other form (resource + organization_id: an API token scoped by organization roles) needs organization
        // roles and their resource scopes, which do not exist yet.
        if (context.Request.Resources is { Length: > 0 })
        {
            context.Reject(Errors.InvalidRequest, "The organization_id parameter cannot be combined with resource.");
            return;
        }
        if (context.RefreshTokenPrincipal is not { } grant || grant.GetClaim(Claims.Subject) is not { } subject) return;
        if (!grant.GetScopes().Contains(LogtoScopes.Organizations))
        {
            context.Reject(Errors.InvalidGrant, $"The refresh token was not granted the {LogtoScopes.Organizations} scope.");
            return;
        }

        OrganizationMembership[] memberships;
        try
        {
            memberships = await organizations.GetMembershipsAsync(subject, context.CancellationToken);
        }
        catch (OrganizationUnavailableException e)
        {
            logger.LogWarning(e, "organization unavailable during an organization token request for {Subject}", subject);
            context.Reject(Errors.TemporarilyUnavailable, "The organization service is unavailable; retry shortly.");
            return;
        }
        var membership = memberships.FirstOrDefault(m => m.OrganizationId == organizationId);
        if (membership is null)
        {
            context.Reject(Errors.AccessDenied, "user is not a member of the organization");
            return;
        }
        // Stricter than Logto, which only checks that the user has a factor configured: this grant must have passed one.
        if (membership.IsMfaRequired && !OrganizationTokens.PassedMfa(grant))
        {
            context.Reject(Errors.AccessDenied, "organization requires MFA");
            return;
        }
        context.Transaction.SetProperty(OrganizationTokens.MembershipProperty, membership);
    }
}

/// <summary>Turns the access token of an accepted organization token request into the organization's token.</summary>
public sealed class OrganizationAccessTokenHandler : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<OrganizationAccessTokenHandler>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Token || context.AccessTokenPrincipal is not { } principal
            || OrganizationTokens.RequestedOrganizationId(context.Request) is not { Length: > 0 } organizationId)
            return ValueTask.CompletedTask;
        principal.SetAudiences(OrganizationTokens.AudiencePrefix + organizationId);
        principal.SetResources([]);
        // Granted at authorization ∩ what the member's roles grant in this organization (nothing for a member without roles, as Logto).
        var memberScopes = context.Transaction.GetProperty<OrganizationMembership>(OrganizationTokens.MembershipProperty)?.Scopes ?? [];
        principal.SetScopes(principal.GetScopes().Intersect(memberScopes, StringComparer.Ordinal));
        principal.SetClaim(OrganizationTokens.OrganizationIdClaim, organizationId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// OpenIddict answers every token error but invalid_client with 400; an organization token refused because of who the
/// user is (not a member, MFA not passed) is Logto's 403 access_denied, so clients can tell it from a bad request.
/// </summary>
public sealed class OrganizationTokenForbiddenStatus : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<OrganizationTokenForbiddenStatus>()
            .SetOrder(OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<ApplyTokenResponseContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.Error == Errors.AccessDenied && context.Request?.GetParameter(OrganizationTokens.OrganizationIdParameter) is not null
            && Microsoft.AspNetCore.OpenIddictServerAspNetCoreHelpers.GetHttpRequest(context.Transaction)?.HttpContext.Response is { } response)
            response.StatusCode = StatusCodes.Status403Forbidden;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Logto's ID token carries <c>organizations</c> and <c>organization_roles</c> as JSON arrays. A JSON-array claim
/// survives being written into the authorization code or refresh token, but not being read back (a one-element array
/// returns as a plain string, an empty one as nothing), so the ID token issued at the token endpoint would say
/// <c>"organizations": "abc"</c>. This rebuilds each array claim from whatever came back.
/// </summary>
public sealed class OrganizationsClaimAsArray : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<OrganizationsClaimAsArray>()
            .SetOrder(OpenIddictServerHandlers.PrepareIdentityTokenPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.IdentityTokenPrincipal is not { Identity: System.Security.Claims.ClaimsIdentity identity } principal) return ValueTask.CompletedTask;
        foreach (var (scope, type) in new[] { (LogtoScopes.Organizations, LogtoClaims.Organizations), (LogtoScopes.OrganizationRoles, LogtoClaims.OrganizationRoles) })
        {
            if (!principal.GetScopes().Contains(scope) && !context.Principal!.GetScopes().Contains(scope)) continue;
            var claims = identity.FindAll(type).ToList();
            var values = claims.SelectMany(c => c.ValueType == Microsoft.IdentityModel.JsonWebTokens.JsonClaimValueTypes.JsonArray || c.Value.StartsWith('[')
                ? JsonSerializer.Deserialize<string[]>(c.Value) ?? [] : [c.Value]).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var claim in claims) identity.RemoveClaim(claim);
            identity.AddClaim(new System.Security.Claims.Claim(type, JsonSerializer.Serialize(values), Microsoft.IdentityModel.JsonWebTokens.JsonClaimValueTypes.JsonArray));
        }
        return ValueTask.CompletedTask;
    }
}
