using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Service tokens for a service other than signin (which mints its own): client credentials at signin's token endpoint
/// with the M2M client signin seeds from <c>Bootstrap:ServiceClients</c>, for <see cref="PlatformAudiences.Internal"/>. The
/// token is cached until a minute before it expires, so a user's request rarely waits on signin.
/// </summary>
public sealed class ClientCredentialsServiceTokenProvider(HttpClient http, IConfiguration configuration, TimeProvider time) : IServiceTokenProvider
{
    /// <summary>Configuration section: <c>ClientId</c>, <c>ClientSecret</c> (the AppHost injects both).</summary>
    public const string Section = "ServiceClient";

    private static readonly SemaphoreSlim Renewal = new(1, 1);
    private static Cached? _cached;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } c && c.RenewAt > time.GetUtcNow()) return c.Token;
        await Renewal.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && again.RenewAt > time.GetUtcNow()) return again.Token;
            var clientId = configuration[$"{Section}:ClientId"] ?? throw new InvalidOperationException($"{Section}:ClientId is not configured.");
            var secret = configuration[$"{Section}:ClientSecret"] ?? throw new InvalidOperationException($"{Section}:ClientSecret is not configured.");
            using var response = await http.PostAsync("/oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["resource"] = PlatformAudiences.Internal,
                ["scope"] = PlatformScopes.Internal,
            }), cancellationToken);
            // The body of a refusal is an OAuth error, never a secret; the status is enough to find the cause.
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"signin refused the service token ({(int)response.StatusCode})", null, response.StatusCode);
            var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken))!;
            var lifetime = TimeSpan.FromSeconds(Math.Max(60, token.ExpiresIn));
            _cached = new Cached(token.AccessToken, time.GetUtcNow() + lifetime - TimeSpan.FromMinutes(1));
            return token.AccessToken;
        }
        finally
        {
            Renewal.Release();
        }
    }

    private sealed record Cached(string Token, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

public static class ClientCredentialsServiceTokenExtensions
{
    /// <summary>Registers <see cref="ClientCredentialsServiceTokenProvider"/> (signin by service discovery, <c>http://signin</c>)
    /// and <see cref="ServiceTokenHandler"/> for the typed clients of other services' <c>/internal/*</c>.</summary>
    public static IHostApplicationBuilder AddClientCredentialsServiceTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<IServiceTokenProvider, ClientCredentialsServiceTokenProvider>(c =>
            c.BaseAddress = new Uri(builder.Configuration[$"{ClientCredentialsServiceTokenProvider.Section}:TokenUrl"] ?? "http://signin"));
        builder.Services.AddTransient<ServiceTokenHandler>();
        return builder;
    }
}
