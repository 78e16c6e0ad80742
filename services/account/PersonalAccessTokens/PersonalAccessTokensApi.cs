using System.Security.Claims;
using Auth.Platform.Account.AccountCenter;
using Auth.Platform.Account.Data;
using Auth.Platform.Account.MyAccount;
using Auth.Platform.Account.Users;
using Auth.Platform.Account.Verifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Auth.Platform.Account.PersonalAccessTokens;

public sealed record ResolvePersonalAccessTokenRequest(string? Value);
public sealed record ResolvePersonalAccessTokenResponse(string UserId);

/// <summary>
/// Personal access tokens three ways: Logto's Management API (<c>/api/users/{id}/personal-access-tokens</c>), Logto 1.46's
/// Account API (<c>/api/my-account/personal-access-tokens</c>, account center field <c>personalAccessToken</c>, step-up to
/// create), and <c>/internal/personal-access-tokens/resolve</c> for signin's token exchange.
/// </summary>
public static class PersonalAccessTokensApi
{
    public const string AccountCenterField = "personalAccessToken";

    public static IEndpointRouteBuilder MapPersonalAccessTokensApi(this IEndpointRouteBuilder app)
    {
        var management = app.MapGroup("/api/users/{id}/personal-access-tokens").RequireAuthorization(PlatformPolicies.Management).WithTags("Users");
        management.MapGet("", List);
        management.MapPost("", Create);
        management.MapPatch("", Rename);
        management.MapPatch("/{name}", RenameByPath);
        management.MapPost("/delete", Delete);
        management.MapDelete("/{name}", DeleteByPath);

        var mine = app.MapGroup("/api/my-account/personal-access-tokens").RequireAuthorization(MyAccountAuthentication.Policy).WithTags("Account API");
        mine.MapGet("", ListMine);
        mine.MapPost("", CreateMine);
        mine.MapPatch("", RenameMine);
        mine.MapPost("/delete", DeleteMine);

        app.MapPost("/internal/personal-access-tokens/resolve", Resolve).RequireAuthorization(PlatformPolicies.Internal).WithTags("Internal: users");
        return app;
    }

