using System.Collections.Immutable;
using System.Text.Json;
using Auth.Platform.Signin.Applications;
using Auth.Platform.Signin.Sessions;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Consent;

/// <summary>
/// Consent is data (STYLE.md): first-party applications are consented implicitly; a third-party application
/// (<c>isThirdParty</c>) needs a permanent OpenIddict authorization of the user covering the requested scopes. Only
/// missing scopes are asked; <c>prompt=consent</c> asks again; <c>prompt=none</c> without a grant is
/// <c>consent_required</c>; a refusal is <c>access_denied</c> (both sent back to the client, its redirect URI is valid).
/// </summary>
public sealed class ConsentGate(IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, ConsentStore store,
    IConfiguration configuration)
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    /// <summary>Null when the request may proceed; otherwise what to answer.</summary>
    public async Task<IResult?> CheckAsync(HttpContext context, OpenIddictRequest request, SigninSession session,
        IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        var clientId = request.ClientId!;
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null || !await IsThirdPartyAsync(application, ct)) return null;
        var decision = await store.TakeDecisionAsync(context, clientId, session.Id);
        if (decision == ConsentDecisions.Denied) return Error(Errors.AccessDenied, "The user denied the consent request.");
        var requested = (await GrantableScopesAsync(clientId, request.GetScopes(), ct)).Where(s => s != Scopes.OpenId).ToList();
        var granted = await GrantedScopesAsync(session.UserId, (await applications.GetIdAsync(application, ct))!, ct);
        var missing = requested.Where(s => !granted.Contains(s)).ToList();
        if (decision == ConsentDecisions.Granted && missing.Count == 0) return null;
        if (missing.Count == 0 && !request.HasPromptValue(PromptValues.Consent)) return null;
        if (request.HasPromptValue(PromptValues.None)) return Error(Errors.ConsentRequired, "The user has not granted the requested scopes.");
        await store.CreateAsync(context, new ConsentRequest
        {
            Id = SessionService.NewOpaqueId(), ClientId = clientId, UserId = session.UserId, SessionId = session.Id,
            RequestedScopes = requested, MissingScopes = missing.Count > 0 ? missing : requested, Parameters = parameters.ToList(),
        });
        return Results.Redirect($"{configuration.GetPublicUrl()}/consent");
    }

    /// <summary>
    /// What a client may be granted of what it asked: for a third-party application with configured user consent scopes
    /// (<c>/api/applications/{id}/user-consent-scopes</c>), only those plus <c>openid</c> and <c>offline_access</c>; the
    /// rest is dropped silently, as OIDC allows for scopes the provider will not grant.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> GrantableScopesAsync(string clientId, IReadOnlyCollection<string> requested, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null || !await IsThirdPartyAsync(application, ct)) return requested;
        if (await UserConsentScopesApi.ReadAsync(applications, application, ct) is not { } allowed) return requested;
        return [.. requested.Where(s => s is Scopes.OpenId or Scopes.OfflineAccess || allowed.Contains(s))];
    }

    public async Task<bool> IsThirdPartyAsync(object application, CancellationToken ct)
    {
        var properties = await applications.GetPropertiesAsync(application, ct);
        return properties.TryGetValue(ApplicationProperties.IsThirdParty, out var value) && value.ValueKind == JsonValueKind.True;
    }

    /// <summary>Scopes of the user's valid permanent authorizations (grants) for the application.</summary>
    public async Task<HashSet<string>> GrantedScopesAsync(string userId, string applicationId, CancellationToken ct)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var authorization in authorizations.FindAsync(userId, applicationId, Statuses.Valid, AuthorizationTypes.Permanent,
            ImmutableArray<string>.Empty, ct))
            scopes.UnionWith(await authorizations.GetScopesAsync(authorization, ct));
        return scopes;
    }

    private static IResult Error(string error, string description) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }), [Scheme]);
}
