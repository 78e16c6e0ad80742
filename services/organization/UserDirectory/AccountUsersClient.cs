using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Auth.Platform.Organization.UserDirectory;

/// <summary>account could not answer: the caller answers 503 rather than a list with holes or a guess about an email.</summary>
public sealed class AccountUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Typed client of account's <c>/internal/users/*</c>: members' profiles are account's data, read when asked for, never
/// copied (a copy here would go stale the moment a user changes their email).
/// </summary>
public sealed class AccountUsersClient(HttpClient http)
{
    /// <summary>Logto's user objects of the ids account knows, keyed by id (a user deleted meanwhile is simply absent).</summary>
    public async Task<Dictionary<string, JsonObject>> GetUsersAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return [];
        try
        {
            using var response = await http.PostAsJsonAsync("/internal/users/batch", new { ids = userIds }, ct);
            if (!response.IsSuccessStatusCode) throw new AccountUnavailableException($"account answered {(int)response.StatusCode}");
            var users = await response.Content.ReadFromJsonAsync<JsonObject[]>(ct) ?? [];
            return users.Where(u => u["id"] is not null).ToDictionary(u => u["id"]!.GetValue<string>(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not AccountUnavailableException && !ct.IsCancellationRequested)
        {
            throw new AccountUnavailableException($"account is unreachable: {e.Message}", e);
        }
    }

    /// <summary>The user's primary email as account holds it now, or null (no email, or no such user).</summary>
    public async Task<string?> GetPrimaryEmailAsync(string userId, CancellationToken ct) =>
        (await GetUsersAsync([userId], ct)).GetValueOrDefault(userId)?["primaryEmail"]?.GetValue<string>();
}
