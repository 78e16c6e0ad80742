using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Auth.Platform.SsoConnector.ExternalAuth;

/// <summary>
/// Discovery documents and JWKS per issuer, cached and refreshed by IdentityModel's configuration manager (a key
/// rotation at the provider is picked up on the next refresh, at most every 30 s when a signature fails).
/// </summary>
public sealed class OidcMetadataCache(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "external-providers";
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _managers = new(StringComparer.Ordinal);

    public Task<OpenIdConnectConfiguration> GetAsync(string issuer, CancellationToken ct) => Manager(issuer).GetConfigurationAsync(ct);

    /// <summary>After an ID token failed on an unknown key: fetch again before the next attempt.</summary>
    public void Refresh(string issuer) => Manager(issuer).RequestRefresh();

    private ConfigurationManager<OpenIdConnectConfiguration> Manager(string issuer) => _managers.GetOrAdd(issuer, i =>
        new ConfigurationManager<OpenIdConnectConfiguration>(i.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(HttpClientName)) { RequireHttps = !IsLoopback(i) })
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(12),
            RefreshInterval = TimeSpan.FromSeconds(30),
        });

    /// <summary>Providers are reached over HTTPS; plain HTTP only on loopback (development and the test peers).</summary>
    public static bool IsLoopback(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
