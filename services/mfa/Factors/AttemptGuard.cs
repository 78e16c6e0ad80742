using Auth.Platform.Mfa.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Auth.Platform.Mfa.Factors;

/// <summary>How one guarded attempt ended.</summary>
public sealed record AttemptResult(bool Succeeded, string? FailureReason = null, int? RetryAfterSeconds = null)
{
    public static readonly AttemptResult Success = new(true);
    public static AttemptResult Failure(string reason) => new(false, reason);
}

/// <summary>
/// Attempt limits per (user, factor type) with an audit row per attempt (B-2: each MFA factor has its own pool, as in
/// Logto's sentinel). Attempts for one pool run one at a time under a PostgreSQL transaction advisory lock, so parallel
/// guesses cannot pass the cap, and the check, the verification and the audit row commit together.
/// Failures counted: those after the last success and within the window; <c>MaxFailures</c> of them lock the pool for
/// <c>LockoutMinutes</c> after the latest one. Attempts refused while locked are audited but do not extend the lock.
/// </summary>
public sealed class AttemptGuard(MfaDbContext db, IOptions<MfaOptions> options, TimeProvider clock)
{
    public const string LockedReason = "locked";

    /// <param name="attempt">Runs inside the transaction; its changes to <paramref name="db"/> are saved with the audit row on success.</param>
    public Task<AttemptResult> RunAsync(string? userId, string factorType, Func<CancellationToken, Task<AttemptResult>> attempt, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(token);
            if (userId is not null)
            {
                var key = LockKey(userId, factorType);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", token);
                if (await RetryAfterAsync(userId, factorType, token) is { } retryAfter)
                {
                    db.ChangeTracker.Clear();
                    db.Attempts.Add(new MfaAttempt { UserId = userId, FactorType = factorType, Succeeded = false, Reason = LockedReason, CreatedAt = clock.GetUtcNow() });
                    await db.SaveChangesAsync(token);
                    await tx.CommitAsync(token);
                    return new AttemptResult(false, LockedReason, retryAfter);
                }
            }
            var result = await attempt(token);
            // A failed attempt must not persist half of what it changed; only its audit row is kept.
            if (!result.Succeeded) db.ChangeTracker.Clear();
            db.Attempts.Add(new MfaAttempt { UserId = userId, FactorType = factorType, Succeeded = result.Succeeded, Reason = result.FailureReason, CreatedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return result;
        }, ct);
    }

    /// <summary>Seconds until the pool unlocks, or null when it is open.</summary>
    public async Task<int?> RetryAfterAsync(string userId, string factorType, CancellationToken ct)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var windowStart = now.AddMinutes(-settings.WindowMinutes);
        var attempts = db.Attempts.Where(a => a.UserId == userId && a.FactorType == factorType && a.CreatedAt > windowStart);
        var lastSuccess = await attempts.Where(a => a.Succeeded).MaxAsync(a => (DateTimeOffset?)a.CreatedAt, ct) ?? windowStart;
        var failures = attempts.Where(a => !a.Succeeded && a.Reason != LockedReason && a.CreatedAt > lastSuccess);
        var count = await failures.CountAsync(ct);
        if (count < settings.MaxFailures) return null;
        var lastFailure = await failures.MaxAsync(a => a.CreatedAt, ct);
        var unlockAt = lastFailure.AddMinutes(settings.LockoutMinutes);
        return unlockAt > now ? (int)Math.Ceiling((unlockAt - now).TotalSeconds) : null;
    }

    private static long LockKey(string userId, string factorType)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("mfa-attempts|" + factorType + "|" + userId));
        return BitConverter.ToInt64(hash, 0);
    }
}
