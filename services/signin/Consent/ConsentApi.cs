using System.Collections.Immutable;
using Auth.Platform.Signin.Accounts;
using Auth.Platform.Signin.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Consent;

public sealed record ConsentApplication(string Id, string Name);
public sealed record ConsentUser(string Id, string? Name, string? Avatar, string? Username, string? PrimaryEmail, string? PrimaryPhone);
/// <summary>Logto's <c>GET /api/interaction/consent</c> shape (resource and organization scopes are not offered yet: always empty).</summary>
public sealed record ConsentInfo(ConsentApplication Application, ConsentUser User, IReadOnlyList<string> MissingOIDCScope,
    IReadOnlyList<object> MissingResourceScopes, string? RedirectUri);
public sealed record ConsentRedirect(string RedirectTo);
public sealed record GrantResponse(string Id, string ApplicationId, string? ApplicationName, IReadOnlyList<string> Scopes, long? CreatedAt);

/// <summary>
/// The consent screen's API (Logto's paths) and the user's grants in the Account API. A grant is a permanent
/// OpenIddict authorization; revoking it revokes every authorization and token of the user for that application.
/// </summary>
public static class ConsentApi
{
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConsentStore>();
        builder.Services.AddScoped<ConsentGate>();
        return builder;
    }

    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var consent = app.MapGroup("/api/interaction/consent").WithTags("Interaction: consent").AddEndpointFilter(CrossSiteRequests.Refuse);
        consent.MapGet("", Get);
        consent.MapPost("", Grant);
        consent.MapDelete("", Deny);
        var grants = app.MapGroup("/api/my-account/grants").WithTags("Account: grants").RequireAuthorization(SessionsApi.MyAccountPolicy)
            .AddEndpointFilter(SessionsApi.RequireLiveAuthorization);
        grants.MapGet("", ListGrants);
        grants.MapDelete("/{grantId}", RevokeGrant);
        return app;
    }

    private static ProblemHttpResult NoConsent() => PlatformProblems.Create(400, "session.not_found", "No consent request in progress.");

    /// <summary>The pending request, if this browser's session is still the one that was asked.</summary>
    private static async Task<ConsentRequest?> PendingAsync(HttpContext context, ConsentStore store, SessionService sessions, CancellationToken ct)
    {
        var request = await store.FindAsync(context);
        if (request is null || request.Decision is not null) return null;
        var session = await sessions.FindAsync(context, ct);
        return session is not null && session.Id == request.SessionId && session.UserId == request.UserId ? request : null;
    }

    public static async Task<Results<Ok<ConsentInfo>, ProblemHttpResult>> Get(HttpContext context, ConsentStore store, SessionService sessions,
        IOpenIddictApplicationManager applications, AccountClient account, CancellationToken ct)
    {
        if (await PendingAsync(context, store, sessions, ct) is not { } request) return NoConsent();
        var application = await applications.FindByClientIdAsync(request.ClientId, ct);
        if (application is null) return NoConsent();
        AccountUser? user;
        try
        {
            user = await account.GetUserAsync(request.UserId, ct);
        }
        catch (Exception e) when (e is HttpRequestException or AccountProblemException)
        {
            return PlatformProblems.Create(503, "service.unavailable", "The user directory is unavailable; retry shortly.");
        }
        if (user is null) return NoConsent();
        var redirectUri = request.Parameters.FirstOrDefault(p => p.Key == Parameters.RedirectUri).Value;
        return TypedResults.Ok(new ConsentInfo(new ConsentApplication(request.ClientId, await applications.GetDisplayNameAsync(application, ct) ?? ""),
            new ConsentUser(user.Id, user.Name, user.Avatar, user.Username, user.PrimaryEmail, user.PrimaryPhone),
            request.MissingScopes, [], redirectUri));
    }

    /// <summary>Grants the requested scopes (added to the user's grant for the application) and resumes the authorization request.</summary>
    public static async Task<Results<Ok<ConsentRedirect>, ProblemHttpResult>> Grant(HttpContext context, ConsentStore store, SessionService sessions,
        IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IConfiguration configuration, CancellationToken ct)
    {
        if (await PendingAsync(context, store, sessions, ct) is not { } request) return NoConsent();
        var application = await applications.FindByClientIdAsync(request.ClientId, ct);
        if (application is null) return NoConsent();
        var applicationId = (await applications.GetIdAsync(application, ct))!;
        object? existing = null;
        await foreach (var authorization in authorizations.FindAsync(request.UserId, applicationId, Statuses.Valid, AuthorizationTypes.Permanent,
            ImmutableArray<string>.Empty, ct))
        {
            existing = authorization;
            break;
        }
        var scopes = request.RequestedScopes.Prepend(Scopes.OpenId).ToHashSet(StringComparer.Ordinal);
        if (existing is null)
        {
            await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
            {
                Subject = request.UserId, ApplicationId = applicationId, Type = AuthorizationTypes.Permanent, Status = Statuses.Valid,
                CreationDate = DateTimeOffset.UtcNow, Scopes = { },
            }.WithScopes(scopes), ct);
        }
        else
        {
            var descriptor = new OpenIddictAuthorizationDescriptor();
            await authorizations.PopulateAsync(descriptor, existing, ct);
            descriptor.Scopes.UnionWith(scopes);
            await authorizations.UpdateAsync(existing, descriptor, ct);
        }
        return TypedResults.Ok(await DecideAsync(store, request, ConsentDecisions.Granted, configuration));
    }

    /// <summary>Cancel: the client gets <c>access_denied</c>, no grant is stored.</summary>
    public static async Task<Results<Ok<ConsentRedirect>, ProblemHttpResult>> Deny(HttpContext context, ConsentStore store, SessionService sessions,
        IConfiguration configuration, CancellationToken ct)
    {
        if (await PendingAsync(context, store, sessions, ct) is not { } request) return NoConsent();
        return TypedResults.Ok(await DecideAsync(store, request, ConsentDecisions.Denied, configuration));
    }

    private static async Task<ConsentRedirect> DecideAsync(ConsentStore store, ConsentRequest request, string decision, IConfiguration configuration)
    {
        request.Decision = decision;
        await store.SaveAsync(request);
        var query = QueryString.Create(request.Parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return new ConsentRedirect($"{configuration.GetPublicUrl()}/oidc/auth{query}");
    }

    public static async Task<Ok<List<GrantResponse>>> ListGrants(HttpContext context, IOpenIddictAuthorizationManager authorizations,
        IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var userId = context.User.GetClaim(Claims.Subject)!;
        var list = new List<GrantResponse>();
        var found = new List<object>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(userId, ct)) found.Add(authorization);
        foreach (var authorization in found) // not while the reader is open: the loop queries the same connection
        {
            if (await authorizations.GetTypeAsync(authorization, ct) != AuthorizationTypes.Permanent
                || !await authorizations.HasStatusAsync(authorization, Statuses.Valid, ct)) continue;
            var applicationId = await authorizations.GetApplicationIdAsync(authorization, ct);
            var application = applicationId is null ? null : await applications.FindByIdAsync(applicationId, ct);
            if (application is null) continue;
            list.Add(new GrantResponse((await authorizations.GetIdAsync(authorization, ct))!, (await applications.GetClientIdAsync(application, ct))!,
                await applications.GetDisplayNameAsync(application, ct), [.. await authorizations.GetScopesAsync(authorization, ct)],
                (await authorizations.GetCreationDateAsync(authorization, ct))?.ToUnixTimeMilliseconds()));
        }
        return TypedResults.Ok(list);
    }

    /// <summary>Revokes the grant and, with it, every authorization and token of this user for that application (refresh tokens included).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeGrant(string grantId, HttpContext context,
        IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, CancellationToken ct)
    {
        var userId = context.User.GetClaim(Claims.Subject)!;
        var grant = await authorizations.FindByIdAsync(grantId, ct);
        if (grant is null || await authorizations.GetSubjectAsync(grant, ct) != userId
            || await authorizations.GetTypeAsync(grant, ct) != AuthorizationTypes.Permanent || !await authorizations.HasStatusAsync(grant, Statuses.Valid, ct))
            return PlatformProblems.Create(404, "entity.not_exists_with_id", $"No grant with id {grantId}.");
        var applicationId = (await authorizations.GetApplicationIdAsync(grant, ct))!;
        // Read them all first: revoking while the query's reader is open fails on the shared connection (a 500).
        var all = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(userId, applicationId, null, null, ImmutableArray<string>.Empty, ct))
            all.Add(authorization);
        foreach (var authorization in all)
        {
            await tokens.RevokeByAuthorizationIdAsync((await authorizations.GetIdAsync(authorization, ct))!, ct);
            await authorizations.TryRevokeAsync(authorization, ct);
        }
        return TypedResults.NoContent();
    }

    private static OpenIddictAuthorizationDescriptor WithScopes(this OpenIddictAuthorizationDescriptor descriptor, IEnumerable<string> scopes)
    {
        descriptor.Scopes.UnionWith(scopes);
        return descriptor;
    }
}
