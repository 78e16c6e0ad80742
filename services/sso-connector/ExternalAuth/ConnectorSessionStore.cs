using System.Text.Json;
using StackExchange.Redis;

namespace Auth.Platform.SsoConnector.ExternalAuth;

/// <summary>
/// What sso-connector remembers between sending the user to the provider and the callback: the caller's state and
/// redirect URI, the PKCE verifier, the nonce, the SAML request id, and (for SAML) the identity the ACS validated.
/// </summary>
public sealed record ConnectorSession(
    string ConnectorId,
    string Kind,
    string State,
    string RedirectUri,
    string? CodeVerifier = null,
    string? Nonce = null,
    string? SamlRequestId = null,
    ExternalIdentity? Identity = null);

/// <summary>Connector sessions in Redis, 10 minutes, taken at most once (GETDEL): a replayed callback finds nothing.</summary>
public sealed class ConnectorSessionStore(IConnectionMultiplexer redis)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public async Task SaveAsync(string id, ConnectorSession session, TimeSpan? lifetime = null) =>
        await redis.GetDatabase().StringSetAsync(Key(id), JsonSerializer.Serialize(session, Connectors.JsonDefaults.Web), lifetime ?? Lifetime);

    public async Task<ConnectorSession?> TakeAsync(string id)
    {
        var value = await redis.GetDatabase().StringGetDeleteAsync(Key(id));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ConnectorSession>(value.ToString(), Connectors.JsonDefaults.Web);
    }

    /// <summary>Replaces a session's value while keeping its expiry (the SAML ACS attaches the identity it validated).</summary>
    public async Task<bool> ReplaceAsync(string id, ConnectorSession session) =>
        await redis.GetDatabase().StringSetAsync(Key(id), JsonSerializer.Serialize(session, Connectors.JsonDefaults.Web), null, keepTtl: true, when: When.Exists);

    public async Task<ConnectorSession?> PeekAsync(string id)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(id));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ConnectorSession>(value.ToString(), Connectors.JsonDefaults.Web);
    }

    private static RedisKey Key(string id) => "sso-connector:session:" + id;
}
