using Auth.Platform.Signin.Accounts;

namespace Auth.Platform.Signin.Organizations;

/// <summary>One of the user's organizations, as organization's internal API returns it: the member's role names and the organization scopes they grant.</summary>
public sealed record OrganizationMembership(string OrganizationId, bool IsMfaRequired, string[]? OrganizationRoles = null, string[]? Scopes = null);

/// <summary>organization could not be reached or did not answer the memberships: callers treat it as temporarily unavailable.</summary>
public sealed class OrganizationUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Typed client of organization's <c>/internal/organizations/*</c> API (service discovery name <c>http://organization</c>).</summary>
public sealed class OrganizationClient(HttpClient http)
{
    /// <summary>
    /// Throws <see cref="OrganizationUnavailableException"/> whenever organization cannot answer: refused connection,
    /// timeout or open circuit (the resilience handler's own exceptions), or an error status.
    /// </summary>
    public Task<OrganizationMembership[]> GetMembershipsAsync(string userId, CancellationToken ct) =>
        ReadMembershipsAsync($"/internal/organizations/users/{Uri.EscapeDataString(userId)}/memberships", ct);

    /// <summary>A machine-to-machine application's memberships (client_credentials organization tokens). Throws like <see cref="GetMembershipsAsync"/>.</summary>
    public Task<OrganizationMembership[]> GetApplicationMembershipsAsync(string applicationId, CancellationToken ct) =>
        ReadMembershipsAsync($"/internal/organizations/applications/{Uri.EscapeDataString(applicationId)}/memberships", ct);

    private async Task<OrganizationMembership[]> ReadMembershipsAsync(string path, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(path, ct);
            if (!response.IsSuccessStatusCode)
            {
                var problem = await InternalProblem.ReadAsync(response, ct);
                throw new OrganizationUnavailableException($"organization answered {(int)response.StatusCode} {problem?.Code}");
            }
            return await response.Content.ReadFromJsonAsync<OrganizationMembership[]>(ct) ?? [];
        }
        catch (Exception e) when (e is not OrganizationUnavailableException && !ct.IsCancellationRequested)
        {
            throw new OrganizationUnavailableException($"organization is unreachable: {e.Message}", e);
        }
    }

    /// <summary>The names of the organization template's scopes (what an authorization request may ask besides OIDC's scopes). Throws like <see cref="GetMembershipsAsync"/>.</summary>
    public async Task<string[]> GetScopeNamesAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/internal/organizations/scopes", ct);
            if (!response.IsSuccessStatusCode) throw new OrganizationUnavailableException($"organization answered {(int)response.StatusCode}");
            return await response.Content.ReadFromJsonAsync<string[]>(ct) ?? [];
        }
        catch (Exception e) when (e is not OrganizationUnavailableException && !ct.IsCancellationRequested)
        {
            throw new OrganizationUnavailableException($"organization is unreachable: {e.Message}", e);
        }
    }

    /// <summary>
    /// True when any of the user's organizations requires MFA (the sign-in experience's organization MFA policy). Throws
    /// like <see cref="GetMembershipsAsync"/>: whether to fail closed is the caller's decision.
    /// </summary>
    public async Task<bool> IsMfaRequiredForUserAsync(string userId, CancellationToken ct) =>
        (await GetMembershipsAsync(userId, ct)).Any(m => m.IsMfaRequired);
}

public static class OrganizationClientExtensions
{
    /// <summary>Needs <c>AddAccountClient</c> first: it registers the service token provider and handler this client shares.</summary>
    public static IHostApplicationBuilder AddOrganizationClient(this IHostApplicationBuilder builder)
    {
        // Only reads: retried, like account's lookups.
        builder.Services.AddHttpClient<OrganizationClient>(c => c.BaseAddress = new Uri(builder.Configuration["Signin:OrganizationUrl"] ?? "http://organization"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithRetriedReadsOnly();
        return builder;
    }
}
