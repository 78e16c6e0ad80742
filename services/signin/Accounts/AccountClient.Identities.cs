using System.Net;
using System.Text.Json;

namespace Auth.Platform.Signin.Accounts;

/// <summary>A social identity as account stores it (Logto's <c>identities[target]</c>).</summary>
public sealed record AccountSocialIdentity(string Target, string IdentityId, JsonElement Details);
/// <summary>An enterprise identity as account stores it (Logto's <c>ssoIdentities</c> item).</summary>
public sealed record AccountSsoIdentity(string SsoConnectorId, string Issuer, string IdentityId, JsonElement Detail);
/// <summary>Name and avatar to copy from the IdP (connector's <c>syncProfile</c>).</summary>
public sealed record AccountSyncedProfile(string? Name, string? Avatar);
/// <summary>A user created by a social or SSO sign-in, with exactly one identity.</summary>
public sealed record NewExternalUser(string? PrimaryEmail, string? PrimaryPhone, string? Name, string? Avatar, AccountSocialIdentity? Identity,
    AccountSsoIdentity? SsoIdentity);

/// <summary>A user's identities in Logto's shapes: <c>{target: {userId, details}}</c> and <c>[{issuer, identityId, ssoConnectorId, detail, …}]</c>.</summary>
public sealed record AccountUserIdentities(JsonElement Identities, JsonElement SsoIdentities);

/// <summary>account's identity routes (<c>/internal/identities</c>, <c>/internal/sso-identities</c>, <c>/internal/users/…</c>).</summary>
public sealed partial class AccountClient
{
    /// <summary>The user holding this social identity, or null.</summary>
    public Task<string?> FindUserIdBySocialIdentityAsync(string target, string identityId, CancellationToken ct) =>
        FindIdentityOwnerAsync($"/internal/identities/lookup?target={Uri.EscapeDataString(target)}&identityId={Uri.EscapeDataString(identityId)}", ct);

    /// <summary>The user holding this enterprise identity (issuer + the IdP's user id), or null.</summary>
    public Task<string?> FindUserIdBySsoIdentityAsync(string issuer, string identityId, CancellationToken ct) =>
        FindIdentityOwnerAsync($"/internal/sso-identities/lookup?issuer={Uri.EscapeDataString(issuer)}&identityId={Uri.EscapeDataString(identityId)}", ct);

    /// <summary>Links (or refreshes) the identity on the user; 422 <c>user.identity_already_in_use</c> throws when another user holds it.</summary>
    public async Task<AccountUser> LinkSocialIdentityAsync(string userId, AccountSocialIdentity identity, AccountSyncedProfile? synced, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync($"/internal/users/{Uri.EscapeDataString(userId)}/identities/{Uri.EscapeDataString(identity.Target)}",
            new { identityId = identity.IdentityId, details = identity.Details, syncedProfile = synced }, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<AccountUser>(ct))!;
    }

    public async Task<AccountUser> LinkSsoIdentityAsync(string userId, AccountSsoIdentity identity, AccountSyncedProfile? synced, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync($"/internal/users/{Uri.EscapeDataString(userId)}/sso-identities/{Uri.EscapeDataString(identity.SsoConnectorId)}",
            new { issuer = identity.Issuer, identityId = identity.IdentityId, detail = identity.Detail, syncedProfile = synced }, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<AccountUser>(ct))!;
    }

    /// <summary>The user and its identity in one transaction; a taken identity or identifier throws 422 and creates nothing.</summary>
    public async Task<AccountUser> CreateUserWithIdentityAsync(NewExternalUser user, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/users/with-identity", user, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<AccountUser>(ct))!;
    }

    /// <summary>The user's identities (for the <c>identities</c> scope's claims); null when account no longer knows the user.</summary>
    public async Task<AccountUserIdentities?> GetIdentitiesAsync(string userId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/internal/users/{Uri.EscapeDataString(userId)}/identities", ct);
        if (await IsUserNotFoundAsync(response, ct)) return null;
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<AccountUserIdentities>(ct);
    }

    /// <summary>Only account's own <c>user.identity_not_exist</c> means "nobody holds it" (as <see cref="IsUserNotFoundAsync"/>).</summary>
    private async Task<string?> FindIdentityOwnerAsync(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        if (response.StatusCode == HttpStatusCode.NotFound && (await InternalProblem.ReadAsync(response, ct))?.Code == "user.identity_not_exist") return null;
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<IdResponse>(ct))?.Id;
    }
}
