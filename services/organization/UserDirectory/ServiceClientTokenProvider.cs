using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Auth.Platform.Organization.UserDirectory;

/// <summary>
/// organization's service token for other services' <c>/internal/*</c>: client credentials of its own M2M client
/// (<c>Organization:ServiceClient:ClientId|ClientSecret</c>, seeded by signin from the same secret) at signin's token
/// endpoint, reached by service discovery. Cached until a minute before it expires; concurrent callers share one request.
/// </summary>
public sealed class ServiceClientTokenProvider(HttpClient http, IConfiguration configuration, TimeProvider clock) : IServiceTokenProvider
{
    public const string HttpClientName = "signin-token";
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private volatile Cached? _cached;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } c && c.RenewAt > clock.GetUtcNow()) return c.Token;
        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } fresh && fresh.RenewAt > clock.GetUtcNow()) return fresh.Token;
            var clientId = configuration["Organization:ServiceClient:ClientId"];
            var secret = configuration["Organization:ServiceClient:ClientSecret"];
            if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret))
                throw new InvalidOperationException("Organization:ServiceClient:ClientId and ClientSecret are required to call account.");
            using var response = await http.PostAsync("/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["resource"] = PlatformAudiences.Internal,
                ["scope"] = PlatformScopes.Internal,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"signin refused organization's service token: {(int)response.StatusCode}");
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new HttpRequestException("signin answered an empty token response.");
            _cached = new Cached(token.AccessToken, clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0, token.ExpiresIn - 60)));
            return token.AccessToken;
        }
        finally
        {
            _renewing.Release();
        }
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);
    private sealed record Cached(string Token, DateTimeOffset RenewAt);
}
