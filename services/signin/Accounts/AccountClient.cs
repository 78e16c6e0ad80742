using System.Net;

namespace Auth.Platform.Signin.Accounts;

/// <summary>User as account's internal API returns it (Logto's field names; times in epoch ms).</summary>
public sealed record AccountUser(
    string Id, string? Username, string? PrimaryEmail, string? PrimaryPhone, string? Name, string? Avatar,
    long? CreatedAt, long? UpdatedAt, bool IsSuspended, bool HasPassword, System.Text.Json.JsonElement? CustomData = null);

public sealed record AccountIdentifier(string Type, string Value);

/// <summary>What registration sends to account; nulls are left out of the user.</summary>
public sealed record NewAccountUser(string? Username, string? PrimaryEmail, string? PrimaryPhone, string? Password);

/// <summary>A problem answered by account, carried with its stable code.</summary>
public sealed class AccountProblemException(int status, string code, string? detail) : Exception(detail ?? code)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>Typed client of account's <c>/internal/*</c> API (service discovery name <c>http://account</c>).</summary>
public sealed partial class AccountClient(HttpClient http)
{
    public async Task<AccountUser?> GetUserAsync(string id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/internal/users/{Uri.EscapeDataString(id)}", ct);
        if (await IsUserNotFoundAsync(response, ct)) return null;
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<AccountUser>(ct);
    }

    /// <summary>Returns the user id, or null for invalid credentials (account answers the same for an unknown user).</summary>
    public async Task<string?> VerifyPasswordAsync(AccountIdentifier identifier, string password, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/users/verify-password", new { identifier, password }, ct);
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity && (await InternalProblem.ReadAsync(response, ct))?.Code == "session.invalid_credentials") return null;
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<UserIdResponse>(ct))?.UserId;
    }

    public async Task<bool> IdentifierExistsAsync(AccountIdentifier identifier, CancellationToken ct) =>
        await FindUserIdAsync(identifier, ct) is not null;

    /// <summary>The id of the user holding the identifier (any human-typed form), or null.</summary>
    public async Task<string?> FindUserIdAsync(AccountIdentifier identifier, CancellationToken ct)
    {
        using var response = await http.GetAsync(
            $"/internal/users/lookup?type={Uri.EscapeDataString(identifier.Type)}&value={Uri.EscapeDataString(identifier.Value)}", ct);
        if (await IsUserNotFoundAsync(response, ct)) return null;
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<IdResponse>(ct))?.Id;
    }

    /// <summary>
    /// The stored form of an identifier (E.164 phone, trimmed email). Malformed input throws <see cref="AccountProblemException"/>
    /// with status 400 and Logto's <c>user.invalid_email</c> / <c>user.invalid_phone</c> / <c>guard.invalid_input</c>.
    /// </summary>
    public async Task<AccountIdentifier> NormalizeIdentifierAsync(AccountIdentifier identifier, CancellationToken ct)
    {
        using var response = await http.GetAsync(
            $"/internal/identifiers/normalize?type={Uri.EscapeDataString(identifier.Type)}&value={Uri.EscapeDataString(identifier.Value)}", ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<AccountIdentifier>(ct))!;
    }

    public async Task<AccountUser> CreateUserAsync(NewAccountUser user, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/internal/users", user, ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<AccountUser>(ct))!;
    }

    /// <summary>Throws <see cref="AccountProblemException"/> 422 <c>user.same_password</c> when asked to and it is the current one.</summary>
    public async Task SetPasswordAsync(string id, string password, bool rejectSamePassword, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync($"/internal/users/{Uri.EscapeDataString(id)}/password", new { password, rejectSamePassword }, ct);
        await EnsureSuccessAsync(response, ct);
    }

    /// <summary>Adds identifiers (null fields stay as they are); conflicts throw 422 <c>user.*_already_in_use</c>.</summary>
    public async Task UpdateIdentifiersAsync(string id, string? username, string? primaryEmail, string? primaryPhone, CancellationToken ct)
    {
        using var response = await http.PatchAsJsonAsync($"/internal/users/{Uri.EscapeDataString(id)}/identifiers", new { username, primaryEmail, primaryPhone }, ct);
        await EnsureSuccessAsync(response, ct);
    }

    public async Task RecordSignInAsync(string id, CancellationToken ct)
    {
        using var response = await http.PostAsync($"/internal/users/{Uri.EscapeDataString(id)}/sign-in", null, ct);
        await EnsureSuccessAsync(response, ct);
    }

    /// <summary>
    /// Only account's own <c>user.not_found</c> means "no such user": a 404 without it (a route account does not have,
    /// a proxy in between) must not read as "username available" or "user deleted".
    /// </summary>
    private static async Task<bool> IsUserNotFoundAsync(HttpResponseMessage response, CancellationToken ct) =>
        response.StatusCode == HttpStatusCode.NotFound && (await InternalProblem.ReadAsync(response, ct))?.Code == "user.not_found";

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var problem = await InternalProblem.ReadAsync(response, ct);
        throw new AccountProblemException((int)response.StatusCode, problem?.Code ?? "account.unavailable", problem?.Detail);
    }

    private sealed record UserIdResponse(string UserId);
    private sealed record IdResponse(string Id);
}
