using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;

namespace Auth.Platform.Signin.Applications;

public sealed record UserConsentScopesBody(List<string>? UserScopes, List<string>? ResourceScopes, List<string>? OrganizationScopes,
    List<string>? OrganizationResourceScopes);
public sealed record UserConsentScopesResponse(IReadOnlyList<string> UserScopes, IReadOnlyList<object> ResourceScopes,
    IReadOnlyList<object> OrganizationScopes, IReadOnlyList<object> OrganizationResourceScopes);

/// <summary>
/// Logto's <c>/api/applications/{id}/user-consent-scopes</c>: which user scopes a third-party application may be granted
/// (and the consent screen may show). Requested scopes outside the list are dropped from its tokens; <c>openid</c> and
/// <c>offline_access</c> always pass. Until the list is set, every OIDC user scope may be asked (Logto starts empty;
/// we keep earlier applications working). Resource and organization scopes do not exist on this platform yet, so only
/// empty lists are accepted for them.
/// </summary>
public static class UserConsentScopesApi
{
    /// <summary>Logto's <c>UserScope</c> values.</summary>
    public static readonly string[] UserScopes =
    [
        "profile", "email", "phone", "address", "custom_data", "identities", "roles",
        "urn:logto:scope:organizations", "urn:logto:scope:organization_roles",
    ];

    public static RouteGroupBuilder MapUserConsentScopes(this RouteGroupBuilder applications)
    {
        applications.MapGet("/{id}/user-consent-scopes", Get);
        applications.MapPost("/{id}/user-consent-scopes", Add);
        applications.MapDelete("/{id}/user-consent-scopes/{scopeType}/{scopeId}", Remove);
        return applications;
    }

    public static async Task<Results<Ok<UserConsentScopesResponse>, ProblemHttpResult>> Get(string id, IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        if (await manager.FindByClientIdAsync(id, ct) is not { } application) return NotFound(id);
        return TypedResults.Ok(Response(await ReadAsync(manager, application, ct) ?? []));
    }

    /// <summary>Adds scopes to the list (Logto: 201); unknown user scopes are refused.</summary>
    public static async Task<Results<Created<UserConsentScopesResponse>, ProblemHttpResult>> Add(string id, UserConsentScopesBody body,
        IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        if (body.UserScopes?.FirstOrDefault(s => !UserScopes.Contains(s)) is { } unknown)
            return PlatformProblems.Create(400, "guard.invalid_input", $"Unknown user scope '{unknown}'; user scopes are {string.Join(", ", UserScopes)}.");
        if (body.ResourceScopes is { Count: > 0 } || body.OrganizationScopes is { Count: > 0 } || body.OrganizationResourceScopes is { Count: > 0 })
            return PlatformProblems.Create(404, "entity.not_exists_with_id", "API resource and organization scopes do not exist on this platform yet.");
        if (await manager.FindByClientIdAsync(id, ct) is not { } application) return NotFound(id);
        var scopes = (await ReadAsync(manager, application, ct) ?? []).Union(body.UserScopes ?? []).ToList();
        await WriteAsync(manager, application, scopes, ct);
        return TypedResults.Created($"/api/applications/{id}/user-consent-scopes", Response(scopes));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Remove(string id, string scopeType, string scopeId,
        IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        if (scopeType != "user-scopes") return PlatformProblems.Create(404, "entity.not_exists_with_id", "Only user-scopes exist on this platform yet.");
        if (await manager.FindByClientIdAsync(id, ct) is not { } application) return NotFound(id);
        var scopes = await ReadAsync(manager, application, ct) ?? [];
        if (!scopes.Remove(scopeId)) return PlatformProblems.Create(404, "entity.not_exists_with_id", $"The application has no consent scope '{scopeId}'.");
        await WriteAsync(manager, application, scopes, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The configured list, or null when it was never set (every user scope allowed).</summary>
    public static async Task<List<string>?> ReadAsync(IOpenIddictApplicationManager manager, object application, CancellationToken ct)
    {
        var properties = await manager.GetPropertiesAsync(application, ct);
        return properties.TryGetValue(ApplicationProperties.UserConsentScopes, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(e => e.GetString()!).Where(s => s is not null)]
            : null;
    }

    private static async Task WriteAsync(IOpenIddictApplicationManager manager, object application, List<string> scopes, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(descriptor, application, ct);
        descriptor.Properties[ApplicationProperties.UserConsentScopes] = JsonSerializer.SerializeToElement(scopes);
        await manager.UpdateAsync(application, descriptor, ct);
    }

    private static UserConsentScopesResponse Response(List<string> scopes) => new(scopes, [], [], []);
    private static ProblemHttpResult NotFound(string id) => PlatformProblems.Create(404, "entity.not_exists_with_id", $"No application with id {id}.");
}
