using System.Security.Cryptography;
using System.Text;
using Auth.Platform.Signin.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Auth.Platform.Signin.Sessions;

/// <summary>Sign-in sessions: an opaque 256-bit cookie value whose hash finds the row in signindb.</summary>
public sealed class SessionService(SigninDbContext db, TimeProvider time, IConfiguration configuration,
    IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, ILogger<SessionService> logger)
{
    public const string CookieName = "_session";
    private TimeSpan Lifetime => TimeSpan.FromDays(configuration.GetValue("Signin:SessionLifetimeDays", 14.0));

    public async Task<SigninSession?> FindAsync(HttpContext context, CancellationToken ct)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value) || value.Length > 100) return null;
        var hash = Hash(value);
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.CookieHash == hash, ct);
        return session is not null && session.ExpiresAt > time.GetUtcNow() ? session : null;
    }

    /// <summary>Starts a new session (a new id and cookie on every authentication, against session fixation) and ends the previous one.</summary>
    public async Task<SigninSession> StartAsync(HttpContext context, string userId, CancellationToken ct)
    {
        var previous = await FindAsync(context, ct);
        if (previous is not null) db.Sessions.Remove(previous);
        var cookie = NewOpaqueId();
        var now = time.GetUtcNow();
        var session = new SigninSession
        {
            Id = NewOpaqueId(), CookieHash = Hash(cookie), UserId = userId,
            AuthTime = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()), ExpiresAt = now + Lifetime,
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        context.Response.Cookies.Append(CookieName, cookie, CookieOptions(context, session.ExpiresAt));
        return session;
    }

    public async Task AddClientAsync(SigninSession session, string clientId, CancellationToken ct)
    {
        if (session.Clients.Contains(clientId)) return;
        session.Clients.Add(clientId);
        await db.SaveChangesAsync(ct);
    }

    public async Task EndAsync(HttpContext context, CancellationToken ct)
    {
        var session = await FindAsync(context, ct);
        if (session is not null)
        {
            db.Sessions.Remove(session);
            await db.SaveChangesAsync(ct);
        }
        context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));
    }

    /// <summary>
    /// Ends every session of the user and revokes their refresh tokens and authorizations (password reset: Logto leaves them
    /// alive, so a thief who had the old password keeps access; here a reset signs the user out everywhere).
    /// </summary>
    /// <returns>The number of sessions ended.</returns>
    public async Task<int> EndAllForUserAsync(string userId, string reason, CancellationToken ct)
    {
        var ended = await db.Sessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
        var revokedTokens = await tokens.RevokeBySubjectAsync(userId, ct);
        var revokedAuthorizations = await authorizations.RevokeBySubjectAsync(userId, ct);
        logger.LogInformation("Ended {Sessions} sessions, revoked {Tokens} tokens and {Authorizations} authorizations of {UserId} ({Reason})",
            ended, revokedTokens, revokedAuthorizations, userId, reason);
        return ended;
    }

    internal static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
    };

    /// <summary>256 bits from the CSPRNG, base64url.</summary>
    public static string NewOpaqueId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string value) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
