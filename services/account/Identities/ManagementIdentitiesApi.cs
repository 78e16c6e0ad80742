using Auth.Platform.Account.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.Identities;

public sealed record PutIdentityBody(string? UserId, System.Text.Json.JsonElement? Details);

/// <summary>
/// Logto's Management API for a user's social identities (<c>/api/users/{id}/identities</c>): read them, set one directly
/// (Logto's <c>PUT …/{target} {userId, details?}</c>, used for migrations), remove one. Enterprise identities are read-only
/// (they come from SSO sign-ins) and show in <c>GET /api/users/{id}</c>.
/// </summary>
public static class ManagementIdentitiesApi
{
    public static IEndpointRouteBuilder MapManagementIdentitiesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users/{id}/identities").RequireAuthorization(PlatformPolicies.Management).WithTags("User identities");
        group.MapGet("/", List);
        group.MapPut("/{target}", Put);
        group.MapDelete("/{target}", Delete);
        return app;
    }

    private static async Task<Results<Ok<Dictionary<string, IdentityResponse>>, ProblemHttpResult>> List(string id, UserDirectory directory,
        UserIdentities identities, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } user ? TypedResults.Ok(await identities.SocialOfAsync(user.Id, ct)) : UserErrors.NotFound();

    /// <summary>201 when the target is new for the user, 200 when its identity was replaced; either way the user's identities.</summary>
    private static async Task<Results<Ok<Dictionary<string, IdentityResponse>>, Created<Dictionary<string, IdentityResponse>>, ProblemHttpResult>> Put(
        string id, string target, PutIdentityBody body, UserDirectory directory, UserIdentities identities, CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        var existed = (await identities.SocialOfAsync(user.Id, ct)).ContainsKey(target);
        if (await identities.StageSocialAsync(user, new SocialIdentityInput(target, body.UserId, body.Details), ct) is { } refused) return refused;
        if (await identities.SaveAsync(ct) is { } raced) return raced;
        var all = await identities.SocialOfAsync(user.Id, ct);
        return existed ? TypedResults.Ok(all) : TypedResults.Created($"/api/users/{user.Id}/identities/{target}", all);
    }

    private static async Task<Results<Ok<Dictionary<string, IdentityResponse>>, ProblemHttpResult>> Delete(string id, string target, UserDirectory directory,
        UserIdentities identities, CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        if (!await identities.RemoveSocialAsync(user.Id, target, ct)) return IdentityRules.NotLinked();
        return TypedResults.Ok(await identities.SocialOfAsync(user.Id, ct));
    }
}
