using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Auth.Platform.BuildingBlocks.Contracts;
using Auth.Platform.BuildingBlocks.Messaging;
using Auth.Platform.Signin.Applications;
using Auth.Platform.Signin.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Auth.Platform.Signin.Sessions;

/// <summary>
/// Sign-in sessions: an opaque 256-bit cookie value whose hash finds the row in signindb. Every way a session ends
/// (sign-out, revocation by the user or an admin, password reset, account deletion, another user signing in on the
/// browser) goes through <see cref="StageEndAsync"/>, which also revokes the session's grants and queues the
/// back-channel logout tokens in the outbox, in the same transaction as the deletion.
/// </summary>
public sealed class SessionService(SigninDbContext db, TimeProvider time, IConfiguration configuration, IOpenIddictApplicationManager applications,
    BackChannelLogoutTokens logoutTokens, OutboxSignal outboxSignal, ILogger<SessionService> logger)
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

    /// <summary>
    /// Authenticates the browser: a new cookie value every time (against session fixation). The same user keeps the
    /// session (its sid and the clients it signed in to); another user's session on this browser is ended first.
    /// </summary>
    public async Task<SigninSession> StartAsync(HttpContext context, string userId, IReadOnlyCollection<string> amr, CancellationToken ct)
    {
        var cookie = NewOpaqueId();
        var now = time.GetUtcNow();
        var authTime = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var previous = await FindAsync(context, ct);
        SigninSession session;
        if (previous is not null && previous.UserId == userId)
        {
            session = previous;
            session.CookieHash = Hash(cookie);
            session.AuthTime = authTime;
            session.ExpiresAt = now + Lifetime;
            session.Amr = [.. amr];
            await db.SaveChangesAsync(ct);
        }
        else
        {
            session = new SigninSession { Id = NewOpaqueId(), CookieHash = Hash(cookie), UserId = userId, AuthTime = authTime, ExpiresAt = now + Lifetime, Amr = [.. amr] };
            await InTransactionAsync(async token =>
            {
                if (previous is not null) await StageEndAsync([previous], SessionEndReasons.ReplacedByAnotherUser, revokeAllGrantsOf: null, token);
                db.Sessions.Add(session);
                return 0;
            }, ct);
        }
        context.Response.Cookies.Append(CookieName, cookie, CookieOptions(context, session.ExpiresAt));
        return session;
    }

    /// <summary>Records that <paramref name="clientId"/> gets tokens in this session, under <paramref name="authorizationId"/>.</summary>
    public async Task AddClientAsync(SigninSession session, string clientId, string? authorizationId, CancellationToken ct)
    {
        if (!session.Clients.Contains(clientId)) session.Clients = [.. session.Clients, clientId];
        if (authorizationId is not null && !session.AuthorizationIds.Contains(authorizationId))
            session.AuthorizationIds = [.. session.AuthorizationIds, authorizationId];
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ends this browser's session (if any) and deletes the cookie.</summary>
    public Task EndAsync(HttpContext context, CancellationToken ct) => EndAsync(context, SessionEndReasons.UserUnavailable, ct);

    public async Task EndAsync(HttpContext context, string reason, CancellationToken ct)
    {
        var session = await FindAsync(context, ct);
        if (session is not null)
        {
            var id = session.Id;
            await EndWhereAsync(s => s.Id == id, reason, revokeAllGrantsOf: null, ct);
        }
        context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));
    }

    /// <summary>Ends one session of a user (Account and Management APIs). False when the user has no such session.</summary>
    public async Task<bool> EndByIdAsync(string userId, string sessionId, string reason, CancellationToken ct) =>
        await EndWhereAsync(s => s.Id == sessionId && s.UserId == userId, reason, revokeAllGrantsOf: null, ct) > 0;

    /// <summary>
    /// Ends every session of the user and revokes all of the user's authorizations and tokens, <c>offline_access</c>
    /// ones included (password reset, account deletion). Returns the number of sessions ended.
    /// </summary>
    public Task<int> EndAllForUserAsync(string userId, string reason, CancellationToken ct) =>
        EndWhereAsync(s => s.UserId == userId, reason, revokeAllGrantsOf: userId, ct);

    /// <summary>The user's live sessions, newest first.</summary>
    public Task<List<SigninSession>> ListForUserAsync(string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.Sessions.AsNoTracking().Where(s => s.UserId == userId && s.ExpiresAt > now).OrderByDescending(s => s.AuthTime).ToListAsync(ct);
    }

    private async Task<int> EndWhereAsync(System.Linq.Expressions.Expression<Func<SigninSession, bool>> filter, string reason, string? revokeAllGrantsOf,
        CancellationToken ct)
    {
        try
        {
            return await InTransactionAsync(async token =>
            {
                var sessions = await db.Sessions.Where(filter).ToListAsync(token);
                if (sessions.Count > 0 || revokeAllGrantsOf is not null) await StageEndAsync(sessions, reason, revokeAllGrantsOf, token);
                return sessions.Count;
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A concurrent request ended the same session first: it revoked and notified; nothing is left to do.
            db.ChangeTracker.Clear();
            return 0;
        }
    }

    private async Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async token =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var value = await work(token);
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return value;
        }, ct);
        // Rows written inside a transaction do not wake the dispatcher by themselves.
        outboxSignal.Notify();
        return result;
    }

    /// <summary>
    /// The one place where sessions end. Stages, in <see cref="db"/>: the deletion of <paramref name="sessions"/>; the
    /// revocation of their authorizations without <c>offline_access</c> (or, with <paramref name="revokeAllGrantsOf"/>,
    /// of every authorization and token of that user); and one <see cref="BackChannelLogoutRequested"/> per session and
    /// client that registered a back-channel logout URI. The caller saves (one transaction). Revocations are written at
    /// once (bulk updates) and so belong to the caller's transaction too.
    /// </summary>
    internal async Task StageEndAsync(IReadOnlyCollection<SigninSession> sessions, string reason, string? revokeAllGrantsOf, CancellationToken ct)
    {
        db.Sessions.RemoveRange(sessions);
        var tokens = db.Set<OpenIddictEntityFrameworkCoreToken>();
        var authorizations = db.Set<OpenIddictEntityFrameworkCoreAuthorization>();
        if (revokeAllGrantsOf is { } userId)
        {
            await tokens.Where(t => t.Subject == userId && t.Status != Statuses.Revoked && t.Status != Statuses.Redeemed)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, Statuses.Revoked), ct);
            await authorizations.Where(a => a.Subject == userId && a.Status == Statuses.Valid)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, Statuses.Revoked), ct);
        }
        else
        {
            var ids = sessions.SelectMany(s => s.AuthorizationIds).Distinct().ToList();
            var candidates = ids.Count == 0 ? [] : await authorizations.Where(a => ids.Contains(a.Id!) && a.Status == Statuses.Valid)
                .Select(a => new { a.Id, a.Scopes }).ToListAsync(ct);
            // Logto's rule: grants with offline_access outlive the session (the app asked to stay signed in).
            var revoke = candidates.Where(a => !HasOfflineAccess(a.Scopes)).Select(a => a.Id!).ToList();
            if (revoke.Count > 0)
            {
                await tokens.Where(t => revoke.Contains(t.Authorization!.Id!) && t.Status != Statuses.Revoked && t.Status != Statuses.Redeemed)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, Statuses.Revoked), ct);
                await authorizations.Where(a => revoke.Contains(a.Id!)).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, Statuses.Revoked), ct);
            }
        }
        var notified = 0;
        foreach (var session in sessions)
        {
            foreach (var clientId in session.Clients.Distinct())
            {
                if (await BackChannelLogoutUriAsync(clientId, ct) is not { } uri) continue;
                var (token, expiresAt) = logoutTokens.Create(clientId, session.UserId, session.Id);
                db.AddIntegrationEvent(new BackChannelLogoutRequested(Guid.CreateVersion7(), clientId, uri, token, expiresAt));
                notified++;
            }
        }
        if (sessions.Count > 0)
            logger.LogInformation("Ended {Count} session(s) ({Reason}); {Notified} back-channel logout(s) queued", sessions.Count, reason, notified);
    }

    private async Task<string?> BackChannelLogoutUriAsync(string clientId, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null) return null;
        var properties = await applications.GetPropertiesAsync(application, ct);
        return properties.TryGetValue(ApplicationProperties.BackchannelLogoutUri, out var uri) && uri.ValueKind == JsonValueKind.String
            ? uri.GetString() : null;
    }

    private static bool HasOfflineAccess(string? scopes)
    {
        if (string.IsNullOrEmpty(scopes)) return false;
        try
        {
            return JsonSerializer.Deserialize<string[]>(scopes)?.Contains(Scopes.OfflineAccess) == true;
        }
        catch (JsonException)
        {
            return false;
        }
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
