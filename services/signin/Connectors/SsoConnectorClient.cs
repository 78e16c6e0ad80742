using System.Net;
using System.Text.Json;
using Auth.Platform.Signin.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;

namespace Auth.Platform.Signin.Connectors;

public sealed record ConnectorStart(string AuthorizationUri, string ConnectorSessionId);
public sealed record ConnectorUserInfo(string Id, string? Email, bool EmailVerified, string? Phone, bool PhoneVerified, string? Name, string? Avatar, JsonElement? RawData);
/// <summary>sso-connector's normalized identity: <c>kind</c> is <c>social</c> or <c>sso</c>; <c>target</c> the social target or the IdP's issuer.</summary>
public sealed record ConnectorIdentity(string ConnectorId, string Target, string Kind, ConnectorUserInfo UserInfo, bool SyncProfile = false);
public sealed record PublicSocialConnector(string Id, string Target, string ConnectorId, string Platform, JsonElement Name, string Logo, string? LogoDark);
public sealed record PublicSsoConnector(string Id, string ConnectorName, string Logo, string? DarkLogo);
public sealed record PublicConnectors(PublicSocialConnector[] SocialConnectors, PublicSsoConnector[] SsoConnectors)
{
    public static readonly PublicConnectors None = new([], []);
}

/// <summary>A value, or sso-connector's coded refusal (Logto's <c>connector.*</c>, <c>session.*</c>, <c>guard.invalid_input</c>) as the browser gets it.</summary>
public readonly record struct ConnectorAnswer<T>(T? Value, ProblemHttpResult? Problem);

/// <summary>
/// Typed client of sso-connector's internal API (service discovery name <c>http://sso-connector</c>). Its coded 4xx answers
/// (and its 502 <c>connector.general</c>: the provider is unreachable) are the user's business and pass through; sso-connector
/// itself down or failing throws, which the Experience API's filter turns into 503 <c>service.unavailable</c>.
/// </summary>
public sealed class SsoConnectorClient(HttpClient http, IMemoryCache cache)
{
    /// <summary>The public sign-in experience is fetched by every sign-in page: a connector change shows within this delay.</summary>
    public static readonly TimeSpan PublicListLifetime = TimeSpan.FromSeconds(10);

    /// <param name="idpInitiatedSessionId">The browser's <c>_sso_idp_initiated_session</c> cookie: sso-connector answers with the
    /// caller's callback instead of the IdP when it names an unsolicited SAML response of this connector.</param>
    public async Task<ConnectorAnswer<ConnectorStart>> StartAsync(string connectorId, string state, string redirectUri, string? scope, CancellationToken ct,
        string? idpInitiatedSessionId = null)
    {
        using var response = await http.PostAsJsonAsync($"/internal/connectors/{Uri.EscapeDataString(connectorId)}/authorization-uri",
            new { state, redirectUri, scope, idpInitiatedSessionId }, ct);
        return await ReadAsync<ConnectorStart>(response, ct);
    }

    public async Task<ConnectorAnswer<ConnectorIdentity>> VerifyAsync(string connectorId, string connectorSessionId, JsonElement connectorData, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"/internal/connectors/{Uri.EscapeDataString(connectorId)}/verify",
            new { connectorSessionId, connectorData }, ct);
        return await ReadAsync<ConnectorIdentity>(response, ct);
    }

    /// <summary>The SSO connectors routed for the address's domain (sso-connector normalises it); empty when none.</summary>
    public async Task<string[]> ConnectorIdsByEmailAsync(string email, CancellationToken ct)
    {
        using var response = await http.GetAsync("/internal/sso/connectors-by-email?email=" + Uri.EscapeDataString(email), ct);
        var answer = await ReadAsync<ConnectorIdList>(response, ct);
        // Its only refusal would be about the address itself: no connector claims it then.
        return answer.Value?.ConnectorIds ?? [];
    }

    /// <summary>Connectors as the public sign-in experience shows them, cached briefly; a failure is not cached (the next page asks again).</summary>
    public async Task<PublicConnectors> PublicConnectorsAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(CacheKey, out PublicConnectors? cached) && cached is not null) return cached;
        using var response = await http.GetAsync("/internal/connectors/public", ct);
        var answer = await ReadAsync<PublicConnectors>(response, ct);
        if (answer.Value is not { } value) throw new HttpRequestException("sso-connector refused the public connector list", null, response.StatusCode);
        return cache.Set(CacheKey, value, PublicListLifetime);
    }

    private const string CacheKey = "signin:public-connectors";

    private static async Task<ConnectorAnswer<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return new((await response.Content.ReadFromJsonAsync<T>(ct))!, null);
        var problem = await InternalProblem.ReadAsync(response, ct);
        var providerUnreachable = response.StatusCode == HttpStatusCode.BadGateway && problem?.Code == "connector.general";
        if (problem?.Code is null || response.StatusCode >= HttpStatusCode.InternalServerError && !providerUnreachable
            || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new HttpRequestException($"sso-connector answered {(int)response.StatusCode}", null, response.StatusCode);
        return new(default, PlatformProblems.Create((int)response.StatusCode, problem.Code, problem.Detail ?? problem.Code,
            problem.Data is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } data ? (object)data : null));
    }

    private sealed record ConnectorIdList(string[] ConnectorIds);
}

public static class SsoConnectorClientExtensions
{
    public static IHostApplicationBuilder AddSsoConnectorClient(this IHostApplicationBuilder builder)
    {
        // A retried verify would find its connector session spent (taken at most once): only reads are retried.
        builder.Services.AddHttpClient<SsoConnectorClient>(c => c.BaseAddress = new Uri(builder.Configuration["Signin:SsoConnectorUrl"] ?? "http://sso-connector"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithRetriedReadsOnly();
        return builder;
    }
}
