using System.Text.Json.Nodes;
using Auth.Platform.SsoConnector.Connectors;
using Auth.Platform.SsoConnector.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Auth.Platform.SsoConnector.SsoConnectors;

public sealed record IdpInitiatedAuthConfigRequest(string? DefaultApplicationId, string? RedirectUri = null, JsonObject? AuthParameters = null,
    bool? AutoSendAuthorizationRequest = null, string? ClientIdpInitiatedAuthCallbackUri = null);
public sealed record IdpInitiatedAuthConfigResponse(string ConnectorId, string DefaultApplicationId, string? RedirectUri, JsonObject AuthParameters,
    bool AutoSendAuthorizationRequest, string? ClientIdpInitiatedAuthCallbackUri, DateTimeOffset CreatedAt);

/// <summary>
/// Logto's <c>/api/sso-connectors/{id}/idp-initiated-auth-config</c>: where an unsolicited SAML response leads. Option A
/// (<c>autoSendAuthorizationRequest=false</c>) sends the browser to the client's <c>clientIdpInitiatedAuthCallbackUri</c>,
/// which starts a normal sign-in; option B (<c>true</c>) has the platform send <c>/oidc/auth</c> itself to
/// <c>redirectUri</c>. Without a configuration, unsolicited responses are refused.
/// </summary>
public static class IdpInitiatedAuthConfigApi
{
    public static IEndpointRouteBuilder MapIdpInitiatedAuthConfigApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sso-connectors/{id}/idp-initiated-auth-config").RequireAuthorization(PlatformPolicies.Management).WithTags("SSO connectors");
        group.MapGet("/", Get).ProducesProblem(404);
        group.MapPut("/", Put).ProducesProblem(400).ProducesProblem(404);
        group.MapDelete("/", Delete).ProducesProblem(404);
        return app;
    }

    private static async Task<Results<Ok<IdpInitiatedAuthConfigResponse>, ProblemHttpResult>> Get(string id, SsoConnectorDbContext db, CancellationToken ct)
    {
        if (await SsoConnectorsApi.FindAsync(db, id, ct) is null) return ConnectorsApi.NotFound(id);
        return await db.IdpInitiatedAuthConfigs.AsNoTracking().FirstOrDefaultAsync(c => c.ConnectorId == id, ct) is { } config
            ? TypedResults.Ok(ToResponse(config))
            : PlatformProblems.Create(404, "entity.not_found", "This connector has no IdP-initiated configuration.");
    }

    private static async Task<Results<Ok<IdpInitiatedAuthConfigResponse>, ProblemHttpResult>> Put(string id, IdpInitiatedAuthConfigRequest body,
        SsoConnectorDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await SsoConnectorsApi.FindAsync(db, id, ct) is not { } connector) return ConnectorsApi.NotFound(id);
        if (SsoConnectorProviders.Find(connector.ProviderName) is not { IsSaml: true })
            return PlatformProblems.Create(400, "single_sign_on.idp_initiated_authentication_not_supported", "IdP-initiated authentication is for SAML connectors only.");
        if (!ConnectorIds.IsWellFormed(body.DefaultApplicationId)) return PlatformProblems.Create(400, "guard.invalid_input", "defaultApplicationId is required.");
        var autoSend = body.AutoSendAuthorizationRequest ?? false;
        if (autoSend ? !IsUrl(body.RedirectUri) : !IsUrl(body.ClientIdpInitiatedAuthCallbackUri))
            return PlatformProblems.Create(400, "guard.invalid_input", autoSend
                ? "redirectUri (an absolute URL registered on the application) is required when autoSendAuthorizationRequest is true."
                : "clientIdpInitiatedAuthCallbackUri (an absolute URL) is required when autoSendAuthorizationRequest is false.");
        if (body.AuthParameters is { } parameters && parameters.Any(p => p.Value is not JsonValue || p.Key is "client_id" or "redirect_uri" or "response_type"))
            return PlatformProblems.Create(400, "guard.invalid_input", "authParameters are extra string parameters (client_id, redirect_uri and response_type are set by the platform).");

        var config = await db.IdpInitiatedAuthConfigs.FirstOrDefaultAsync(c => c.ConnectorId == id, ct);
        if (config is null)
        {
            config = new IdpInitiatedAuthConfig { ConnectorId = id, DefaultApplicationId = "", AuthParameters = "{}", CreatedAt = clock.GetUtcNow() };
            db.IdpInitiatedAuthConfigs.Add(config);
        }
        config.DefaultApplicationId = body.DefaultApplicationId!;
        config.RedirectUri = body.RedirectUri;
        config.AuthParameters = (body.AuthParameters ?? []).ToJsonString();
        config.AutoSendAuthorizationRequest = autoSend;
        config.ClientIdpInitiatedAuthCallbackUri = body.ClientIdpInitiatedAuthCallbackUri;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(config));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, SsoConnectorDbContext db, CancellationToken ct)
    {
        if (await SsoConnectorsApi.FindAsync(db, id, ct) is null) return ConnectorsApi.NotFound(id);
        return await db.IdpInitiatedAuthConfigs.Where(c => c.ConnectorId == id).ExecuteDeleteAsync(ct) == 0
            ? PlatformProblems.Create(404, "entity.not_found", "This connector has no IdP-initiated configuration.")
            : TypedResults.NoContent();
    }

    private static bool IsUrl(string? url) => url is { Length: <= 2048 } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    public static IdpInitiatedAuthConfigResponse ToResponse(IdpInitiatedAuthConfig c) =>
        new(c.ConnectorId, c.DefaultApplicationId, c.RedirectUri, JsonNode.Parse(c.AuthParameters) as JsonObject ?? [], c.AutoSendAuthorizationRequest,
            c.ClientIdpInitiatedAuthCallbackUri, c.CreatedAt);
}
