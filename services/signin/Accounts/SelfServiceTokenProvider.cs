using System.Security.Cryptography;
using Auth.Platform.Signin.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Auth.Platform.Signin.Accounts;

/// <summary>
/// signin is the issuer, so it mints its own service token in-process instead of calling its own token endpoint: a
/// short-lived JWT signed with the current key (the one published in JWKS), which account validates like any other.
/// </summary>
public sealed class SelfServiceTokenProvider(ServerKeyRing keys, IConfiguration configuration, TimeProvider time) : IServiceTokenProvider
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly JsonWebTokenHandler _handler = new();
    private volatile Cached? _cached;

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cached is { } c && c.RenewAt > now) return ValueTask.FromResult(c.Token);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = configuration.GetIssuer(),
            Audience = PlatformAudiences.Internal,
            TokenType = "at+jwt",
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.CurrentSigningKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "signin",
                ["client_id"] = "signin",
                ["scope"] = PlatformScopes.Internal,
                ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            },
        });
        _cached = new Cached(token, now + Lifetime - TimeSpan.FromMinutes(1));
        return ValueTask.FromResult(token);
    }

    private sealed record Cached(string Token, DateTimeOffset RenewAt);
}

public static class AccountClientExtensions
{
    public static IHostApplicationBuilder AddAccountClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IServiceTokenProvider, SelfServiceTokenProvider>();
        builder.Services.AddTransient<ServiceTokenHandler>();
        // A retried registration or password change could apply twice, a retried verify-password count twice.
        builder.Services.AddHttpClient<AccountClient>(c => c.BaseAddress = new Uri(builder.Configuration["Signin:AccountUrl"] ?? "http://account"))
            .AddHttpMessageHandler<ServiceTokenHandler>().WithRetriedReadsOnly().CountingReadsInDevelopment(builder.Environment);
        return builder;
    }
}
