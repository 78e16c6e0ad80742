using Auth.Platform.Account.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Auth.Platform.Account.Identities;

public sealed record LinkSocialIdentityRequest(string? IdentityId, System.Text.Json.JsonElement? Details, SyncedProfile? SyncedProfile);
public sealed record LinkSsoIdentityRequest(string? Issuer, string? IdentityId, System.Text.Json.JsonElement? Detail, SyncedProfile? SyncedProfile);
public sealed record UserIdentitiesResponse(Dictionary<string, IdentityResponse> Identities, List<SsoIdentityResponse> SsoIdentities);
/// <summary>A user created by a social or SSO sign-in: the identifiers signin vouches for, plus exactly one identity.</summary>
public sealed record CreateUserWithIdentityRequest(string? Username, string? PrimaryEmail, string? PrimaryPhone, string? Name, string? Avatar,
    SocialIdentityInput? Identity, SsoIdentityInput? SsoIdentity);

/// <summary>
/// What signin needs to sign users in with social and enterprise identities (service tokens, policy <c>internal</c>; never
/// routed by the gateway): find the owner of an identity, link one to a user (refreshing details and, with
/// <c>syncedProfile</c>, name and avatar), create a user together with its identity.
/// </summary>
public static class InternalIdentitiesApi
{
    public static IEndpointRouteBuilder MapInternalIdentitiesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: identities");
        group.MapGet("/identities/lookup", Lookup);
        group.MapGet("/sso-identities/lookup", LookupSso);
        group.MapPut("/users/{id}/identities/{target}", LinkSocial);
        group.MapPut("/users/{id}/sso-identities/{ssoConnectorId}", LinkSso);
        group.MapPost("/users/with-identity", CreateWithIdentity);
        group.MapGet("/users/{id}/identities", OfUser);
        return app;
    }

    private static async Task<Results<Ok<UserIdResponse>, ProblemHttpResult>> Lookup(
        [FromQuery] string? target, [FromQuery] string? identityId, UserIdentities identities, CancellationToken ct)
    {
        if (!IdentityRules.IsTarget(target) || !IdentityRules.IsIdentityId(identityId)) return UserErrors.InvalidInput("target and identityId are required.");
        return await identities.FindUserIdAsync(target!, identityId!, ct) is { } userId ? TypedResults.Ok(new UserIdResponse(userId)) : IdentityRules.NotLinked();
    }

    private static async Task<Results<Ok<UserIdResponse>, ProblemHttpResult>> LookupSso(
        [FromQuery] string? issuer, [FromQuery] string? identityId, UserIdentities identities, CancellationToken ct)
    {
        if (!IdentityRules.IsIssuer(issuer) || !IdentityRules.IsIdentityId(identityId)) return UserErrors.InvalidInput("issuer and identityId are required.");
        return await identities.FindSsoUserIdAsync(issuer!, identityId!, ct) is { } userId ? TypedResults.Ok(new UserIdResponse(userId)) : IdentityRules.NotLinked();
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> LinkSocial(string id, string target, LinkSocialIdentityRequest body,
        UserDirectory directory, UserIdentities identities, CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        if (await identities.StageSocialAsync(user, new SocialIdentityInput(target, body.IdentityId, body.Details), ct) is { } refused) return refused;
        identities.Sync(user, body.SyncedProfile);
        return await identities.SaveAsync(ct) is { } raced ? raced : TypedResults.Ok(UserResponse.From(user));
    }

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> LinkSso(string id, string ssoConnectorId, LinkSsoIdentityRequest body,
        UserDirectory directory, UserIdentities identities, CancellationToken ct)
    {
        if (await directory.FindAsync(id, ct) is not { } user) return UserErrors.NotFound();
        if (await identities.StageSsoAsync(user, new SsoIdentityInput(ssoConnectorId, body.Issuer, body.IdentityId, body.Detail), ct) is { } refused) return refused;
        identities.Sync(user, body.SyncedProfile);
        return await identities.SaveAsync(ct) is { } raced ? raced : TypedResults.Ok(UserResponse.From(user));
    }

    /// <summary>For the <c>identities</c> / <c>sso_identities</c> claims: both lists in Logto's shapes.</summary>
    private static async Task<Results<Ok<UserIdentitiesResponse>, ProblemHttpResult>> OfUser(string id, UserDirectory directory, UserIdentities identities,
        CancellationToken ct) =>
        await directory.FindAsync(id, ct) is { } user
            ? TypedResults.Ok(new UserIdentitiesResponse(await identities.SocialOfAsync(user.Id, ct), await identities.SsoOfAsync(user.Id, ct)))
            : UserErrors.NotFound();

    /// <summary>The user, its identity and <c>UserRegistered</c> in one transaction: a taken identity or identifier creates nothing.</summary>
    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateWithIdentity(CreateUserWithIdentityRequest body,
        UserDirectory directory, UserIdentities identities, CancellationToken ct)
    {
        if ((body.Identity is null) == (body.SsoIdentity is null)) return UserErrors.InvalidInput("Exactly one of identity and ssoIdentity is required.");
        var result = await directory.CreateAsync(new CreateUserRequest(body.Username, body.PrimaryEmail, body.PrimaryPhone, null, body.Name), ct, async user =>
        {
            identities.Sync(user, new SyncedProfile(null, body.Avatar));
            return body.Identity is { } social ? await identities.StageSocialAsync(user, social, ct) : await identities.StageSsoAsync(user, body.SsoIdentity!, ct);
        });
        return result.Result is Created<UserResponse> created ? TypedResults.Created($"/internal/users/{created.Value!.Id}", created.Value) : result;
    }
}
