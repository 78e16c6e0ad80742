using System.Text.Json;
using Auth.Platform.Signin.Sessions;
using StackExchange.Redis;

namespace Auth.Platform.Signin.Consent;

/// <summary>
/// A pending consent: the authorization request to resume, who is asked, for which client and session, and what is
/// missing. The decision (granted / denied) is read once by <c>/oidc/auth</c> when the browser comes back.
/// </summary>
public sealed class ConsentRequest
{
    public required string Id { get; init; }
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string SessionId { get; init; }
    public required List<string> RequestedScopes { get; init; }
    public required List<string> MissingScopes { get; init; }
    public required List<KeyValuePair<string, string>> Parameters { get; init; }
    public string? Decision { get; set; }
}

public static class ConsentDecisions
{
    public const string Granted = "granted";
    public const string Denied = "denied";
}

/// <summary>Consent requests in Redis (1 h, like interactions), found through the <c>_consent</c> cookie only.</summary>
public sealed class ConsentStore(IConnectionMultiplexer redis)
{
    public const string CookieName = "_consent";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task CreateAsync(HttpContext context, ConsentRequest request)
    {
        await redis.GetDatabase().StringSetAsync(Key(request.Id), JsonSerializer.Serialize(request, Json), Lifetime);
        context.Response.Cookies.Append(CookieName, request.Id, SessionService.CookieOptions(context, DateTimeOffset.UtcNow + Lifetime));
    }

    public async Task<ConsentRequest?> FindAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var id) || string.IsNullOrEmpty(id) || id.Length > 100) return null;
        var value = await redis.GetDatabase().StringGetAsync(Key(id));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ConsentRequest>(value.ToString(), Json);
    }

    public Task SaveAsync(ConsentRequest request) =>
        redis.GetDatabase().StringSetAsync(Key(request.Id), JsonSerializer.Serialize(request, Json), null, keepTtl: true, When.Exists);

    /// <summary>The decision for this client and session, consumed (a decision answers one authorization request).</summary>
    public async Task<string?> TakeDecisionAsync(HttpContext context, string clientId, string sessionId)
    {
        var request = await FindAsync(context);
        if (request is not { Decision: not null } || request.ClientId != clientId || request.SessionId != sessionId) return null;
        await redis.GetDatabase().KeyDeleteAsync(Key(request.Id));
        context.Response.Cookies.Delete(CookieName, SessionService.CookieOptions(context, null));
        return request.Decision;
    }

    private static RedisKey Key(string id) => "signin:consent:" + id;
}
