using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Data;
using Auth.Platform.SsoConnector.SsoConnectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.ExternalAuth;

public sealed record InternalAuthorizationUriRequest(string? State, string? RedirectUri, string? Scope = null, string? IdpInitiatedSessionId = null);
public sealed record InternalVerifyRequest(string? ConnectorSessionId, JsonObject? ConnectorData);
public sealed record ConnectorIdsResponse(string[] ConnectorIds);
/// <summary>What the public sign-in experience shows of the connectors (Logto's <c>socialConnectors</c> / <c>ssoConnectors</c> items); no config.</summary>
public sealed record PublicSocialConnector(string Id, string Target, string ConnectorId, string Platform, Connectors.LocalizedText Name, string Logo, string? LogoDark);
public sealed record PublicSsoConnector(string Id, string ConnectorName, string Logo, string? DarkLogo);
public sealed record PublicConnectorsResponse(PublicSocialConnector[] SocialConnectors, PublicSsoConnector[] SsoConnectors);

/// <summary>
/// What signin calls while a user waits (service token, never routed by the gateway): start an external sign-in,
/// finish it into a normalized identity, and find the SSO connectors of an email's domain.
/// </summary>
public static class InternalConnectorsApi
{
    public static IEndpointRouteBuilder MapInternalConnectorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal");
        group.MapPost("/connectors/{connectorId}/authorization-uri", AuthorizationUri);
        group.MapPost("/connectors/{connectorId}/verify", Verify);
        group.MapGet("/sso/connectors-by-email", ConnectorsByEmail);
        group.MapGet("/connectors/public", PublicConnectors);
        return app;
    }

    private static async Task<Results<Ok<StartResponse>, ProblemHttpResult>> AuthorizationUri(string connectorId, InternalAuthorizationUriRequest body,
        ExternalSignIn signIn, CancellationToken ct)
    {
        var started = await signIn.StartAsync(connectorId, new StartRequest(body.State, body.RedirectUri, body.Scope, body.IdpInitiatedSessionId), ct);
        return started.Problem is { } problem ? problem : TypedResults.Ok(started.Value!);
    }

    private static async Task<Results<Ok<ExternalIdentity>, ProblemHttpResult>> Verify(string connectorId, InternalVerifyRequest body, ExternalSignIn signIn,
        CancellationToken ct)
    {
        var verified = await signIn.VerifyAsync(connectorId, body.ConnectorSessionId, body.ConnectorData, ct);
        return verified.Problem is { } problem ? problem : TypedResults.Ok(verified.Value!);
    }

    /// <summary>Case-insensitive on the domain (it is normalised); an address without a domain matches nothing.</summary>
    private static async Task<Ok<ConnectorIdsResponse>> ConnectorsByEmail(string? email, SsoConnectorDbContext db, CancellationToken ct)
    {
        if (EmailDomains.OfEmail(email) is not { } domain) return TypedResults.Ok(new ConnectorIdsResponse([]));
        var ids = await db.SsoConnectorDomains.AsNoTracking().Where(d => d.Domain == domain).Select(d => d.ConnectorId).ToArrayAsync(ct);
        return TypedResults.Ok(new ConnectorIdsResponse(ids));
    }

    /// <summary>signin's public <c>/api/.well-known/sign-in-exp</c> lists these (it filters social ones by its own <c>socialSignInConnectorTargets</c>).</summary>
    private static async Task<Ok<PublicConnectorsResponse>> PublicConnectors(SsoConnectorDbContext db, IConfiguration configuration, CancellationToken ct)
    {
        var social = (await db.Connectors.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(ct)).Select(Connectors.ConnectorsApi.ToResponse)
            .Select(c => new PublicSocialConnector(c.Id, c.Target, c.ConnectorId, c.Platform, c.Name, c.Logo, c.LogoDark));
        var sso = (await db.SsoConnectors.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(ct)).Select(c => SsoConnectorsApi.ToResponse(c, [], configuration))
            .Select(c => new PublicSsoConnector(c.Id, c.ConnectorName, c.Branding.Logo ?? c.ProviderLogo, c.Branding.DarkLogo ?? c.ProviderLogoDark));
        return TypedResults.Ok(new PublicConnectorsResponse([.. social], [.. sso]));
    }
}