    private static async Task<Results<Ok<List<PersonalAccessTokenResponse>>, ProblemHttpResult>> List(
        string id, UserDirectory directory, PersonalAccessTokenStore tokens, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is null ? UserErrors.NotFound() : TypedResults.Ok(await tokens.ListAsync(id, ct));

    private static async Task<Results<Created<PersonalAccessTokenResponse>, ProblemHttpResult>> Create(
        string id, CreatePersonalAccessTokenBody body, UserDirectory directory, PersonalAccessTokenStore tokens, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is null ? UserErrors.NotFound() : await tokens.CreateAsync(id, body, ct);

    /// <summary>Logto's <c>PATCH …/personal-access-tokens {currentName, name}</c>.</summary>
    private static async Task<Results<Ok<PersonalAccessTokenResponse>, ProblemHttpResult>> Rename(
        string id, RenamePersonalAccessTokenBody body, UserDirectory directory, PersonalAccessTokenStore tokens, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is null ? UserErrors.NotFound() : await tokens.RenameAsync(id, body.CurrentName, body.Name, ct);

    /// <summary>Logto's older <c>PATCH …/personal-access-tokens/{name} {name}</c> (names with a <c>/</c> need the form above).</summary>
    private static async Task<Results<Ok<PersonalAccessTokenResponse>, ProblemHttpResult>> RenameByPath(
        string id, string name, RenamePersonalAccessTokenBody body, UserDirectory directory, PersonalAccessTokenStore tokens, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is null ? UserErrors.NotFound() : await tokens.RenameAsync(id, name, body.Name, ct);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, DeletePersonalAccessTokenBody body, UserDirectory directory, PersonalAccessTokenStore tokens, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is null ? UserErrors.NotFound() : await tokens.DeleteAsync(id, body.Name, ct);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteByPath(
        string id, string name, UserDirectory directory, PersonalAccessTokenStore tokens, CancellationToken ct) =>
        await directory.FindAsync(id, ct) is null ? UserErrors.NotFound() : await tokens.DeleteAsync(id, name, ct);

    private static async Task<Results<Ok<List<PersonalAccessTokenResponse>>, ProblemHttpResult>> ListMine(
        ClaimsPrincipal principal, PersonalAccessTokenStore tokens, AccountDbContext db, CancellationToken ct) =>
        await RequireFieldAsync(db, edit: false, ct) is { } refused ? refused : TypedResults.Ok(await tokens.ListAsync(UserId(principal), ct));

    /// <summary>A new credential for the account: the field at <c>Edit</c>, a first-party token and a step-up record.</summary>
    private static async Task<Results<Created<PersonalAccessTokenResponse>, ProblemHttpResult>> CreateMine(CreatePersonalAccessTokenBody body,
        HttpRequest request, ClaimsPrincipal principal, StepUp stepUp, PersonalAccessTokenStore tokens, AccountDbContext db, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (await RequireFieldAsync(db, edit: true, ct) is { } refused) return refused;
        if (await stepUp.RequireAsync(request, principal, ct) is { } denied) return denied;
        return await tokens.CreateAsync(UserId(principal), body, ct);
    }

    private static async Task<Results<Ok<PersonalAccessTokenResponse>, ProblemHttpResult>> RenameMine(RenamePersonalAccessTokenBody body,
        ClaimsPrincipal principal, PersonalAccessTokenStore tokens, AccountDbContext db, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (await RequireFieldAsync(db, edit: true, ct) is { } refused) return refused;
        return await tokens.RenameAsync(UserId(principal), body.CurrentName, body.Name, ct);
    }

    /// <summary>Revoking one's own token only removes access, so it needs no step-up.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMine(DeletePersonalAccessTokenBody body,
        ClaimsPrincipal principal, PersonalAccessTokenStore tokens, AccountDbContext db, CancellationToken ct)
    {
        if (FirstPartyGuard.Check(principal) is { } thirdParty) return thirdParty;
        if (await RequireFieldAsync(db, edit: true, ct) is { } refused) return refused;
        return await tokens.DeleteAsync(UserId(principal), body.Name, ct);
    }

    /// <summary>For signin's exchange: 200 <c>{userId}</c>, or 404 <c>personal_access_token.invalid</c> (unknown, expired or
    /// the user suspended, alike).</summary>
    private static async Task<Results<Ok<ResolvePersonalAccessTokenResponse>, ProblemHttpResult>> Resolve(
        ResolvePersonalAccessTokenRequest request, PersonalAccessTokenStore tokens, CancellationToken ct)
    {
        if (request.Value is not { Length: > 0 } value) return UserErrors.InvalidInput("value is required.");
        return await tokens.ResolveAsync(value, ct) is { } userId
            ? TypedResults.Ok(new ResolvePersonalAccessTokenResponse(userId))
            : PlatformProblems.Create(404, "personal_access_token.invalid", "No valid personal access token has this value.");
    }

    private static string UserId(ClaimsPrincipal principal) => principal.FindFirst("sub")!.Value;

    private static async Task<ProblemHttpResult?> RequireFieldAsync(AccountDbContext db, bool edit, CancellationToken ct)
    {
        var center = await AccountCenterApi.ReadAsync(db, ct);
        if (!center.Enabled) return MyAccountApi.NotEnabled();
        var access = AccountCenterResponse.From(center).Fields.GetValueOrDefault(AccountCenterField);
        if (edit ? access == AccountCenterFieldAccess.Edit : access is AccountCenterFieldAccess.ReadOnly or AccountCenterFieldAccess.Edit) return null;
        return edit ? MyAccountApi.FieldNotEditable(AccountCenterField)
            : PlatformProblems.Create(400, "account_center.field_not_enabled", $"The account center does not show '{AccountCenterField}'.");
    }
}
