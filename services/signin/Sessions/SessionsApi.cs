using Auth.Platform.Signin.Applications;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Sessions;

/// <summary>A sign-in session as the Account and Management APIs show it (times in epoch milliseconds, like Logto).</summary>
public sealed record SessionResponse(string Id, string UserId, long AuthTime, long ExpiresAt, IReadOnlyList<string> ApplicationIds);

/// <summary>
/// Sessions are signin's data, so signin serves them under account's prefixes: the gateway routes
/// <c>/api/my-account/sessions*</c> and <c>/api/users/{id}/sessions*</c> here (more specific routes than account's).
/// Ending a session goes through <see cref="SessionService"/>: grants revoked, back-channel logout sent.
/// </summary>
public static class SessionsApi
{
    public const string MyAccountPolicy = "my-account-sessions";
    /// <summary>Logto's scope for the Account API's sessions.</summary>
    public const string SessionsScope = "urn:logto:scope:sessions";

    public static IHostApplicationBuilder AddSessionsApi(this IHostApplicationBuilder builder)
    {
        // A user's own access token (no resource, like Logto's Account API) with the sessions scope.
        builder.Services.AddAuthorizationBuilder().AddPolicy(MyAccountPolicy, p => p
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => OpenIddict.Abstractions.OpenIddictExtensions.HasScope(c.User, SessionsScope) && c.User.GetClaim(Claims.Subject) is { Length: > 0 }
                && c.User.GetAudiences().IsEmpty));
        return builder;
    }

    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/api/my-account/sessions").WithTags("Account: sessions").RequireAuthorization(MyAccountPolicy)
            .AddEndpointFilter(RequireLiveAuthorization);
        mine.MapGet("", ListMine);
        mine.MapDelete("/{sessionId}", DeleteMine);
        var users = app.MapGroup("/api/users/{userId}/sessions").WithTags("Users: sessions").RequireAuthorization(ApplicationsApi.ManagementPolicy);
        users.MapGet("", ListForUser);
        users.MapDelete("/{sessionId}", DeleteForUser);
        return app;
    }

    /// <summary>
    /// A user's access token dies with its grant (sign-out without offline_access, password reset, account deletion).
    /// The JWT alone cannot say so, and OpenIddict's local validation does not look the grant up here, so we do.
    /// </summary>
    internal static async ValueTask<object?> RequireLiveAuthorization(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authorizations = http.RequestServices.GetRequiredService<IOpenIddictAuthorizationManager>();
        if (http.User.GetAuthorizationId() is not { Length: > 0 } id
            || await authorizations.FindByIdAsync(id, http.RequestAborted) is not { } authorization
            || !await authorizations.HasStatusAsync(authorization, Statuses.Valid, http.RequestAborted))
            return TypedResults.Unauthorized();
        return await next(context);
    }

    public static async Task<Ok<List<SessionResponse>>> ListMine(HttpContext context, SessionService sessions, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(sessions, context.User.GetClaim(Claims.Subject)!, ct));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteMine(string sessionId, HttpContext context, SessionService sessions,
        CancellationToken ct) =>
        await sessions.EndByIdAsync(context.User.GetClaim(Claims.Subject)!, sessionId, SessionEndReasons.RevokedByUser, ct)
            ? TypedResults.NoContent() : NotFound(sessionId);

    public static async Task<Ok<List<SessionResponse>>> ListForUser(string userId, SessionService sessions, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(sessions, userId, ct));

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteForUser(string userId, string sessionId, SessionService sessions,
        CancellationToken ct) =>
        await sessions.EndByIdAsync(userId, sessionId, SessionEndReasons.RevokedByAdmin, ct) ? TypedResults.NoContent() : NotFound(sessionId);

    private static async Task<List<SessionResponse>> ListAsync(SessionService sessions, string userId, CancellationToken ct) =>
        [.. (await sessions.ListForUserAsync(userId, ct)).Select(s => new SessionResponse(s.Id, s.UserId, s.AuthTime.ToUnixTimeMilliseconds(),
            s.ExpiresAt.ToUnixTimeMilliseconds(), s.Clients))];

    private static ProblemHttpResult NotFound(string sessionId) =>
        PlatformProblems.Create(404, "entity.not_exists_with_id", $"No session with id {sessionId}.");
}
