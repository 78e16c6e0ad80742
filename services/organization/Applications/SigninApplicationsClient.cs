using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Auth.Platform.Organization.Applications;

/// <summary>signin could not answer about applications: the caller answers 503.</summary>
public sealed class SigninUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Typed client of signin's <c>/internal/applications/batch</c>: applications are signin's data, read when organization
/// must check one (exists, is machine-to-machine) or show it in a member list.
/// </summary>
public sealed class SigninApplicationsClient(HttpClient http)
{
    /// <summary>Logto's application objects (no secret) of the ids signin knows, keyed by id.</summary>
    public async Task<Dictionary<string, JsonObject>> GetApplicationsAsync(IReadOnlyCollection<string> applicationIds, CancellationToken ct)
    {
        if (applicationIds.Count == 0) return [];
        try
        {
            using var response = await http.PostAsJsonAsync("/internal/applications/batch", new { ids = applicationIds }, ct);
            if (!response.IsSuccessStatusCode) throw new SigninUnavailableException($"signin answered {(int)response.StatusCode}");
            var applications = await response.Content.ReadFromJsonAsync<JsonObject[]>(ct) ?? [];
            return applications.Where(a => a["id"] is not null).ToDictionary(a => a["id"]!.GetValue<string>(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not SigninUnavailableException && !ct.IsCancellationRequested)
        {
            throw new SigninUnavailableException($"signin is unreachable: {e.Message}", e);
        }
    }
}
