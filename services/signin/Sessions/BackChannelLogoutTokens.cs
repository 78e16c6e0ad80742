using System.Security.Cryptography;
using Auth.Platform.Signin.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// Builds OpenID Back-Channel Logout 1.0 logout tokens: signed with the key that signs ID tokens (so an RP validates
/// both through the same JWKS), header <c>typ: logout+jwt</c> (§2.4, against cross-JWT confusion), claims
/// <c>iss aud iat exp jti sub sid events</c> and never <c>nonce</c>.
/// </summary>
public sealed class BackChannelLogoutTokens(ServerKeyRing keys, IConfiguration configuration, TimeProvider time)
{
    public const string EventType = "http://schemas.openid.net/event/backchannel-logout";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// The spec recommends at most two minutes; we allow ten by default because delivery goes through two queues that
    /// survive outages (signin's outbox, notification's retries) and an expired token is refused by the receiver.
    /// </summary>
    public TimeSpan Lifetime => TimeSpan.FromSeconds(configuration.GetValue("Signin:BackChannelLogout:TokenLifetimeSeconds", 600.0));

    public (string Token, DateTimeOffset ExpiresAt) Create(string clientId, string userId, string sessionId)
    {
        var now = time.GetUtcNow();
        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = configuration.GetIssuer(),
            Audience = clientId,
            TokenType = "logout+jwt",
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.CurrentSigningKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
                ["sub"] = userId,
                ["sid"] = sessionId,
                ["events"] = new Dictionary<string, object> { [EventType] = new Dictionary<string, object>() },
            },
        });
        return (token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
